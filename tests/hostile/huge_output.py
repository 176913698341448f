"""Flood the notebook with output and the grader with a huge return value.

Replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector`` (uses ``np`` from the setup
cell): prints 8 MiB to stdout and 8 MiB to stderr, and ``dloss_dyhat`` returns 16 MiB of
random numbers (that do not compress) of the wrong shape. Must earn 1 (its honest
``jacobian_shape``) and 0 for both ``dloss_dyhat`` cells; the graded notebook keeps about a
MiB of output per cell, and grading goes on.
"""
# ruff: noqa: F821

import sys

for _ in range(8):
    print("x" * (1 << 20))
    sys.stderr.write("y" * (1 << 20))


def dloss_dyhat(y, yhat):
    return np.random.default_rng(0).standard_normal(y.shape[0] << 13)
