"""What a test cell checks, read from its trusted source (the gradebook's, not the student's).

A test cell of this course holds imports, comments, and calls such as::

    check_jacobian_values(dloss_dyhat, "scalar_wrt_vector", B=256, D=10)

with a function name, a case key and integer sizes as literals. :func:`plan_cell` turns them
into :class:`PlannedCheck` s; any other statement is a :class:`PlanError`, because the grader
could not verify it outside the student's kernel. A check runs on the cell's sizes and then on
its case's second, public sizes (:attr:`PlannedCheck.public_sizes`), as in the notebook.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from cases.registry import CASES

CHECKS = {"check_predicted_shape": "predicted_shape", "check_jacobian_shape": "shape",
          "check_jacobian_values": "values"}
"""The checks a test cell may call, and what each checks."""


class PlanError(ValueError):
    """A test cell asks for something the grader cannot verify; the message says what."""


@dataclass(frozen=True)
class PlannedCheck:
    """One check call of a test cell.

    Attributes
    ----------
    check : {"predicted_shape", "shape", "values"}
    case : str
    sizes : dict of str to int
        The notebook's sizes, exactly the case's size names.
    """

    check: str
    case: str
    sizes: dict[str, int]

    @property
    def public_sizes(self) -> list[dict[str, int]]:
        """The sizes it runs on with the notebook's inputs, as the notebook's check does: the
        cell's, then the case's second set
        (:meth:`jacobian_checks.public_case.PublicCase.public_sizes`)."""
        return CASES[self.case].public_sizes(self.sizes)


def plan_cell(source: str, where: str) -> list[PlannedCheck]:
    """The checks of a test cell's source; ``where`` names the cell in errors.

    Examples
    --------
    >>> plan_cell("check_jacobian_values(dloss_dyhat, 'scalar_wrt_vector', B=8, D=3)", "cell")
    [PlannedCheck(check='values', case='scalar_wrt_vector', sizes={'B': 8, 'D': 3})]
    >>> plan_cell("print('all tests passed')", "cell")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    autograder.verify.plan.PlanError: cell, line 1: only check_predicted_shape, ... be verified
    >>> plan_cell("check_jacobian_values(dloss_dyhat, 'scalar_wrt_vector', B=8.0, D=3)", "cell")
    Traceback (most recent call last):
        ...
    autograder.verify.plan.PlanError: cell, line 1: sizes must be written as name=int
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise PlanError(f"{where}: the test cell is not valid Python ({exc.msg})") from None
    planned = []
    for statement in tree.body:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            continue
        if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
            raise PlanError(f"{where}, line {statement.lineno}: a test cell may hold only "
                            f"imports and calls of {', '.join(CHECKS)}")
        planned.append(_planned(statement.value, f"{where}, line {statement.lineno}"))
    if not planned:
        raise PlanError(f"{where}: the test cell calls no check")
    return planned


def _planned(call: ast.Call, where: str) -> PlannedCheck:
    name = call.func.id if isinstance(call.func, ast.Name) else None
    if name not in CHECKS:
        raise PlanError(f"{where}: only {', '.join(CHECKS)} can be verified")
    check = CHECKS[name]
    if (len(call.args) != 2 or not isinstance(call.args[0], ast.Name)
            or not isinstance(call.args[1], ast.Constant)
            or not isinstance(call.args[1].value, str)):
        raise PlanError(f"{where}: write {name}(<function name>, \"<case>\", size=int, ...)")
    case_key = call.args[1].value
    case = CASES.get(case_key)
    if case is None:
        raise PlanError(f"{where}: unknown case {case_key!r}")
    expected = "jacobian_shape" if check == "predicted_shape" else case.function
    if call.args[0].id != expected:
        raise PlanError(f"{where}: case {case_key!r} checks {expected}, not {call.args[0].id}")
    sizes = {}
    for keyword in call.keywords:
        if (keyword.arg is None or not isinstance(keyword.value, ast.Constant)
                or type(keyword.value.value) is not int):
            raise PlanError(f"{where}: sizes must be written as name=int")
        sizes[keyword.arg] = keyword.value.value
    if sorted(sizes) != sorted(case.size_names):
        raise PlanError(f"{where}: case {case_key!r} takes the sizes {case.size_names}")
    return PlannedCheck(check, case_key, sizes)
