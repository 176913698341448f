"""The course text each assignment's students receive, in Markdown.

PLACEHOLDER, to be replaced by the content helper's version of this module (issue 14, item 4):
until then every assignment gets ``docs/course-document.md`` as it is. The bundle
(:mod:`course.bundle`) uses only :func:`student_document`.
"""

from __future__ import annotations

from jacobian_checks.cases import cases_of

from .workspace import ROOT


def student_document(assignment: str) -> str:
    """The student version of ``assignment``'s course text, in Markdown (math between ``$``).

    Placeholder: ``docs/course-document.md`` for every assignment; an unknown assignment is
    refused with the known ones."""
    cases_of(assignment)
    return (ROOT / "docs" / "course-document.md").read_text()
