"""Diagnosing a named mistake by its own answer: the answer a known slip gives on these inputs.

Some mistakes are the right answer of something else, and need the case's math to compute:
the function's own values where its derivatives belong; a softmax's slips (its denominator's
term missing or added, the softmax taken over the batch axis, the Jacobian of its log, only
its diagonal) and those of its cross-entropy (the derivative with respect to the
probabilities); and a case's listed mistakes, each the right Jacobian of another function
(the sigmoid's derivative where tanh's belongs, the chain without the activation's factor).
The grader computes their answers on any inputs; the package stores them for the notebook's
own, with the references (:mod:`jacobian_checks.stored`). This rule only compares: the answer
is named when it passes the check's comparison against the answers of exactly one mistake of
a family (several answers of one mistake, e.g. a softmax over each column or over all of ``h``,
count as one), the families taken in order.

The verdicts come with the answers and hold no size; the pointers, here, describe the slip
without the derivative it should have been.
"""

from __future__ import annotations

import numpy as np

from .diagnosis import Diagnosis, Failure

FUNCTION_VALUES = {
    "function_instead_of_derivative": ("Differentiate before you evaluate: each entry is the "
                                       "derivative of one output entry with respect to one "
                                       "input entry, at the given inputs."),
}
"""The function's own values where its derivatives belong."""

SOFTMAX = {
    "softmax_over_batch_axis": ("Check the axis of each sum (and max) in your softmax: it runs "
                                "over the D classes of one example."),
    "softmax_outer_product_missing": ("The denominator, the sum of e^(h_k) over k, depends on "
                                      "every h_j: differentiate it too."),
    "softmax_outer_product_added": ("Check the sign that differentiating the denominator brings "
                                    "(the quotient rule)."),
    "log_softmax_jacobian": ("The derivatives of a_i and of log a_i differ by a factor: which "
                             "one does a = softmax(h) need?"),
    "softmax_as_elementwise": ("Through the softmax's denominator every a_i depends on every "
                               "h_j: the softmax's Jacobian has entries off its diagonal."),
    "derivative_wrt_probabilities": ("h reaches the loss through a = softmax(h): chain the "
                                     "derivative with respect to a with the softmax's "
                                     "Jacobian."),
}
"""The slips of a softmax, and of the cross-entropy of a softmax."""

LISTED = {
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
"""The mistakes a case can list: each the right Jacobian of another function."""

POINTERS = {**FUNCTION_VALUES, **SOFTMAX, **LISTED}
"""What to check, for each mistake this rule names."""

KEYS = tuple(POINTERS)
"""Every key :func:`named_mistake` can return, family by family."""


def named_mistake(f: Failure) -> Diagnosis | None:
    """The named mistake whose answer the failed answer is: in the first family where
    exactly one mistake's answers match."""
    if f.named is None:
        return None
    with np.errstate(all="ignore"):  # a slip's answer may hold inf or nan: it then fails
        for family in f.named():
            matched = {named.key: named.verdict for named in family
                       if named.answer.shape == f.yours.shape
                       and f.matches(f.yours, named.answer)}
            if len(matched) == 1:
                ((key, verdict),) = matched.items()
                return Diagnosis(key, verdict, POINTERS[key])
    return None
