"""Diagnosing a case's known mistakes: the right Jacobian of another function.

A case lists the common mistakes whose answer is the right Jacobian of another function
(:attr:`jacobian_checks.case.Case.mistakes`): the sigmoid's derivative where tanh's belongs is
the Jacobian of the sigmoid; tanh's derivative written with ``h`` where ``a = tanh(h)`` belongs
is the Jacobian of a line of slope ``1 - h**2``; the two-layer chain without tanh's derivative is
the gradient of the network with tanh replaced by a line of slope 1 (see
:mod:`jacobian_checks.assignments.stand_ins`). The grader computes each mistake's answer by
finite differences, the package stores it for the notebooks' own inputs; the rule here only
compares: the answer is named when it passes the check's comparison against exactly one
mistake's answer (several answers of one mistake, e.g. ``1 - tanh(h)`` and ``1 / cosh(h)``
for a square left out, count as one).

The messages describe the slip without the derivative it should have been, and hold no size:
the verdict is the title (:data:`jacobian_checks.diagnosis.TITLES`).
"""

from __future__ import annotations

from .diagnosis import TITLES, Diagnosis, Failure

POINTERS = {
    "sigmoid_derivative_for_tanh": ("Here the activation is tanh: differentiate tanh itself; "
                                    "each activation has a derivative of its own."),
    "tanh_derivative_for_sigmoid": ("Here the activation is the sigmoid: differentiate the "
                                    "sigmoid itself; each activation has a derivative of its "
                                    "own."),
    "derivative_at_output": ("Check what you apply the derivative to: the activation was applied "
                             "to h, not to a."),
    "input_where_output_belongs": ("Check each variable of the derivative's formula: is it the "
                                   "input h, or the output a = f(h)?"),
    "square_forgotten": ("Derive the activation's derivative again, step by step, and check "
                         "each power and each factor."),
    "derivative_at_zero": "Each diagonal entry is the derivative at that entry's own input h.",
    "activation_derivative_missing": ("The chain has one factor for every step of the forward "
                                      "pass, the activation a = f(h) included."),
    "activation_left_out": ("Compute the forward pass in full before the chain: every step, the "
                            "activation included."),
}
"""What to check, for each known mistake a case can list."""

KEYS = tuple(POINTERS)
"""Every key :func:`known_mistake` can return."""


def known_mistake(f: Failure) -> Diagnosis | None:
    """The case's known mistake whose answer the failed answer is, if exactly one is."""
    if not f.case.mistakes or f.mistakes is None:
        return None
    answers = f.mistakes()
    if answers is None or answers.shape != (len(f.case.mistakes), *f.yours.shape):
        return None  # no answers stored for these sizes, or stored for other mistakes
    keys = {mistake.key for mistake, answer in zip(f.case.mistakes, answers, strict=True)
            if f.matches(f.yours, answer)}
    if len(keys) != 1:
        return None
    key = keys.pop()
    return Diagnosis(key, TITLES[key], POINTERS[key])
