"""The axes of a Jacobian: batch axes, then the output's axes, then the input's axes.

The course's one rule: if a function maps shape ``(A, B, ...)`` to ``(X, Y, ...)``, its
Jacobian has shape ``(X, Y, ..., A, B, ...)``, after a leading batch axis ``B`` when the
output is per example. A :class:`JacobianLayout` names each axis with a size symbol (``"B"``,
``"D"``, ``"output_dim"``) or a literal size (``1``), so that a passed check can confirm both
``(B, 1, D)`` and ``(256, 1, 10)``, and a values report can label an entry's index by group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Dim = str | int
"""An axis: a size symbol looked up in the sizes mapping, or a literal size."""

Sizes = Mapping[str, int]


def format_shape(shape: Sequence[object]) -> str:
    """Format a shape like Python prints a tuple: ``(256,)``, ``(256, 1, 10)``, ``()``."""
    items = [str(item) for item in shape]
    if len(items) == 1:
        return f"({items[0]},)"
    return "(" + ", ".join(items) + ")"


def resolve(dims: Sequence[Dim], sizes: Sizes) -> tuple[int, ...]:
    """Replace every symbol in ``dims`` by its size; literal sizes stay as they are."""
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
    """

    batch: tuple[Dim, ...]
    output: tuple[Dim, ...]
    input: tuple[Dim, ...]

    @property
    def axes(self) -> tuple[Dim, ...]:
        """All axes in order, e.g. ``("B", 1, "D")``."""
        return self.batch + self.output + self.input

    @property
    def groups(self) -> tuple[tuple[str, int], ...]:
        """``(name, number of axes)`` for the non-empty groups, in order."""
        named = (("batch", len(self.batch)), ("output", len(self.output)),
                 ("input", len(self.input)))
        return tuple((name, count) for name, count in named if count)

    def shape(self, sizes: Sizes) -> tuple[int, ...]:
        """The Jacobian's shape for these sizes, e.g. ``(256, 1, 10)``."""
        return resolve(self.axes, sizes)

    def symbols(self) -> str:
        """The shape in symbols, e.g. ``"(B, 1, D)"``."""
        return format_shape(self.axes)

    def split_index(self, index: Sequence[int]) -> str:
        """Label an entry's index by group: ``batch (12,) | output (0,) | input (3,)``."""
        labels, start = [], 0
        for name, count in self.groups:
            labels.append(f"{name} {format_shape(index[start:start + count])}")
            start += count
        return " | ".join(labels)
