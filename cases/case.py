"""What a case is: a Jacobian the students derive and code, with its math, its layout and sizes.

A :class:`Case` is what the grader and the course builder read of a case folder's ``math.py``
(``cases/<assignment>/<key>/math.py``). It extends what the checks in the student's kernel know
(:class:`~jacobian_checks.public_case.PublicCase`: the function, its inputs, the public sizes)
with what students must not receive: the Jacobian's layout, which is the answer to the
notebook's part 1, the math that computes references for any inputs, the hidden sizes, and the
mistakes the diagnoses name. ``make notebooks`` gives the student package only the public part
and, sealed, what its checks compare with (``course/student_data.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from jacobian_checks.layout import JacobianLayout, Sizes
from jacobian_checks.public_case import PublicCase

from .validation import problems

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
        differences, and the student package stores it for the notebooks' own inputs only.
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
        Notebook name without ``.ipynb``, as in the student contract: its two-digit number in
        the assignment, then a name (``"02_scalar_wrt_vector"``); unique in its assignment.
    title : str
        Human title, e.g. ``"Scalar w.r.t. vector"``.
    layout : JacobianLayout
        Batch, output and input axes of the Jacobian, in size names or literal sizes: the
        answer to the notebook's part 1.
    kind : {"per_example", "shared"}
        ``"per_example"``: ``wrt`` has a leading batch axis and example ``b`` of the output
        depends only on example ``b`` of it. ``"shared"``: ``wrt`` is a parameter shared by
        the batch, and the Jacobian is ``(*output_shape, *wrt.shape)``.
    forward : callable
        The math: ``forward(**inputs)`` is the function's output, e.g. the per-example loss
        of shape ``(B, 1)``.
    hidden_sizes : mapping of str to (int, int)
        For each size name, the inclusive range the grader draws hidden sizes from, in secret
        (``autograder/hidden.py``): every size of a hidden run differs from 1, from the others
        and from every public size, so the range must leave enough such sizes.
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
    2 is a factor the diagnoses name for itself). A case that breaks a rule is refused with
    what is wrong (:mod:`.validation`).
    """

    notebook: str
    title: str
    layout: JacobianLayout
    kind: Literal["per_example", "shared"]
    forward: Callable[..., np.ndarray]
    hidden_sizes: Mapping[str, tuple[int, int]]
    per_example: Callable[..., np.ndarray] | None = None
    componentwise: bool = False
    mistakes: tuple[KnownMistake, ...] = ()

    def __post_init__(self) -> None:
        found = problems(self)
        if found:
            raise ValueError(f"case {self.key!r}: " + "; ".join(found))

    def jacobian_shape(self, sizes: Sizes) -> tuple[int, ...]:
        """The contract's Jacobian shape for these sizes."""
        return self.layout.shape(self.all_sizes(sizes))
