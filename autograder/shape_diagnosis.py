"""Diagnosing a wrong shape: which common mistake turns the contract's axes into the found ones.

The grader's side: the rules read the Jacobian's layout, which the student's package does not
hold. The package gets their verdicts for the notebook's public sizes instead, one per shape
they name (:func:`recognised_shapes`), sealed with that shape's key; the grader runs the rules
on every run, the hidden ones too (there for its records: the message is a fixed text). No
message states the right shape, in symbols or numbers: a wrong shape is told the mistake it
looks like.

A Jacobian's axes are ``batch + output + input`` (``E + O + I`` below, in symbols such as
``("B",) + (1,) + ("D",)``). Each rule lists the symbolic shapes that one mistake produces from
them: ``O + I`` has lost the batch axis, ``E + I + O`` is transposed, ``E + I`` is the input's
shape (the gradient), and so on. A found shape is diagnosed when exactly one of these symbolic
shapes, resolved with the test's sizes, equals it.

- The rules run from the most specific explanation to the most general, and a symbolic shape
  claimed by an earlier rule is not offered again by a later one: for a scalar output,
  dropping its axis ``(1,)`` *is* returning the gradient, one explanation, not two.
- When two different symbolic shapes fit (sizes that coincide, e.g. ``B == D``), the evidence
  is ambiguous and nothing is diagnosed.
- A size of the visible test in place of this test's (``(256, 1, 1)`` where ``B`` is 37) is a
  size typed in, not read from the inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations, permutations

from cases.case import Case
from jacobian_checks.diagnosis import BATCH, HARDCODED_POINTER, Diagnosis
from jacobian_checks.layout import Dim, Sizes, format_shape, resolve

Dims = tuple[Dim, ...]
Candidate = tuple[Dims, Diagnosis]
"""A symbolic shape that a mistake produces, and what to tell the student who returned it."""

_AVERAGED_POINTER = ("The loss is one number for the whole batch, the mean of the examples' "
                     "losses: how many Jacobians does one number have?")

_ORDER_POINTER = ("The axes go in the rule's order: check the order of the subscripts after "
                  "'->' in your einsum, or your transpose or reshape.")


def diagnose_shape(found: Sequence[int], case: Case, sizes: Sizes) -> Diagnosis | None:
    """The shape mistake that explains ``found``, or ``None`` if none or several do.

    Parameters
    ----------
    found : sequence of int
        The shape the student returned or predicted, e.g. ``(256, 10, 1)``.
    case : Case
        The case whose Jacobian was asked for; its layout gives the expected axes.
    sizes : mapping of str to int
        The test's sizes, e.g. ``{"B": 256, "D": 10}``.
    """
    found = tuple(found)
    if found == case.layout.shape(sizes):
        return None
    claimed: set[Dims] = {case.layout.axes}
    fits: list[Diagnosis] = []
    for rule in RULES:
        for dims, diagnosis in rule(case, sizes):
            if dims in claimed:
                continue
            claimed.add(dims)
            if resolve(dims, sizes) == found:
                fits.append(diagnosis)
    return fits[0] if len(fits) == 1 else None


def recognised_shapes(case: Case, sizes: Sizes) -> dict[tuple[int, ...], Diagnosis]:
    """Every wrong shape :func:`diagnose_shape` names at ``sizes``, with its diagnosis."""
    found = {resolve(dims, sizes) for rule in RULES for dims, _ in rule(case, sizes)}
    named = {shape: diagnose_shape(shape, case, sizes) for shape in found}
    return {shape: diagnosis for shape, diagnosis in named.items() if diagnosis is not None}


def _input_shape(case: Case, sizes: Sizes) -> list[Candidate]:
    """``E + I``: the input's axes only -- the gradient, only the diagonal entries, or (where
    outputs mix the input's entries) one number per entry."""
    layout = case.layout
    dims = layout.batch + layout.input
    if _is_scalar(layout.output) and dims == tuple(case.input_shapes[case.wrt]):
        return [(dims, Diagnosis(
            "gradient_instead_of_jacobian",
            f"Your Jacobian has the shape of {case.wrt}: it looks like the gradient, with no "
            "axis for the output.",
            "A Jacobian has axes for the output too, even for a scalar one: how does the rule "
            "keep a scalar output?"))]
    if _is_scalar(layout.output) or layout.input[:len(layout.output)] != layout.output:
        return []
    if not case.componentwise:
        return [(dims, Diagnosis(
            "elementwise_instead_of_jacobian",
            f"Your Jacobian has the shape of {case.wrt}: one number per entry, as if each "
            "output entry depended on its own input entry only.",
            "Here every output entry depends on every input entry, so the Jacobian has one "
            "axis per output axis and one per input axis, and entries off the diagonal that "
            "are not zero."))]
    if layout.output == layout.input:
        verdict = (f"Your Jacobian has the shape of {case.wrt}: it looks like the elementwise "
                   "derivative, only the diagonal of the Jacobian.")
    else:
        verdict = ("Your Jacobian looks like only its diagonal, the entries where the output "
                   f"index equals the first index of {case.wrt}.")
    return [(dims, Diagnosis(
        "elementwise_instead_of_diagonal", verdict,
        "Off the diagonal, an output does not depend on an input: those zeros are part of the "
        "Jacobian, which has one axis per output axis and one per input axis."))]


def _terms_of_sum(case: Case, sizes: Sizes) -> list[Candidate]:
    """``E + I + I`` for a per-example scalar output and a vector input: the Jacobian of each
    term of a sum over the input's components (a loss left as a vector), before the sum."""
    layout = case.layout
    if not layout.batch or not _is_scalar(layout.output) or len(layout.input) != 1:
        return []
    dims = layout.batch + layout.input + layout.input
    return [(dims, Diagnosis(
        "terms_instead_of_sum",
        "Your Jacobian looks like the Jacobian of each term of the loss, before their sum over "
        f"the {layout.input[0]} components: it has an input axis where the output's belongs.",
        "The loss of one example is one number: which axis does its sum over the components "
        "remove?"))]


def _output_shape(case: Case, sizes: Sizes) -> list[Candidate]:
    """``E + O``: the shape of the function's value."""
    layout = case.layout
    dims = layout.batch + layout.output
    return [(dims, Diagnosis(
        "function_instead_of_derivative",
        "Your Jacobian has the shape of the function's output: it looks like the function's "
        "value, not its derivative.",
        "Differentiate: the Jacobian has an entry for every output entry and every input "
        "entry."))]


def _missing_batch(case: Case, sizes: Sizes) -> list[Candidate]:
    """``O + I``: one example's Jacobian, or one averaged over the batch; ``(1,) + O + I``:
    averaged with ``keepdims=True``."""
    layout = case.layout
    if not layout.batch:
        return []
    pointer = "The output is per example: each example has a Jacobian of its own."
    dims = layout.output + layout.input
    kept = (1,) + dims
    return [(dims, Diagnosis(
        "missing_batch_axis",
        "Your Jacobian has no batch axis: it looks like the Jacobian of one example, or of an "
        "average over the batch.", pointer)),
        (kept, Diagnosis(
            "missing_batch_axis",
            "Your Jacobian has no batch axis: it has size 1 where B belongs, as a mean or sum "
            "over the batch with keepdims=True gives.", pointer))]


def _per_example(case: Case, sizes: Sizes) -> list[Candidate]:
    """``(B,) + O + I``, with or without O's size-1 axes, where the batch mean was asked."""
    layout = case.layout
    if layout.batch or case.kind != "shared" or BATCH not in sizes:
        return []
    shapes = [(BATCH,) + layout.output + layout.input,
              (BATCH,) + _without_units(layout.output) + layout.input]
    return [(dims, Diagnosis(
        "per_example_instead_of_mean",
        "Your Jacobian looks like one gradient per example, but the loss is averaged over the "
        "batch.",
        _AVERAGED_POINTER)) for dims in dict.fromkeys(shapes)]


def _unexpected_batch(case: Case, sizes: Sizes) -> list[Candidate]:
    """A batch axis inside a batch-averaged Jacobian, or a second batch axis."""
    layout = case.layout
    if not layout.batch and BATCH in sizes:
        axes = layout.axes
        return [(dims, Diagnosis(
            "unexpected_batch_axis",
            "Your Jacobian has a batch axis B, but the loss is averaged over the batch.",
            _AVERAGED_POINTER))
            for dims in (axes[:at] + (BATCH,) + axes[at:] for at in range(1, len(axes) + 1))]
    if case.kind != "per_example" or not layout.batch:
        return []
    shapes = [layout.batch + output + layout.batch + layout.input
              for output in (layout.output, _without_units(layout.output))]
    return [(dims, Diagnosis(
        "unexpected_batch_axis",
        "Your Jacobian has the batch axis twice: it looks like the Jacobian of the whole "
        "batch's output with respect to the whole batch's input.",
        "Example b's output depends only on example b's input: each example has one Jacobian, "
        "its own.")) for dims in dict.fromkeys(shapes)]


def _other_argument(case: Case, sizes: Sizes) -> list[Candidate]:
    """``E + O`` then the axes of another argument (one example's, for a per-example
    Jacobian): the derivative with respect to the wrong argument."""
    layout = case.layout
    candidates = []
    for name in case.arguments:
        axes = tuple(case.input_shapes[name])
        if layout.batch and axes[:1] == layout.batch:
            axes = axes[1:]
        dims = layout.batch + layout.output + axes
        if name != case.wrt:
            candidates.append((dims, Diagnosis(
                "jacobian_wrt_other_argument",
                f"Your Jacobian has the shape of a derivative with respect to {name}, not "
                f"{case.wrt}.",
                "The input's axes are those of the argument the derivative is taken with "
                f"respect to, {case.wrt}.")))
    return candidates


def _misplaced_batch(case: Case, sizes: Sizes) -> list[Candidate]:
    """The batch axis moved from the front to any other place."""
    layout = case.layout
    if not layout.batch:
        return []
    core = layout.output + layout.input
    return [(dims, Diagnosis(
        "batch_axis_misplaced",
        f"Your Jacobian's batch axis is in the wrong place: your shape has B at axis {at}.",
        "The batch axis comes first: check the order of the subscripts after '->' in your "
        "einsum, or your transpose."))
        for at, dims in ((at, core[:at] + layout.batch + core[at:])
                         for at in range(1, len(core) + 1))]


def _transposed(case: Case, sizes: Sizes) -> list[Candidate]:
    """The batch axis first, then the output's and input's axes in another order."""
    layout = case.layout
    core = layout.output + layout.input
    return [(layout.batch + order, Diagnosis(
        "transposed_axes",
        f"Your Jacobian looks transposed: {_describe_order(order, case)}.", _ORDER_POINTER))
        for order in dict.fromkeys(permutations(core)) if order != core]


def _describe_order(order: Dims, case: Case) -> str:
    """Name a permutation of ``O + I`` if exactly one known transposition gives it."""
    output, inputs = case.layout.output, case.layout.input
    known = {"the input's axes come before the output's": inputs + output}
    if len(inputs) > 1:
        known[f"the axes of {case.wrt} are swapped, as in {case.wrt}.T"] = output + inputs[::-1]
        known[f"the input's axes come before the output's, and the axes of {case.wrt} are "
              "swapped"] = inputs[::-1] + output
    names = [name for name, dims in known.items() if dims == order]
    return names[0] if len(names) == 1 else "its axes are in another order than the rule's"


def _extra_unit(case: Case, sizes: Sizes) -> list[Candidate]:
    """An axis of size 1 inserted anywhere."""
    axes = case.layout.axes
    return [(dims, Diagnosis(
        "extra_unit_axis",
        "Your Jacobian has an extra axis of size 1.",
        "Count the axes the rule gives: look for an extra None, np.newaxis, keepdims=True or "
        "reshape, or a trailing comma that makes a tuple."))
        for dims in dict.fromkeys(axes[:at] + (1,) + axes[at:] for at in range(len(axes) + 1))]


def _missing_unit(case: Case, sizes: Sizes) -> list[Candidate]:
    """One or more of the Jacobian's axes of size 1 left out."""
    axes = case.layout.axes
    units = [at for at, dim in enumerate(axes) if dim == 1]
    dropped = (combination for count in range(1, len(units) + 1)
               for combination in combinations(units, count))
    shapes = (tuple(dim for at, dim in enumerate(axes) if at not in drop) for drop in dropped)
    return [(dims, Diagnosis(
        "missing_unit_axis",
        "Your Jacobian is missing an axis of size 1.",
        "Every axis of the output and of the input keeps its place in the Jacobian, even an "
        "axis of size 1 (a scalar output is kept as shape (1,))."))
        for dims in dict.fromkeys(shapes)]


def _hardcoded(case: Case, sizes: Sizes) -> list[Candidate]:
    """The Jacobian's shape with some sizes of the visible test in place of this test's."""
    changed = [name for name in case.size_names
               if name in case.layout.axes and case.visible_sizes[name] != sizes[name]]
    typed = (names for count in range(1, len(changed) + 1)
             for names in combinations(changed, count))
    return [(dims, Diagnosis(
        "hardcoded_sizes",
        f"Your Jacobian has the shape {format_shape(resolve(dims, sizes))}: it looks like the "
        f"notebook's {_listing(case.visible_sizes, names)} {'is' if len(names) == 1 else 'are'} "
        f"typed in, where this test has {_listing(sizes, names)}.",
        HARDCODED_POINTER))
        for names, dims in ((names, tuple(case.visible_sizes[dim] if dim in names else dim
                                          for dim in case.layout.axes)) for names in typed)]


def _listing(sizes: Sizes, names: Sequence[str]) -> str:
    return ", ".join(f"{name} = {sizes[name]}" for name in names)


def _is_scalar(dims: Dims) -> bool:
    """True for an output kept as ``(1,)`` (or ``(1, 1)``): every axis a literal 1."""
    return bool(dims) and all(dim == 1 for dim in dims)


def _without_units(dims: Dims) -> Dims:
    return tuple(dim for dim in dims if dim != 1)


RULES: tuple[Callable[[Case, Sizes], list[Candidate]], ...] = (
    _input_shape, _terms_of_sum, _output_shape, _missing_batch, _per_example,
    _unexpected_batch, _other_argument, _misplaced_batch, _transposed, _extra_unit,
    _missing_unit, _hardcoded)
"""The shape rules, from the most specific explanation to the most general."""

KEYS = ("gradient_instead_of_jacobian", "elementwise_instead_of_jacobian",
        "elementwise_instead_of_diagonal", "terms_instead_of_sum",
        "function_instead_of_derivative", "missing_batch_axis", "per_example_instead_of_mean",
        "unexpected_batch_axis", "jacobian_wrt_other_argument", "batch_axis_misplaced",
        "transposed_axes", "extra_unit_axis", "missing_unit_axis", "hardcoded_sizes")
"""Every key :func:`diagnose_shape` can return, in the order of :data:`RULES`."""
