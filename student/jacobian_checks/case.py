"""One case of the course: a function's math, its inputs, its Jacobian's layout and sizes.

Each :class:`Case` is the single description that the notebooks and the grader read; the
cases themselves are in :mod:`jacobian_checks.assignments`, one module per assignment. The
checks in the student's kernel read only what of it the package stores
(:mod:`jacobian_checks.stored`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .layout import JacobianLayout, Sizes
from .public_case import INPUT_KINDS, PublicCase

MistakenFunction = Callable[..., Callable[[np.ndarray], np.ndarray]]
"""``function(**inputs)``: a function of the derivative's argument alone (:class:`KnownMistake`)."""


@dataclass(frozen=True)
class KnownMistake:
    """A common mistake whose answer is the right Jacobian of another function.

    Attributes
    ----------
    key : str
        The diagnosis it gets (``docs/diagnoses.md``), e.g. ``"sigmoid_derivative_for_tanh"``.
    function : callable
        ``function(**inputs)`` is that other function, of the case's ``wrt`` alone, with the
        shapes of the case's ``forward`` (example ``b`` of its output depending on example
        ``b`` of ``wrt`` only, for a per-example case): the sigmoid where ``a = tanh(h)``, or
        the network with its activation replaced by a line of another slope. Its Jacobian at
        ``inputs[wrt]`` is the mistake's answer: the grader computes it by finite
        differences, and this package stores it for the notebooks' own inputs only.
    """

    key: str
    function: MistakenFunction


@dataclass(frozen=True, kw_only=True)
class Case(PublicCase):
    """One Jacobian the students derive and code: what the checks know of it
    (:class:`~jacobian_checks.public_case.PublicCase`), with its math and its Jacobian's layout.

    Attributes
    ----------
    notebook : str
        Notebook name without ``.ipynb``, as in the student contract; unique in its
        assignment.
    title : str
        Human title, e.g. ``"Scalar w.r.t. vector"``.
    layout : JacobianLayout
        Batch, output and input axes of the Jacobian: the answer to the notebook's part 1.
    kind : {"per_example", "shared"}
        ``"per_example"``: ``wrt`` has a leading batch axis and example ``b`` of the output
        depends only on example ``b`` of it. ``"shared"``: ``wrt`` is a parameter shared by
        the batch, and the Jacobian is ``(*output_shape, *wrt.shape)``.
    forward : callable
        The math: ``forward(**inputs)`` is the function's output, e.g. the per-example loss
        of shape ``(B, 1)``.
    per_example : callable or None
        For a function averaged over the batch: the same function of each example before
        the mean, ``per_example(**inputs)`` of shape ``(B, *output)``. Its Jacobian, one per
        example, names the mistake of a gradient computed from one example.
    componentwise : bool
        Each output entry depends on the input entries of its own index only (an elementwise
        function such as a sigmoid), or a scalar output is a sum of such terms (a squared
        error): an example's Jacobian is then diagonal, or one row. Diagnoses that explain a
        mistake by that structure apply only to such cases; softmax, for one, mixes entries.
    mistakes : tuple of KnownMistake
        Common mistakes of this case that are the right Jacobian of another function (the
        derivative of the wrong activation, the chain without a factor): the diagnoses of
        :mod:`jacobian_checks.diagnosis_named` name them.

    The second sizes (:attr:`~jacobian_checks.public_case.PublicCase.second_sizes`) are small,
    odd and unequal (``B=3, D=7``), so that a size typed in, two sizes swapped or a coincidence
    such as ``B == D`` fails before the student submits: each differs from 1, from the others,
    from every visible size, and from half and twice the visible size of its name (a ratio of
    2 is a factor the diagnoses name for itself).
    """

    notebook: str
    title: str
    layout: JacobianLayout
    kind: Literal["per_example", "shared"]
    forward: Callable[..., np.ndarray]
    per_example: Callable[..., np.ndarray] | None = None
    componentwise: bool = False
    mistakes: tuple[KnownMistake, ...] = ()

    def __post_init__(self) -> None:
        unknown = {kind for kind in self.input_kinds.values()} - set(INPUT_KINDS)
        if unknown or not set(self.input_kinds) <= set(self.arguments):
            raise ValueError(f"case {self.key!r}: input_kinds must map arguments to one of "
                             f"{sorted(INPUT_KINDS)}, not {dict(self.input_kinds)}")
        problem = _second_sizes_problem(self)
        if problem:
            raise ValueError(f"case {self.key!r}: second_sizes {dict(self.second_sizes)} "
                             f"{problem}")

    def jacobian_shape(self, sizes: Sizes) -> tuple[int, ...]:
        """The contract's Jacobian shape for these sizes."""
        return self.layout.shape(self.all_sizes(sizes))


def _second_sizes_problem(case: Case) -> str | None:
    """What is wrong with ``case.second_sizes`` (see :class:`Case`), or ``None``."""
    second, visible = case.second_sizes, case.visible_sizes
    if sorted(second) != sorted(case.size_names) or sorted(visible) != sorted(case.size_names):
        return f"and visible_sizes must both name exactly the sizes {case.size_names}"
    values = list(second.values())
    if 1 in values or len(set(values)) < len(values):
        return "must differ from 1 and from each other"
    for name, size in second.items():
        if size in visible.values() or visible[name] in (2 * size, size / 2):
            return (f"must differ from every visible size and from half and twice the "
                    f"visible one ({name} = {visible[name]})")
    return None
