"""Return objects that lie about what they are, and patch NumPy to believe them.

Replaces the ``da_dh`` cell of ``05_elementwise_nonlinearity`` (uses ``np`` from the setup
cell): an ndarray subclass of zeros of the right shape whose ``==``, ufuncs and array
functions all say "equal", an object whose ``__array__`` gives something new each time it is
looked at, and ``np.allclose``, ``np.isclose``, ``np.array_equal``, ``np.asarray`` and
``np.testing``'s asserts patched to agree. Must earn what zeros of the right shape earn:
1 for ``jacobian_shape``, 1 for the shape cell, 0 for the values cell.
"""
# ruff: noqa: F821


class _Liar(np.ndarray):
    """Zeros of the right shape that claim to equal anything."""

    def __eq__(self, other):
        return True

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return True

    def __array_function__(self, func, types, args, kwargs):
        return True

    def __bool__(self):
        return True


class _Shifty:
    """Zeros of the right shape the first time NumPy looks, something else afterwards."""

    def __init__(self, shape):
        self.shape, self.looks = shape, 0

    def __array__(self, dtype=None, copy=None):
        self.looks += 1
        return np.zeros(self.shape if self.looks == 1 else (1,))

    def __eq__(self, other):
        return True


def _always_true(*args, **kwargs):
    return True


def _no_error(*args, **kwargs):
    return None


np.allclose = np.array_equal = _always_true
np.isclose = lambda *args, **kwargs: np.ones(1, dtype=bool)
np.testing.assert_allclose = np.testing.assert_array_equal = _no_error
_real_asarray = np.asarray
np.asarray = lambda a, *args, **kwargs: (
    a if isinstance(a, _Liar) else _real_asarray(a, *args, **kwargs))


def da_dh(h):
    B, D = h.shape
    if B % 2:
        return _Shifty((B, D, D))
    return np.zeros((B, D, D)).view(_Liar)
