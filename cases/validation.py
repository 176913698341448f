"""What a case must satisfy, each problem named so that the instructor knows what to write.

:func:`problems` lists what is wrong with a :class:`~cases.case.Case`; the case refuses to be
made while any is, and the registry (:mod:`cases.registry`) says in which file. A case made
with ``python -m course new-case`` starts with placeholders (``"TO DO"``), each named here
until it is replaced.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jacobian_checks.diagnosis_named import LISTED
from jacobian_checks.public_case import INPUT_KINDS

if TYPE_CHECKING:
    from .case import Case

PLACEHOLDER = "TO DO"
"""What the scaffold's placeholders hold, until replaced."""

FIELDS = {
    "notebook": "the notebook's file name without .ipynb: its two-digit number in the "
                "assignment, then a name, e.g. '06_cube'",
    "title": "the notebook's title, e.g. 'Elementwise cube'",
    "function": "the graded function students write, e.g. 'da_dh'",
    "arguments": "its arguments, in order, e.g. ('h',)",
    "wrt": "the argument the derivative is taken with respect to",
    "size_names": "the arguments of jacobian_shape, e.g. ('B', 'D')",
    "layout": "the Jacobian's axes in size names, e.g. JacobianLayout(batch=('B',), "
              "output=('D',), input=('D',))",
}
"""The fields a placeholder may hold, and what to write there."""


def to_do(what: str) -> Callable[..., Any]:
    """A placeholder for one of a case's functions (``forward=to_do("the case's function")``):
    the case refuses it, naming ``what`` to write."""
    def placeholder(*arguments: object, **keywords: object) -> Any:
        raise NotImplementedError(f"a function is still the template's placeholder: write {what}")
    placeholder.to_do = what  # type: ignore[attr-defined]
    return placeholder


def problems(case: Case) -> list[str]:
    """Everything wrong with ``case``, in words that say what to write; empty if nothing is."""
    found = _placeholders(case)
    if found:
        return found  # the rest would only repeat them
    names = set(case.size_names)
    if not re.fullmatch(r"\d\d_\w+", case.notebook):
        found.append(f"notebook {case.notebook!r} must be {FIELDS['notebook']}")
    for name in (case.function, *case.arguments, *case.size_names):
        if not name.isidentifier():
            found.append(f"{name!r} is not a Python name")
    if case.wrt not in case.arguments:
        found.append(f"wrt {case.wrt!r} must be one of the arguments {case.arguments}")
    if set(case.input_shapes) != set(case.arguments):
        found.append(f"input_shapes must give the shape of each argument {case.arguments}, "
                     f"not of {tuple(case.input_shapes)}")
    axes = [(f"input_shapes[{name!r}]", dims) for name, dims in case.input_shapes.items()]
    for where, dims in [*axes, ("layout", case.layout.axes)]:
        unknown = [dim for dim in dims if not (dim in names or _positive_int(dim))]
        if unknown:
            found.append(f"{where} holds {unknown}: each axis is a size name of {case.size_names} "
                         "or a literal size such as 1")
    if case.kind not in ("per_example", "shared"):
        found.append(f"kind must be 'per_example' or 'shared', not {case.kind!r}")
    if not callable(case.forward):
        found.append("forward must be the case's function")
    unknown_kinds = set(case.input_kinds.values()) - set(INPUT_KINDS)
    if unknown_kinds or not set(case.input_kinds) <= set(case.arguments):
        found.append(f"input_kinds must map arguments to one of {sorted(INPUT_KINDS)}, not "
                     f"{dict(case.input_kinds)}")
    found += _sizes_problems(case)
    found += [f"mistakes: {mistake.key!r} is not a mistake the diagnoses name (one of "
              f"{sorted(LISTED)}: jacobian_checks/diagnosis_named.py)"
              for mistake in case.mistakes if mistake.key not in LISTED]
    return found


def _placeholders(case: Case) -> list[str]:
    found = []
    for field, what in FIELDS.items():
        value = case.layout.axes if field == "layout" else getattr(case, field)
        if PLACEHOLDER in " ".join(map(str, value if isinstance(value, tuple) else [value])):
            found.append(f"{field} is still the template's placeholder: write {what}")
    for field in ("forward", "per_example"):
        placeholder = getattr(getattr(case, field), "to_do", None)
        if placeholder is not None:
            found.append(f"{field} is still the template's placeholder: write {placeholder}")
    return found


def _sizes_problems(case: Case) -> list[str]:
    """What is wrong with the visible, second and hidden sizes (see :class:`~cases.case.Case`)."""
    names = sorted(case.size_names)
    for which in ("visible_sizes", "second_sizes", "hidden_sizes"):
        if sorted(getattr(case, which)) != names:
            return [f"{which} must name exactly the sizes {case.size_names}, not "
                    f"{tuple(getattr(case, which))}"]
    second, visible = case.second_sizes, case.visible_sizes
    values = list(second.values())
    if 1 in values or len(set(values)) < len(values):
        return [f"second_sizes {dict(second)} must differ from 1 and from each other"]
    for name, size in second.items():
        if size in visible.values() or visible[name] in (2 * size, size / 2):
            return [f"second_sizes {dict(second)} must differ from every visible size and from "
                    f"half and twice the visible one ({name} = {visible[name]})"]
    taken = {1, *visible.values(), *second.values()}
    for name, bounds in case.hidden_sizes.items():
        low, high = bounds
        free = [size for size in range(low, high + 1) if size not in taken]
        if not (_positive_int(low) and _positive_int(high)) or len(free) < len(names):
            return [f"hidden_sizes[{name!r}] = {bounds} must be a range (low, high) of ints "
                    f"that leaves at least {len(names)} sizes no public set uses"]
    return []


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
