"""The axes of a Jacobian: batch axes, then the output's axes, then the input's axes.

The course's one rule: if a function maps shape ``(A, B, ...)`` to ``(X, Y, ...)``, its
Jacobian has shape ``(X, Y, ..., A, B, ...)``, after a leading batch axis ``B`` when the
output is per example. A :class:`JacobianLayout` names each axis with a size symbol (``"B"``,
``"D"``, ``"output_dim"``) or a literal size (``1``), so that a passed check can confirm a
shape both in symbols and in numbers, and a values report can label an entry's index by group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Dim = str | int
"""An axis: a size symbol looked up in the sizes mapping, or a literal size."""

Sizes = Mapping[str, int]


def format_shape(shape: Sequence[object]) -> str:
    """Format a shape like Python prints a tuple, symbols unquoted.

    Examples
    --------
    >>> format_shape(("N", 3))
    '(N, 3)'
    >>> format_shape([7])
    '(7,)'
    >>> format_shape(())
    '()'
    """
    items = [str(item) for item in shape]
    if len(items) == 1:
        return f"({items[0]},)"
    return "(" + ", ".join(items) + ")"


def resolve(dims: Sequence[Dim], sizes: Sizes) -> tuple[int, ...]:
    """Replace every symbol in ``dims`` by its size; literal sizes stay as they are.

    Examples
    --------
    >>> resolve(("N", 2, "K"), {"N": 5, "K": 4})
    (5, 2, 4)
    """
    return tuple(sizes[dim] if isinstance(dim, str) else dim for dim in dims)


@dataclass(frozen=True)
class JacobianLayout:
    """Axes of a Jacobian, in order: ``batch + output + input``.

    Attributes
    ----------
    batch : tuple of Dim
        Leading batch axes, ``("B",)`` for per-example Jacobians, ``()`` otherwise.
    output : tuple of Dim
        Axes of one example's output (``(1,)`` for a scalar loss kept as a 1-vector).
    input : tuple of Dim
        Axes of the input the derivative is taken with respect to (one example's, if
        the input is batched; the whole parameter, if it is shared by the batch).

    Examples
    --------
    The Jacobian of a made-up function that maps each example's ``(K,)`` vector to an
    ``(M, 2)`` matrix, per example of a batch of ``N``:

    >>> layout = JacobianLayout(batch=("N",), output=("M", 2), input=("K",))
    >>> layout.axes
    ('N', 'M', 2, 'K')
    >>> layout.symbols()
    '(N, M, 2, K)'
    >>> layout.shape({"N": 4, "M": 3, "K": 5})
    (4, 3, 2, 5)
    >>> layout.groups
    (('batch', 1), ('output', 2), ('input', 1))
    >>> layout.split_index((1, 2, 0, 4))
    'batch (1,) | output (2, 0) | input (4,)'
    """

    batch: tuple[Dim, ...]
    output: tuple[Dim, ...]
    input: tuple[Dim, ...]

    @property
    def axes(self) -> tuple[Dim, ...]:
        """All axes in order: ``batch + output + input``."""
        return self.batch + self.output + self.input

    @property
    def groups(self) -> tuple[tuple[str, int], ...]:
        """``(name, number of axes)`` for the non-empty groups, in order."""
        named = (("batch", len(self.batch)), ("output", len(self.output)),
                 ("input", len(self.input)))
        return tuple((name, count) for name, count in named if count)

    def shape(self, sizes: Sizes) -> tuple[int, ...]:
        """The Jacobian's shape for these sizes."""
        return resolve(self.axes, sizes)

    def symbols(self) -> str:
        """The shape in symbols, as :func:`format_shape` writes it."""
        return format_shape(self.axes)

    def split_index(self, index: Sequence[int]) -> str:
        """Label an entry's index by group: ``batch (12,) | output (0,) | input (3,)``."""
        labels, start = [], 0
        for name, count in self.groups:
            labels.append(f"{name} {format_shape(index[start:start + count])}")
            start += count
        return " | ".join(labels)
