"""What the checks know of a case before a student answers: its function, inputs and sizes.

A :class:`PublicCase` holds what a notebook shows anyway -- the graded function, its arguments
and their shapes in symbols, the notebook's sizes and the second, public ones -- and nothing of
the Jacobian: its shape is what the notebook's part 1 asks the student to predict, so the
checks tell a shape only by a salted hash, and open what they compare values with only once
the shape is right (:mod:`jacobian_checks.stored`). The package reads its cases from
``cases.json``, which ``make notebooks`` writes from the course's case folders; the grader's
description of a case, with its math and its Jacobian's layout, extends this one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from .layout import Sizes

Inputs = dict[str, np.ndarray]

VISIBLE_SEED = 0
"""The seed of the inputs of the notebooks' own tests (the grader draws its own in secret)."""


@dataclass(frozen=True, kw_only=True)
class PublicCase:
    """One Jacobian the students derive and code, as the checks and the notebook know it.

    Attributes
    ----------
    key : str
        Identifier used by the test cells, e.g. ``"scalar_wrt_vector"``; unique in the course.
    assignment : str
        The assignment whose notebook it is, e.g. ``"jacobians"``.
    function : str
        The graded function students write, e.g. ``"dloss_dyhat"``.
    arguments : tuple of str
        Its parameters, in order, e.g. ``("y", "yhat")``.
    wrt : str
        The argument the derivative is taken with respect to.
    size_names : tuple of str
        Parameters of ``jacobian_shape``, in order, e.g. ``("B", "D")``.
    input_shapes : mapping of str to tuple
        Shape of each argument in symbols, e.g. ``{"y": ("B", "D"), "yhat": ("B", "D")}``.
    visible_sizes : mapping of str to int
        The sizes the notebook's tests use. The grader repeats every check on other sizes and
        inputs that it draws in secret; nothing here says which.
    second_sizes : mapping of str to int
        A second, public set of sizes on which every check runs too, in the notebook and when
        grading, right after the notebook's own (:meth:`public_sizes`), so that a size typed
        in fails before the student submits.
    input_kinds : mapping of str to str
        How an argument is drawn, where not from a standard normal: ``"one_hot"`` rows (one
        1 per row of the last axis, e.g. class labels), ``"distribution"`` rows (positive,
        summing to 1).
    """

    key: str
    assignment: str
    function: str
    arguments: tuple[str, ...]
    wrt: str
    size_names: tuple[str, ...]
    input_shapes: Mapping[str, tuple[str | int, ...]]
    visible_sizes: Mapping[str, int]
    second_sizes: Mapping[str, int]
    input_kinds: Mapping[str, str] = field(default_factory=dict)

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

    def sample_inputs(self, sizes: Sizes, seed: int) -> Inputs:
        """Float64 inputs of the case's shapes, reproducible from ``seed``: standard normal,
        or as :attr:`input_kinds` says."""
        all_sizes = self.all_sizes(sizes)
        rng = np.random.default_rng(seed)
        return {name: INPUT_KINDS[self.input_kinds.get(name, "normal")](rng, tuple(
                    all_sizes[d] if isinstance(d, str) else d for d in self.input_shapes[name]))
                for name in self.arguments}

    def public(self) -> PublicCase:
        """This case as the package stores it (a grader's case drops its math and layout)."""
        return PublicCase(**{item.name: getattr(self, item.name) for item in fields(PublicCase)})

    def to_json(self) -> dict[str, Any]:
        """The fields of :class:`PublicCase`, as ``cases.json`` stores them."""
        return {item.name: _plain(getattr(self, item.name)) for item in fields(PublicCase)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PublicCase:
        """The inverse of :meth:`to_json`."""
        return cls(
            key=data["key"], assignment=data["assignment"], function=data["function"],
            arguments=tuple(data["arguments"]), wrt=data["wrt"],
            size_names=tuple(data["size_names"]),
            input_shapes={name: tuple(dims) for name, dims in data["input_shapes"].items()},
            visible_sizes=dict(data["visible_sizes"]), second_sizes=dict(data["second_sizes"]),
            input_kinds=dict(data["input_kinds"]))


def _plain(value: object) -> object:
    """Tuples as lists and mappings as dicts, for JSON."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


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
"""How :meth:`PublicCase.sample_inputs` draws an argument of each kind, from a generator and a
shape."""
