"""Every case of the course, by key, and the assignments they belong to.

The cases are written in :mod:`jacobian_checks.assignments`, one module per assignment;
:class:`~jacobian_checks.case.Case` is what each of them is.
"""

from __future__ import annotations

from ._version import __version__
from .assignments import MODULES
from .case import Case
from .public_case import VISIBLE_SEED, Inputs

__all__ = ["ASSIGNMENTS", "CASES", "VISIBLE_SEED", "Case", "Inputs", "cases_of", "get_case"]

ASSIGNMENTS: dict[str, tuple[Case, ...]] = {module.ASSIGNMENT: module.CASES
                                            for module in MODULES}
"""Each assignment's cases, in the order of its notebooks."""

CASES: dict[str, Case] = {case.key: case for cases in ASSIGNMENTS.values() for case in cases}
"""Every case of every assignment, by key."""

if len(CASES) < sum(map(len, ASSIGNMENTS.values())):
    raise ValueError("two cases share a key: every case key must be unique in the course")


def cases_of(assignment: str) -> tuple[Case, ...]:
    """The cases of ``assignment``, in notebook order; a clear error lists the assignments."""
    try:
        return ASSIGNMENTS[assignment]
    except KeyError:
        raise KeyError(f"unknown assignment {assignment!r}; the course has "
                       f"{', '.join(ASSIGNMENTS)}") from None


class UnknownCase(KeyError):
    """A case key the installed package does not know; shown as its message, unquoted."""

    def __str__(self) -> str:
        return str(self.args[0])


def get_case(key: str) -> Case:
    """The case called ``key``; a clear error lists the known keys.

    A notebook of a newer bundle names a case an older installed package lacks: the error
    says what to install."""
    try:
        return CASES[key]
    except KeyError:
        raise UnknownCase(
            f"unknown case {key!r}: this notebook needs a newer jacobian_checks: install the "
            "wheel of the new bundle, then restart the kernel (installed: jacobian_checks "
            f"{__version__}, whose cases are {', '.join(CASES)})") from None

