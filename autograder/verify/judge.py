"""Every test cell's verdict, from calls of the student's functions and the checks' verdicts.

A cell passes when each of its planned checks passes on the public sizes -- the notebook's,
then the case's second set, as the notebook's own check runs them -- and on every hidden run.
The calls are made in two phases: first the public sizes for every cell, then the hidden
runs, so that nothing the kernel learns from a hidden run can reach a message about public
sizes (those quote the name of an exception the student's code raised). A function is called
once per sizes and inputs: the shape and values checks share the call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import numpy as np

from cases.case import Case
from cases.registry import get_case
from jacobian_checks.coerce import NotAnArray
from jacobian_checks.public_case import VISIBLE_SEED
from jacobian_checks.verdicts import (
    Rejection,
    Run,
    confirmation,
    judge_prediction,
    judge_returned,
    judge_values,
    reject_no_reply,
    reject_raised,
    reject_unavailable,
)

from ..expectation import CaseExpectation
from ..hidden import HiddenRun
from .plan import PlannedCheck
from .replies import NoReply, Predicted, Raised, Returned, Unavailable, builtin_exception

Call = Callable[[str, str, Sequence[int | np.ndarray], tuple[int, ...] | None],
                Awaitable[Returned]]
"""``call(function name, "array" | "shape", arguments, shape)``: one call in the student's
kernel; ``shape`` is the shape the check expects of an array (``None`` for ``"shape"``)."""


@dataclass(frozen=True)
class TestCell:
    """A graded test cell and the checks its trusted source asks for."""

    grade_id: str
    checks: tuple[PlannedCheck, ...]


@dataclass(frozen=True)
class CellVerdict:
    """The grader's verdict on one test cell.

    Attributes
    ----------
    grade_id : str
    rejection : Rejection or None
        The first failed check, ``None`` if the cell passed.
    case : str
        The case of the failed check (of the first check if the cell passed).
    hidden : bool
        The failure happened on a hidden run.
    visible_passed : bool
        Every check passed on the public sizes (the notebook's and the second set), as in
        the student's kernel.
    summary : str
        One line saying what was checked, for a passed cell.
    """

    grade_id: str
    rejection: Rejection | None
    case: str
    hidden: bool
    visible_passed: bool
    summary: str

    @property
    def passed(self) -> bool:
        return self.rejection is None


class Judge:
    """Verdicts of a notebook's test cells through ``call``, with these hidden runs.

    Examples
    --------
    A kernel whose function raises on every call, judged on a cell that checks its shape:

    >>> import asyncio
    >>> from autograder.verify.plan import plan_cell
    >>> async def call(function, expect, arguments, shape):
    ...     return Raised("ZeroDivisionError")
    >>> cell = TestCell("test_shape", tuple(plan_cell(
    ...     "check_jacobian_shape(dloss_dyhat, 'scalar_wrt_vector', B=8, D=3)", "cell")))
    >>> (verdict,) = asyncio.run(Judge(call, hidden_runs=lambda case: []).verify([cell]))
    >>> verdict.passed, verdict.hidden, verdict.rejection.verdict, verdict.rejection.error
    (False, False, 'raised', 'ZeroDivisionError')
    >>> print(verdict.rejection.message)  # doctest: +NORMALIZE_WHITESPACE
    dloss_dyhat(y, yhat) raised ZeroDivisionError: it was raised inside your function
    dloss_dyhat, called by the grader with y (8, 3), yhat (8, 3). Run this test cell in your
    notebook to see where.
    """

    def __init__(self, call: Call, hidden_runs: Callable[[Case], list[HiddenRun]]) -> None:
        self.call = call
        self.hidden_runs = hidden_runs
        self._returned: dict[tuple, Returned] = {}

    async def verify(self, cells: Sequence[TestCell]) -> list[CellVerdict]:
        """The verdict of every cell, in order."""
        visible: dict[str, tuple[PlannedCheck, Rejection] | None] = {}
        for cell in cells:
            visible[cell.grade_id] = await self._first_failure(
                cell, lambda check: [(sizes, VISIBLE_SEED) for sizes in check.public_sizes],
                hidden=False)
        verdicts = []
        for cell in cells:
            failure, hidden = visible[cell.grade_id], False
            if failure is None:
                failure = await self._first_failure(cell, lambda check: [
                    (run.sizes, run.seed) for run in self.hidden_runs(get_case(check.case))],
                    hidden=True)
                hidden = failure is not None
            case = (failure[0] if failure else cell.checks[0]).case
            verdicts.append(CellVerdict(
                cell.grade_id, failure[1] if failure else None, case, hidden,
                visible_passed=visible[cell.grade_id] is None, summary=_summary(cell)))
        return verdicts

    async def _first_failure(self, cell: TestCell,
                             runs: Callable[[PlannedCheck], list[tuple[dict[str, int], int]]],
                             hidden: bool) -> tuple[PlannedCheck, Rejection] | None:
        for check in cell.checks:
            for sizes, seed in runs(check):
                rejection = await self.judge_run(check, sizes, seed, hidden)
                if rejection is not None:
                    return check, rejection
        return None

    async def judge_run(self, check: PlannedCheck, sizes: dict[str, int], seed: int,
                        hidden: bool) -> Rejection | None:
        """The verdict of one check on one run: ``sizes``, inputs drawn from ``seed``; a
        public run on other sizes than the cell's is its second set."""
        case = get_case(check.case)
        second = not hidden and sizes != check.sizes
        passed_at = check.sizes if second else None
        if check.check == "predicted_shape":
            run = Run(case, check.check, sizes, CaseExpectation(case, sizes, seed), hidden,
                      passed_at)
            returned = await self._call(run, "shape", [sizes[n] for n in case.size_names], seed)
            if isinstance(returned, Predicted):
                return judge_prediction(run, returned.shape, returned.kind)
            return _unusable(run, returned)
        inputs = case.sample_inputs(sizes, seed)
        expectation = CaseExpectation(case, sizes, seed, has_inputs=True)
        run = Run(case, check.check, sizes, expectation, hidden, passed_at)
        returned = await self._call(run, "array", [inputs[n] for n in case.arguments], seed)
        if not isinstance(returned, np.ndarray | NotAnArray):
            return _unusable(run, returned)
        rejection = judge_returned(run, returned)
        if rejection is not None or check.check == "shape":
            return rejection
        assert isinstance(returned, np.ndarray)
        return judge_values(run, returned)

    async def _call(self, run: Run, expect: str, arguments: list, seed: int) -> Returned:
        key = (run.function, expect, run.case.key, tuple(sorted(run.sizes.items())), seed)
        if key not in self._returned:
            shape = (get_case(run.case.key).jacobian_shape(run.sizes) if expect == "array"
                     else None)
            self._returned[key] = await self.call(run.function, expect, arguments, shape)
        return self._returned[key]


def _unusable(run: Run, returned: Returned) -> Rejection:
    """The rejection of a call that gave no value to judge."""
    if isinstance(returned, Unavailable):
        return reject_unavailable(run, defined=returned.defined)
    if isinstance(returned, Raised):
        return reject_raised(run, builtin_exception(returned.ename) if run.hidden
                             else returned.ename)
    if isinstance(returned, NoReply):
        return reject_no_reply(run, returned.reason, timed_out=returned.timed_out)
    return reject_no_reply(run, "its answer was not of the kind this check needs")


def _summary(cell: TestCell) -> str:
    """What the notebook's check prints when it passes, and the hidden tests: ``Passed:
    dloss_dyhat(y, yhat) has the shape (B, 1, D): ..., and on hidden tests ...``."""
    parts = [confirmation(case, case.layout, check.check, check.public_sizes)
             for check in cell.checks for case in [get_case(check.case)]]
    return f"Passed: {'; '.join(parts)}; and on hidden tests with other sizes and inputs."
