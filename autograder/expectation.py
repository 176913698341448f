"""The grader's :class:`~jacobian_checks.expected.Expectation`: it knows each case's layout and
math, on any sizes.

On the notebook's public sizes it answers as the student's package does from what it stores
(``course/student_data.py`` writes that from these same functions), so a student reads the same
message in the notebook and in the feedback; on hidden sizes, the diagnoses are kept for the
grader's records, and the message is a fixed text.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.case import Case
from jacobian_checks.diagnosis import Diagnosis
from jacobian_checks.expected import Expected
from jacobian_checks.layout import JacobianLayout

from .named_answers import run_named
from .references import run_examples, run_reference
from .shape_diagnosis import diagnose_shape


@dataclass(frozen=True)
class CaseExpectation:
    """What the right answer of ``case`` is at ``sizes``, on inputs from ``seed``.

    Attributes
    ----------
    case : Case
    sizes : dict of str to int
    seed : int
        What the inputs are drawn from: :data:`~jacobian_checks.public_case.VISIBLE_SEED`
        for the notebook's own, a hidden run's seed (the same for every student). The
        references of a run are computed from ``sizes`` and ``seed`` once per process.
    has_inputs : bool
        Whether the run has inputs, ``case.sample_inputs(sizes, seed)``, which its references
        are computed on: a shape or values check has, a predicted shape has not.

    Examples
    --------
    >>> from cases.registry import get_case
    >>> case = get_case("scalar_wrt_vector")
    >>> sizes = {"B": 5, "D": 2}
    >>> expectation = CaseExpectation(case, sizes, seed=7, has_inputs=True)
    >>> expectation.fits(case.jacobian_shape(sizes)), expectation.fits((5, 2))
    (True, False)
    >>> expected = expectation.expected(case.jacobian_shape(sizes))
    >>> expected.reference.values.shape == case.jacobian_shape(sizes)
    True
    >>> CaseExpectation(case, sizes, seed=7).expected(case.jacobian_shape(sizes))
    Traceback (most recent call last):
        ...
    ValueError: the values of a run are judged on its inputs
    """

    case: Case
    sizes: dict[str, int]
    seed: int
    has_inputs: bool = False

    def fits(self, found: tuple[int, ...]) -> bool:
        return found == self.case.jacobian_shape(self.sizes)

    def shape_diagnosis(self, found: tuple[int, ...]) -> Diagnosis | None:
        return diagnose_shape(found, self.case, self.sizes)

    def layout(self, found: tuple[int, ...]) -> JacobianLayout:
        return self.case.layout

    def expected(self, found: tuple[int, ...]) -> Expected:
        case, sizes = self.case, self.sizes
        if not self.has_inputs:
            raise ValueError("the values of a run are judged on its inputs")
        return Expected(case.layout, run_reference(case.key, sizes, self.seed),
                        lambda: run_examples(case.key, sizes, self.seed),
                        lambda: run_named(case.key, sizes, self.seed))
