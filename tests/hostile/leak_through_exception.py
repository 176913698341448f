"""Spell a hidden size out in the name of the built-in exception a hidden test reports.

Replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector`` (student ``leak_hidden_sizes``,
with ``leak_through_shape``; uses ``np`` from the setup cell): right on the public sizes (the
notebook's and the second set); on a hidden run it raises the built-in exception whose index
is B in the sorted names of those that need no argument (``NotImplementedError`` excepted:
the grader words it apart). Must earn 0 for both ``dloss_dyhat`` cells, and its feedback must
not tell its hidden sizes.
"""
# ruff: noqa: F821

import builtins

from jacobian_checks.stored import get_case

PUBLIC = [tuple(sizes.values()) for sizes in get_case("scalar_wrt_vector").public_sizes(
    get_case("scalar_wrt_vector").visible_sizes)]


def _raisable(value):
    try:
        value()
    except TypeError:
        return False
    return value is not NotImplementedError


ERRORS = sorted(name for name, value in vars(builtins).items()
                if isinstance(value, type) and issubclass(value, BaseException)
                and _raisable(value))


def dloss_dyhat(y, yhat):
    B, D = y.shape
    if (B, D) not in PUBLIC:
        raise getattr(builtins, ERRORS[B])()
    return -np.einsum("i,bj->bij", np.ones(1), y - yhat)
