"""The one exception students see, how every check failure is raised, and its tag line.

A failure message is, line by line:

1. the diagnosis's verdict, if the answer matches a common mistake (see
   :mod:`autograder.diagnosis`), e.g. ``Your Jacobian has the wrong sign: its negative is
   right.``;
2. the diagnosis's pointer, if any: the rule or the code to check;
3. the check's own report: what was returned, what was expected, the numpy-style mismatch
   report;
4. the tag line, always last, for the course report.

The tag line is a stable, machine-readable record::

    [autograder] case=<case> check=<check> verdict=<verdict>[ diagnosis=<key>]

- ``case``: the case key, e.g. ``scalar_wrt_vector``;
- ``check``: ``predicted_shape``, ``shape`` or ``values``;
- ``verdict``: ``not_callable``, ``wrong_type``, ``wrong_shape``, ``not_finite`` or
  ``wrong_values``;
- ``diagnosis``: present only when a diagnosis was made, its key, e.g. ``sign_flipped``
  (the keys are listed in ``docs/diagnoses.md``).

Every value is a snake_case word. Fields keep this order, and new fields, if any, will only be
appended. :func:`parse_tag` reads the line back from a message or from a notebook's error
output.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NoReturn

from .diagnosis import Diagnosis

TAG = "[autograder]"
"""Start of the last line of every failure message: a record the course report parses."""

_TAG_LINE = re.compile(
    re.escape(TAG) + r" case=(?P<case>\w+) check=(?P<check>\w+) verdict=(?P<verdict>\w+)"
    r"(?: diagnosis=(?P<diagnosis>\w+))?")
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class JacobianCheckError(AssertionError):
    """A check rejected a student's answer; the message says what to look at.

    It subclasses ``AssertionError`` so that nbgrader, pytest and students read it as a
    failed test, not as a crash of the grader. The structured fields are what the course
    report counts.

    Attributes
    ----------
    case : str
        The case key, e.g. ``"scalar_wrt_vector"``.
    check : str
        ``"predicted_shape"``, ``"shape"`` or ``"values"``.
    verdict : str
        What failed: ``"not_callable"``, ``"wrong_type"``, ``"wrong_shape"``,
        ``"not_finite"`` or ``"wrong_values"``.
    diagnosis : str or None
        The key of the common mistake the answer matches, e.g. ``"sign_flipped"``, or
        ``None``.
    """

    def __init__(self, message: str, *, case: str, check: str, verdict: str,
                 diagnosis: str | None = None) -> None:
        super().__init__(message)
        self.case = case
        self.check = check
        self.verdict = verdict
        self.diagnosis = diagnosis


def tag_line(case: str, check: str, verdict: str, diagnosis: str | None = None) -> str:
    """The machine-readable last line, e.g. ``[autograder] case=x check=shape verdict=y``."""
    line = f"{TAG} case={case} check={check} verdict={verdict}"
    return line if diagnosis is None else f"{line} diagnosis={diagnosis}"


def parse_tag(text: str) -> dict[str, str | None] | None:
    """The fields of the last tag line in ``text``, or ``None`` if there is none.

    ``text`` may be a failure message, or a notebook error output's ``evalue`` or joined
    ``traceback`` (terminal colour codes are ignored). Example::

        >>> parse_tag("...\\n[autograder] case=c check=values verdict=wrong_values")
        {'case': 'c', 'check': 'values', 'verdict': 'wrong_values', 'diagnosis': None}
    """
    found = None
    for line in _ANSI_ESCAPE.sub("", text).splitlines():
        match = _TAG_LINE.fullmatch(line.strip())
        if match is not None:
            found = match
    return None if found is None else found.groupdict()


def fail(lines: Sequence[str], *, case: str, check: str, verdict: str,
         diagnosis: Diagnosis | None = None) -> NoReturn:
    """Raise a :class:`JacobianCheckError`: the diagnosis's two lines, ``lines``, the tag."""
    __tracebackhide__ = True
    head = [] if diagnosis is None else [diagnosis.verdict, diagnosis.pointer]
    key = None if diagnosis is None else diagnosis.key
    message = "\n".join([*head, *lines, tag_line(case, check, verdict, key)])
    raise JacobianCheckError(message, case=case, check=check, verdict=verdict, diagnosis=key)
