"""Crash the kernel while the grader calls the function.

Replaces the ``dloss_dW`` cell of ``04_scalar_wrt_matrix`` (uses ``np`` from the setup cell):
right on the public sizes (the notebook's and the second set), a segmentation fault on any
other. Must earn 1 (its honest
``jacobian_shape``) and 0 for both ``dloss_dW`` cells.
"""
# ruff: noqa: F821

import ctypes

from jacobian_checks.stored import get_case

PUBLIC_B = {sizes["B"] for sizes in get_case("scalar_wrt_matrix").public_sizes(
    get_case("scalar_wrt_matrix").visible_sizes)}


def dloss_dW(y, W, x):
    if x.shape[0] not in PUBLIC_B:
        ctypes.string_at(0)  # a segmentation fault, on the grader's hidden inputs only
    return np.einsum("bi,bj->ij", x @ W.T - y, x)[None] / x.shape[0]
