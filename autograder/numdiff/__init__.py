"""Answers that differentiate numerically, found in the submission's code for the instructor.

The course asks for Jacobians derived by hand. An answer that evaluates the forward function
at shifted inputs and divides the difference by the step gets the values right -- central
differences are off by about ``h**2`` or ``eps / h``, inside the checks' band -- and earns full
marks without any calculus. Such an answer keeps its score (it is graded on its values like
any other), and its notebook is flagged for the instructor, who decides.

**How it is found: in the code, not in the numbers.** The grader reads the notebook's cells as
submitted (the trusted source: nothing the kernel says is believed) and the ``.py`` files
beside it (:mod:`.program`). From each graded function (``dloss_dyhat``, ...), it follows
the names the function uses -- helpers, lambdas, classes, in any cell or submitted module --
and looks in that code for a difference of one function's values at shifted inputs
(:mod:`.quotients`): ``f(x + h) - f(x - h)``, ``f(x + h) - f(x)``, a copy shifted in place
(``xp[:, i] += h``), a shift undone in place between two calls, a broadcast stack of shifted
inputs, evaluations stacked at shifted inputs then subtracted or ``np.diff``-ed, and calls of
``np.gradient``, scipy's ``approx_fprime`` and ``scipy.differentiate``, or numdifftools. Any
step counts, small or not (``z(b + e_j) - z(b)`` with a unit vector is a forward difference
with step 1, exact for an affine function), and so does a wrong answer of that kind.

Why not a numerical signature (an answer off the exact Jacobian by about ``h**2`` or
``eps / h``, where an analytic float64 answer is off by about ``1e-15`` relative)? Because
the one thing the flag must never do is accuse a right analytic answer, and the numbers
cannot promise that: a float64 answer computed partly in float32, or summed over a large
batch, is off by as much as a finite difference; a finite difference with a unit step on an
affine case is exact; and a float32 finite difference looks like a float32 answer. The
pattern in the code is specific -- an analytic answer never subtracts the same function at
shifted inputs -- and it can be shown to the instructor: the flag names the cell, the line
and the code. (The grader's own references, :mod:`autograder.finite_diff`, are central
differences: that is the grader's business, not the student's.)

What it does not find: complex-step differentiation (``np.imag(f(x + 1j * h)) / h``: no
difference is taken), hand-written automatic differentiation (dual numbers), symbolic
differentiation, and code that hides the pattern -- built in strings and run by ``exec``,
pulled from the network or a package, the shifted evaluations collected in a loop and
subtracted later, a helper that is not a top-level ``.py`` module beside the notebook, or a
reached function padded with more than
:data:`~.quotients.MAX_SUBTRACTIONS` subtractions. A scratch finite-difference check the
graded function does not use is not flagged: checking an analytic answer numerically is good
practice.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import partial

from ..terminal import printable
from .program import Definition, Program, Source, notebook_sources
from .quotients import IN_PLACE, LIBRARY, SHIFTED, Budget, Difference, differences
from .scopes import Scope, scopes_of, top_level_scope

__all__ = ["NumericalDifferentiation", "find_numerical_differentiation", "notebook_sources"]

SHOWN_PER_FUNCTION = 2
"""Places named per graded function (the first ones found)."""

CODE_SHOWN = 80
"""Characters of code quoted in a finding."""


@dataclass(frozen=True, order=True)
class NumericalDifferentiation:
    """One place where a graded function differentiates numerically.

    Attributes
    ----------
    function : str
        The graded function (``dloss_dyhat``).
    where : str
        ``"cell 6 (dloss_dyhat), line 9"`` or ``"helpers.py, line 3"``.
    detail : str
        What was found, for the instructor, with the code quoted.
    """

    function: str
    where: str
    detail: str


def find_numerical_differentiation(sources: list[Source],
                                   functions: list[str]) -> list[NumericalDifferentiation]:
    """Where the graded ``functions`` differentiate numerically, in ``sources``."""
    program = Program.parse(sources)
    tops: dict[str, Scope] = {}
    budget = Budget()
    found = []
    for function in sorted(set(functions)):
        places: dict[str, NumericalDifferentiation] = {}
        for definition in program.reached([function]):
            module = definition.source.module
            if module not in tops:
                tops[module] = top_level_scope(program.statements[module])
            scopes = scopes_of(definition.node, tops[module])
            for difference in differences(scopes, partial(program.dotted, module),
                                          budget):
                finding = _finding(function, definition, difference)
                places.setdefault(finding.where, finding)
        found += list(places.values())[:SHOWN_PER_FUNCTION]
    return found


def _finding(function: str, definition: Definition,
             difference: Difference) -> NumericalDifferentiation:
    line = getattr(difference.node, "lineno", 1)
    where = f"{definition.source.where}, line {line}"
    about = _quoted(difference.about)
    if difference.kind == SHIFTED:
        how = f"subtracts one function's values at inputs that differ by {about}"
    elif difference.kind == IN_PLACE:
        how = (f"subtracts two evaluations at {about}, which is shifted by a step in "
               "place between them")
    elif difference.kind == LIBRARY:
        how = f"calls {difference.about}, which differentiates numerically"
    else:
        how = "subtracts evaluations at inputs stacked from a shifted pair"
    try:
        code = ast.unparse(difference.node)
    except RecursionError:  # too deep to quote
        code = "..."
    detail = (f"{function} differentiates numerically ({where}): {_quoted(code)} {how} "
              "(a finite difference, not a derived Jacobian)")
    return NumericalDifferentiation(function, where, printable(detail))


def _quoted(code: str) -> str:
    """``code`` in backticks, on one line, cut at :data:`CODE_SHOWN` characters."""
    code = " ".join(code.split())
    return f"`{code if len(code) <= CODE_SHOWN else code[:CODE_SHOWN - 3] + '...'}`"
