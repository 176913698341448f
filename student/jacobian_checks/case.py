"""The five cases of the course: their math, inputs, Jacobian layout and visible sizes.

Each :class:`Case` is the single description that the notebooks, the checks and the
grader read. The math is the *correct* math of the course document; where the document's code
has a slip, the notebook says so, and the case follows the math:

- the per-example loss is ``1/2 ||y_b - yhat_b||^2``, an output of shape ``(1,)`` per
  example (the document's ``0.5 * np.square(y - yhat)`` has shape ``(B, D)``);
- the batch-averaged loss is one number, kept as shape ``(1,)``, so its Jacobian with
  respect to ``W`` is ``(1, output_dim, input_dim)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .layout import JacobianLayout, Sizes

Inputs = dict[str, np.ndarray]

VISIBLE_SEED = 0
"""The seed of the inputs of the notebooks' own tests (the grader draws its own in secret)."""


@dataclass(frozen=True)
class Case:
    """One Jacobian the students derive and code.

    Attributes
    ----------
    key : str
        Identifier used by the test cells, e.g. ``"scalar_wrt_vector"``.
    notebook : str
        Notebook name without ``.ipynb``, as in the student contract.
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
    per_example : callable or None
        For a function averaged over the batch: the same function of each example before
        the mean, ``per_example(**inputs)`` of shape ``(B, *output)``. Its Jacobian, one per
        example, names the mistake of a gradient computed from one example.
    """

    key: str
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
    per_example: Callable[..., np.ndarray] | None = None

    def all_sizes(self, sizes: Sizes) -> dict[str, int]:
        """The test's sizes, checked to be exactly the case's size names."""
        missing = [name for name in self.size_names if name not in sizes]
        unknown = [name for name in sizes if name not in self.size_names]
        if missing or unknown:
            raise ValueError(
                f"case {self.key!r} takes sizes {self.size_names}; "
                f"missing {missing}, unknown {unknown}")
        return dict(sizes)

    def jacobian_shape(self, sizes: Sizes) -> tuple[int, ...]:
        """The contract's Jacobian shape for these sizes."""
        return self.layout.shape(self.all_sizes(sizes))

    def sample_inputs(self, sizes: Sizes, seed: int) -> Inputs:
        """Standard normal float64 inputs of the case's shapes, reproducible from ``seed``."""
        all_sizes = self.all_sizes(sizes)
        rng = np.random.default_rng(seed)
        return {
            name: rng.standard_normal(
                tuple(all_sizes[d] if isinstance(d, str) else d for d in self.input_shapes[name]))
            for name in self.arguments
        }


def _per_example_half_squared_error(y: np.ndarray, yhat: np.ndarray) -> np.ndarray:
    """``1/2 ||y_b - yhat_b||^2`` for each example: ``(B, D), (B, D) -> (B, 1)``."""
    return 0.5 * np.sum(np.square(y - yhat), axis=1, keepdims=True)


def _linear(W: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``yhat_b = W x_b``: ``(n, m), (B, m) -> (B, n)``."""
    return np.einsum("ij,bj->bi", W, x)


def _linear_half_squared_error(y: np.ndarray, W: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``1/2 ||y_b - W x_b||^2`` for each example: ``(B, n), (n, m), (B, m) -> (B, 1)``."""
    return _per_example_half_squared_error(y, _linear(W, x))


def _batch_mean_half_squared_error(y: np.ndarray, W: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``mean_b 1/2 ||y_b - W x_b||^2`` as one number of shape ``(1,)``."""
    return np.mean(_linear_half_squared_error(y, W, x), axis=0)


def _sigmoid(h: np.ndarray) -> np.ndarray:
    """Elementwise logistic sigmoid: ``(B, D) -> (B, D)``."""
    return 1.0 / (1.0 + np.exp(-h))


SCALAR_WRT_SCALAR = Case(
    key="scalar_wrt_scalar",
    notebook="01_scalar_wrt_scalar",
    title="Scalar w.r.t. scalar",
    function="dloss_dyhat",
    arguments=("y", "yhat"),
    wrt="yhat",
    size_names=("B",),
    layout=JacobianLayout(batch=("B",), output=(1,), input=(1,)),
    kind="per_example",
    forward=_per_example_half_squared_error,
    input_shapes={"y": ("B", 1), "yhat": ("B", 1)},
    visible_sizes={"B": 256},
)

SCALAR_WRT_VECTOR = Case(
    key="scalar_wrt_vector",
    notebook="02_scalar_wrt_vector",
    title="Scalar w.r.t. vector",
    function="dloss_dyhat",
    arguments=("y", "yhat"),
    wrt="yhat",
    size_names=("B", "D"),
    layout=JacobianLayout(batch=("B",), output=(1,), input=("D",)),
    kind="per_example",
    forward=_per_example_half_squared_error,
    input_shapes={"y": ("B", "D"), "yhat": ("B", "D")},
    visible_sizes={"B": 256, "D": 10},
)

VECTOR_WRT_MATRIX = Case(
    key="vector_wrt_matrix",
    notebook="03_vector_wrt_matrix",
    title="Vector w.r.t. matrix",
    function="dyhat_dW",
    arguments=("W", "x"),
    wrt="W",
    size_names=("B", "output_dim", "input_dim"),
    layout=JacobianLayout(batch=("B",), output=("output_dim",),
                          input=("output_dim", "input_dim")),
    kind="shared",
    forward=_linear,
    input_shapes={"W": ("output_dim", "input_dim"), "x": ("B", "input_dim")},
    visible_sizes={"B": 256, "output_dim": 10, "input_dim": 20},
)

SCALAR_WRT_MATRIX = Case(
    key="scalar_wrt_matrix",
    notebook="04_scalar_wrt_matrix",
    title="Scalar w.r.t. matrix (batch-averaged)",
    function="dloss_dW",
    arguments=("y", "W", "x"),
    wrt="W",
    size_names=("B", "output_dim", "input_dim"),
    layout=JacobianLayout(batch=(), output=(1,), input=("output_dim", "input_dim")),
    kind="shared",
    forward=_batch_mean_half_squared_error,
    input_shapes={"y": ("B", "output_dim"), "W": ("output_dim", "input_dim"),
                  "x": ("B", "input_dim")},
    visible_sizes={"B": 256, "output_dim": 10, "input_dim": 20},
    per_example=_linear_half_squared_error,
)

ELEMENTWISE_NONLINEARITY = Case(
    key="elementwise_nonlinearity",
    notebook="05_elementwise_nonlinearity",
    title="Elementwise nonlinearity",
    function="da_dh",
    arguments=("h",),
    wrt="h",
    size_names=("B", "D"),
    layout=JacobianLayout(batch=("B",), output=("D",), input=("D",)),
    kind="per_example",
    forward=_sigmoid,
    input_shapes={"h": ("B", "D")},
    visible_sizes={"B": 256, "D": 10},
)

CASES: dict[str, Case] = {
    case.key: case
    for case in (SCALAR_WRT_SCALAR, SCALAR_WRT_VECTOR, VECTOR_WRT_MATRIX, SCALAR_WRT_MATRIX,
                 ELEMENTWISE_NONLINEARITY)
}


def get_case(key: str) -> Case:
    """The case called ``key``; a clear error lists the known keys."""
    try:
        return CASES[key]
    except KeyError:
        raise KeyError(f"unknown case {key!r}; known cases: {', '.join(CASES)}") from None
