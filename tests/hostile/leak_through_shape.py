"""Spell the hidden sizes out in the shape a hidden test reports.

Replaces the ``jacobian_shape`` cell of ``02_scalar_wrt_vector`` (student
``leak_hidden_sizes``, with ``leak_through_exception``): right on the public sizes (the
notebook's and the second set); on a hidden run it returns B and D in binary, one axis per
bit (0 for a 0 bit, 1 for a 1 bit), which the failure message writes as ``?`` and ``1``.
Must earn 0 for ``jacobian_shape``, and its feedback must not tell its hidden sizes.
"""

from jacobian_checks.stored import get_case

PUBLIC = [tuple(sizes.values()) for sizes in get_case("scalar_wrt_vector").public_sizes(
    get_case("scalar_wrt_vector").visible_sizes)]


def jacobian_shape(B, D):
    if (B, D) in PUBLIC:
        return (B, 1, D)
    return tuple((B >> bit) & 1 for bit in range(8)) + tuple((D >> bit) & 1 for bit in range(8))
