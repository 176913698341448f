"""What a check compares an answer with, as the student's package and the grader know it.

The verdicts (:mod:`jacobian_checks.verdicts`) ask one :class:`Expectation` per run whether a
shape is right, what mistake a wrong one is, and -- once the shape is right -- what the values
are compared with (:class:`Expected`). The package answers from what it stores for the
notebook's public sizes, which tells a shape without holding it
(:mod:`jacobian_checks.stored`); the grader, which knows each case's layout and math, answers
for any sizes, the hidden ones included. Both give the same answers on the public sizes, so a
student reads the same message in the notebook and in their feedback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .compare import Reference
from .diagnosis import Diagnosis
from .layout import JacobianLayout


@dataclass(frozen=True)
class NamedAnswer:
    """The answer a named mistake gives on a run's inputs.

    Attributes
    ----------
    key : str
        The mistake's diagnosis (``docs/diagnoses.md``), e.g. ``"derivative_at_output"``.
    verdict : str
        What the message says of an answer that is this one; it holds no size.
    answer : ndarray of float64
        The Jacobian the mistake gives, of the layout's shape.
    """

    key: str
    verdict: str
    answer: np.ndarray


NamedFamily = Sequence[NamedAnswer]
"""Answers of mistakes of one kind (the function's own values; a softmax's slips; a case's
listed mistakes): an answer that is one of them, and of one mistake only, is named."""


@dataclass(frozen=True)
class Expected:
    """What a right-shaped answer of one run is compared with.

    Attributes
    ----------
    layout : JacobianLayout
        The Jacobian's axes: a passed check confirms them, and a report labels entries by them.
    reference : Reference
        The finite-difference Jacobian of the run's inputs.
    examples : callable or None
        For a batch-averaged case: gives the Jacobian of each example, ``(B, *shape)``, when a
        diagnosis asks for it (it costs a finite-difference pass), or ``None``.
    named : callable or None
        Gives the answers of the named mistakes, family by family, when a diagnosis asks for
        them (see :mod:`jacobian_checks.diagnosis_named`).
    """

    layout: JacobianLayout
    reference: Reference
    examples: Callable[[], np.ndarray | None] | None = None
    named: Callable[[], Iterable[NamedFamily]] | None = None


class Expectation(Protocol):
    """What a check knows of one run's right answer."""

    def fits(self, found: tuple[int, ...]) -> bool:
        """Whether ``found`` is the Jacobian's shape at the run's sizes."""

    def shape_diagnosis(self, found: tuple[int, ...]) -> Diagnosis | None:
        """The mistake a wrong shape is, if one is named (see ``docs/diagnoses.md``)."""

    def layout(self, found: tuple[int, ...]) -> JacobianLayout:
        """The Jacobian's axes, for a shape that fits."""

    def expected(self, found: tuple[int, ...]) -> Expected:
        """What the values are compared with, for a shape that fits."""
