"""The grader's reference Jacobians: central differences of each case's math.

Students never receive this: their package holds only the references of the notebooks' own
inputs, sealed with the key of the Jacobian's shape (``jacobian_checks/references.npz``,
written from these functions when the course is built: ``course/student_data.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

import numpy as np

from cases.case import Case
from cases.registry import get_case
from jacobian_checks.compare import Reference
from jacobian_checks.public_case import Inputs

from .finite_diff import numerical_jacobian, numerical_jacobian_per_example


def reference_jacobian(case: Case, inputs: Inputs) -> Reference:
    """Finite-difference Jacobian of ``case.forward`` with respect to ``case.wrt`` at ``inputs``.

    Returns the layout's shape ``(*batch, *output, *input)``; the inputs are not modified.
    """
    def along_wrt(value: np.ndarray) -> np.ndarray:
        return case.forward(**{**inputs, case.wrt: value})

    if case.kind == "per_example":
        return numerical_jacobian_per_example(along_wrt, inputs[case.wrt])
    return numerical_jacobian(along_wrt, inputs[case.wrt])


def example_jacobians(case: Case, inputs: Inputs) -> np.ndarray | None:
    """For a batch-averaged case, the Jacobian of each example: ``(B, *output, *input)``,
    central differences of ``case.per_example``; ``None`` for the other cases."""
    per_example = case.per_example
    if per_example is None:
        return None

    def along_wrt(value: np.ndarray) -> np.ndarray:
        return per_example(**{**inputs, case.wrt: value})

    return numerical_jacobian(along_wrt, inputs[case.wrt]).values


def mistake_jacobians(case: Case, inputs: Inputs) -> np.ndarray | None:
    """The answer each of the case's known mistakes gives: ``(len(case.mistakes), *shape)``,
    central differences of each :attr:`~cases.case.KnownMistake.function`; ``None`` for
    a case without known mistakes."""
    if not case.mistakes:
        return None
    differences = (numerical_jacobian_per_example if case.kind == "per_example"
                   else numerical_jacobian)
    return np.stack([differences(mistake.function(**inputs), inputs[case.wrt]).values
                     for mistake in case.mistakes])


def run_reference(case_key: str, sizes: dict[str, int], seed: int) -> Reference:
    """:func:`reference_jacobian` at the inputs of a run, ``sample_inputs(sizes, seed)``:
    the notebook's own at :data:`~jacobian_checks.public_case.VISIBLE_SEED`, or a hidden
    run's, the same for every student; computed once per process."""
    return _at_run_inputs(reference_jacobian, case_key, tuple(sorted(sizes.items())), seed)


def run_examples(case_key: str, sizes: dict[str, int], seed: int) -> np.ndarray | None:
    """:func:`example_jacobians` at the inputs of a run; computed once per process."""
    return _at_run_inputs(example_jacobians, case_key, tuple(sorted(sizes.items())), seed)


_Result = TypeVar("_Result")


@lru_cache(maxsize=256)
def _at_run_inputs(compute: Callable[[Case, Inputs], _Result], case_key: str,
                   sizes: tuple[tuple[str, int], ...], seed: int) -> _Result:
    case = get_case(case_key)
    return compute(case, case.sample_inputs(dict(sizes), seed))
