"""One case of the course: a function's math, its inputs, its Jacobian's layout and sizes.

Each :class:`Case` is the single description that the notebooks, the checks and the grader
read; the cases themselves are in :mod:`jacobian_checks.assignments`, one module per
assignment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .layout import JacobianLayout, Sizes

Inputs = dict[str, np.ndarray]

MistakenFunction = Callable[..., Callable[[np.ndarray], np.ndarray]]
"""``function(**inputs)``: a function of the derivative's argument alone (:class:`KnownMistake`)."""

VISIBLE_SEED = 0
"""The seed of the inputs of the notebooks' own tests (the grader draws its own in secret)."""


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


@dataclass(frozen=True)
class Case:
    """One Jacobian the students derive and code.

    Attributes
    ----------
    key : str
        Identifier used by the test cells, e.g. ``"scalar_wrt_vector"``; unique in the course.
    assignment : str
        The assignment whose notebook it is, e.g. ``"jacobians"``.
    notebook : str
        Notebook name without ``.ipynb``, as in the student contract; unique in its
        assignment.
    title : str
        Human title, e.g. ``"Scalar w.r.t. vector"``.
    function : str
        The graded function students write, e.g. ``"dloss_dyhat"``.
    arguments : tuple of str
        Its parameters, in order, e.g. ``("y", "yhat")``.
    wrt : str
        The argument the derivative is taken with respect to.
    size_names : tuple of str
        Parameters of ``jacobian_shape``, in order, e.g. ``("B", "D")``.
    layout : JacobianLayout
        Batch, output and input axes of the Jacobian.
    kind : {"per_example", "shared"}
        ``"per_example"``: ``wrt`` has a leading batch axis and example ``b`` of the output
        depends only on example ``b`` of it. ``"shared"``: ``wrt`` is a parameter shared by
        the batch, and the Jacobian is ``(*output_shape, *wrt.shape)``.
    forward : callable
        The math: ``forward(**inputs)`` is the function's output, e.g. the per-example loss
        of shape ``(B, 1)``.
    input_shapes : mapping of str to tuple
        Shape of each argument in symbols, e.g. ``{"y": ("B", "D"), "yhat": ("B", "D")}``.
    visible_sizes : mapping of str to int
        The sizes the notebook's tests use (the document's). The grader repeats every check
        on other sizes and inputs that it draws in secret; nothing here says which.
    second_sizes : mapping of str to int
        A second, public set of sizes on which every check runs too, in the notebook and when
        grading, right after the notebook's own (:meth:`public_sizes`): small, odd and unequal
        (``B=3, D=7``), so that a size typed in, two sizes swapped or a coincidence such as
        ``B == D`` fails before the student submits. Each differs from 1, from the others, from
        every visible size, and from half and twice the visible size of its name (a ratio of
        2 is a factor the diagnoses name for itself).
    per_example : callable or None
        For a function averaged over the batch: the same function of each example before
        the mean, ``per_example(**inputs)`` of shape ``(B, *output)``. Its Jacobian, one per
        example, names the mistake of a gradient computed from one example.
    componentwise : bool
        Each output entry depends on the input entries of its own index only (an elementwise
        function such as a sigmoid), or a scalar output is a sum of such terms (a squared
        error): an example's Jacobian is then diagonal, or one row. Diagnoses that explain a
        mistake by that structure apply only to such cases; softmax, for one, mixes entries.
    input_kinds : mapping of str to str
        How an argument is drawn, where not from a standard normal: ``"one_hot"`` rows (one
        1 per row of the last axis, e.g. class labels), ``"distribution"`` rows (positive,
        summing to 1).
    mistakes : tuple of KnownMistake
        Common mistakes of this case that are the right Jacobian of another function (the
        derivative of the wrong activation, the chain without a factor): the diagnoses of
        :mod:`jacobian_checks.diagnosis_substitutions` name them.
    """

    key: str
    assignment: str
    notebook: str
    title: str
    function: str
    arguments: tuple[str, ...]
    wrt: str
    size_names: tuple[str, ...]
    layout: JacobianLayout
    kind: Literal["per_example", "shared"]
    forward: Callable[..., np.ndarray]
    input_shapes: Mapping[str, tuple[str | int, ...]]
    visible_sizes: Mapping[str, int]
    second_sizes: Mapping[str, int]
    per_example: Callable[..., np.ndarray] | None = None
    componentwise: bool = False
    input_kinds: Mapping[str, str] = field(default_factory=dict)
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

    def all_sizes(self, sizes: Sizes) -> dict[str, int]:
        """The test's sizes, checked to be exactly the case's size names."""
        missing = [name for name in self.size_names if name not in sizes]
        unknown = [name for name in sizes if name not in self.size_names]
        if missing or unknown:
            raise ValueError(
                f"case {self.key!r} takes sizes {self.size_names}; "
                f"missing {missing}, unknown {unknown}")
        return dict(sizes)

    def public_sizes(self, sizes: Sizes) -> list[dict[str, int]]:
        """The sizes a check of this case runs on, in order: the test cell's ``sizes``, then
        :attr:`second_sizes` (once, if they are the same); inputs from :data:`VISIBLE_SEED`."""
        first, second = self.all_sizes(sizes), dict(self.second_sizes)
        return [first] if first == second else [first, second]

    def jacobian_shape(self, sizes: Sizes) -> tuple[int, ...]:
        """The contract's Jacobian shape for these sizes."""
        return self.layout.shape(self.all_sizes(sizes))

    def sample_inputs(self, sizes: Sizes, seed: int) -> Inputs:
        """Float64 inputs of the case's shapes, reproducible from ``seed``: standard normal,
        or as :attr:`input_kinds` says."""
        all_sizes = self.all_sizes(sizes)
        rng = np.random.default_rng(seed)
        return {name: INPUT_KINDS[self.input_kinds.get(name, "normal")](rng, tuple(
                    all_sizes[d] if isinstance(d, str) else d for d in self.input_shapes[name]))
                for name in self.arguments}


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


def _one_hot(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Rows of zeros with one 1 each, along the last axis."""
    labels = rng.integers(shape[-1], size=shape[:-1])
    return np.eye(shape[-1])[labels]


def _distribution(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Rows of positive numbers that sum to 1, along the last axis."""
    weights = rng.uniform(0.1, 1.0, size=shape)
    return weights / np.sum(weights, axis=-1, keepdims=True)


INPUT_KINDS: dict[str, Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]] = {
    "normal": lambda rng, shape: rng.standard_normal(shape),
    "one_hot": _one_hot,
    "distribution": _distribution,
}
"""How :meth:`Case.sample_inputs` draws an argument of each kind, from a generator and a shape."""
