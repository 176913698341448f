"""The answers of a case's named mistakes on a run's inputs, which need the case's math.

Three families, in the order :mod:`jacobian_checks.diagnosis_named` tries them:

1. the function's own values where its derivatives belong (:func:`function_values`);
2. a softmax's slips, where the case's function is a softmax or its cross-entropy
   (:mod:`.softmax_slips`);
3. the case's listed mistakes (:attr:`~cases.case.Case.mistakes`), each the right
   Jacobian of another function, by central differences (:func:`.references.mistake_jacobians`).

The grader computes them on every run, hidden ones included; ``make notebooks`` stores them,
sealed, for the notebooks' own inputs (``course/student_data.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import numpy as np

from cases.case import Case
from cases.registry import get_case
from jacobian_checks.diagnosis import TITLES
from jacobian_checks.expected import NamedAnswer, NamedFamily
from jacobian_checks.public_case import Inputs

from .references import mistake_jacobians, run_reference
from .softmax_slips import softmax_slips

FUNCTION_VALUES = "Your Jacobian holds the function's values where its derivatives belong."
"""The verdict of an answer that holds the function's values."""


def named_answers(case: Case, inputs: Inputs, reference: np.ndarray) -> Iterator[NamedFamily]:
    """The families of named answers of ``case`` on ``inputs``, each computed when it is
    reached (a case's listed mistakes cost a finite-difference pass each)."""
    values = function_values(case, inputs, reference)
    yield [] if values is None else [NamedAnswer("function_instead_of_derivative",
                                                 FUNCTION_VALUES, values)]
    yield softmax_slips(case, inputs, reference)
    answers = mistake_jacobians(case, inputs)
    yield [] if answers is None else [
        NamedAnswer(mistake.key, TITLES[mistake.key], answer)
        for mistake, answer in zip(case.mistakes, answers, strict=True)]


def run_named(case_key: str, sizes: dict[str, int], seed: int) -> list[NamedFamily]:
    """:func:`named_answers` at the inputs of a run, ``sample_inputs(sizes, seed)`` (see
    :func:`.references.run_reference`); computed once per process."""
    return _run_named(case_key, tuple(sorted(sizes.items())), seed)


@lru_cache(maxsize=256)
def _run_named(case_key: str, sizes: tuple[tuple[str, int], ...], seed: int
               ) -> list[NamedFamily]:
    case = get_case(case_key)
    inputs = case.sample_inputs(dict(sizes), seed)
    return list(named_answers(case, inputs, run_reference(case_key, dict(sizes), seed).values))


def function_values(case: Case, inputs: Inputs, reference: np.ndarray) -> np.ndarray | None:
    """The function of each input entry alone, placed where that entry's derivative belongs.

    For a componentwise case whose output is shaped like its input, per example (``(B, D)``
    and ``(B, D)``, or ``(B, n)`` and ``b`` of shape ``(n,)``), each output entry's value is
    put on the diagonal: ``sigmoid(h)`` for ``a = sigmoid(h)``, ``z = W x + b`` for ``z``'s
    Jacobian with respect to ``b``. For a componentwise per-example loss of arguments all
    shaped like its input ``(B, D)``, the function is applied to column ``k`` of every
    argument, giving ``(B, 1)``: ``1/2 (y - yhat)[:, k]^2``, put at ``[:, 0, k]``. ``None``
    for the other cases (softmax of one column alone is not its value).
    """
    layout = case.layout
    if not case.componentwise or not layout.batch or len(layout.input) != 1:
        return None
    values = np.zeros_like(reference)
    diagonal = np.arange(reference.shape[-1])
    if layout.output == layout.input:
        output = np.asarray(case.forward(**inputs), dtype=np.float64)
        if output.shape != reference.shape[:2]:
            return None
        values[:, diagonal, diagonal] = output
        return values
    if (layout.output != (1,) or case.kind != "per_example"
            or any(case.input_shapes[name] != case.input_shapes[case.wrt]
                   for name in case.arguments)):
        return None
    for k in diagonal:
        column = case.forward(**{name: inputs[name][:, k:k + 1] for name in case.arguments})
        values[:, 0, k] = np.asarray(column, dtype=np.float64).reshape(-1)
    return values
