"""Math several cases share: the losses, layers and activations of the course's functions.

A case's ``math.py`` writes its own function from these (``forward``); the grader's named
mistakes of a softmax compare the case's function with :func:`softmax` and :func:`log_softmax`
(``autograder/softmax_slips.py``).
"""

from __future__ import annotations

import numpy as np


def half_squared_error(y: np.ndarray, yhat: np.ndarray) -> np.ndarray:
    """``1/2 ||y_b - yhat_b||^2`` for each example: ``(B, D), (B, D) -> (B, 1)``."""
    return 0.5 * np.sum(np.square(y - yhat), axis=1, keepdims=True)


def linear(W: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``yhat_b = W x_b``: ``(n, m), (B, m) -> (B, n)``."""
    return np.einsum("ij,bj->bi", W, x)


def affine(W: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``z_b = W x_b + b``: ``(n, m), (n,), (B, m) -> (B, n)``."""
    return linear(W, x) + b


def sigmoid(h: np.ndarray) -> np.ndarray:
    """Elementwise logistic sigmoid: ``(B, D) -> (B, D)``."""
    return 1.0 / (1.0 + np.exp(-h))


def log_softmax(h: np.ndarray) -> np.ndarray:
    """``log softmax(h_b)`` of each example, computed stably: ``(B, D) -> (B, D)``."""
    shifted = h - np.max(h, axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def softmax(h: np.ndarray) -> np.ndarray:
    """``a_b = softmax(h_b)``, ``a_bi = exp(h_bi) / sum_j exp(h_bj)``: ``(B, D) -> (B, D)``."""
    return np.exp(log_softmax(h))
