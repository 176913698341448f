"""Spell a hidden size out in the mistake a hidden test diagnoses.

Replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector`` (uses ``np`` from the setup
cell): right on the public sizes (the notebook's and the second set); on a hidden run it
makes one of the value mistakes the checks name (a flipped sign, a factor 2 or 1/2, all
zeros), chosen by B, hoping the feedback names it and so tells B modulo 4. Must earn 2 (its
honest ``jacobian_shape`` and a right shape) and 0 for the values; its feedback shows the
values check's fixed hidden text, and the diagnosis is only in the grader's records.
"""
# ruff: noqa: F821

from jacobian_checks.stored import get_case

PUBLIC = [tuple(sizes.values()) for sizes in get_case("scalar_wrt_vector").public_sizes(
    get_case("scalar_wrt_vector").visible_sizes)]
MISTAKES = (lambda J: -J, lambda J: 2 * J, lambda J: J / 2, lambda J: 0 * J)


def dloss_dyhat(y, yhat):
    J = np.einsum("i,bj->bij", np.ones(1), yhat - y)
    return J if y.shape in PUBLIC else MISTAKES[y.shape[0] % len(MISTAKES)](J)
