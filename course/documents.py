"""The course text of each assignment, in two renderings: for students, and with the solutions.

One Markdown source per assignment, ``course/documents/<assignment>.md``, marks what students
do not get before the due date:

- ``<!-- solution: WHAT -->`` ... ``<!-- end solution -->``: the answers of a case (its
  Jacobian's shape, its formula, its code). The full version keeps the region; the student
  version replaces it with one line, "*Released with the solutions: WHAT.*"
- ``<!-- student -->`` ... ``<!-- end student -->``: words for the student version only.
- ``{{ solution: <case key> }}``, inside a solution region only: the case's solution code, as
  the notebooks' solutions have it (:mod:`course.content`), so the text and the notebooks
  cannot disagree.
- ``{{ rule }}``: the rule every notebook states (:data:`course.content.RULE`).

``make notebooks`` writes the full version into ``solutions/<assignment>/`` (see
:func:`full_notebook`), which ``python -m autograder release-solutions`` releases with the
solution notebooks; the bundle ships the student version.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

from cases.registry import cases_of

from .content import RULE, TEXTS

SOURCES = Path(__file__).resolve().parent / "documents"

FULL_NOTEBOOK = "course-text.ipynb"
"""The file name of the full version in ``solutions/<assignment>/``."""

_REGION = re.compile(
    r"^<!-- (?P<kind>solution|student)(?:: (?P<what>[^\n]*?))? -->\n(?P<body>.*?)"
    r"^<!-- end (?P=kind) -->\n", re.M | re.S)
_MARK = re.compile(r"<!--\s*(?:end\s+)?(?:solution|student)\b")
_SOLUTION_CODE = re.compile(r"^\{\{ solution: (?P<key>\w+) \}\}$", re.M)
_DELIMITER = re.compile(r"^[ \t]*### (?:BEGIN|END) SOLUTION[ \t]*(?:\n|\Z)", re.M)


def source(assignment: str) -> str:
    """The marked source of ``assignment``'s text."""
    cases_of(assignment)  # a clear error for an unknown assignment
    return (SOURCES / f"{assignment}.md").read_text()


def student_document(assignment: str) -> str:
    """What students get (Markdown): the rule, the math and the reasoning; each case's
    answers replaced by a line saying they are released with the solutions."""
    def render(region: re.Match[str]) -> str:
        if region["kind"] == "student":
            return region["body"]
        return f"*Released with the solutions: {region['what']}.*\n"
    return _finish(_REGION.sub(render, source(assignment)), assignment)


def full_document(assignment: str) -> str:
    """The whole text (Markdown), answers and code included: released with the solutions."""
    def render(region: re.Match[str]) -> str:
        if region["kind"] == "student":
            return ""
        return _SOLUTION_CODE.sub(lambda code: solution_code(code["key"], assignment),
                                  region["body"])
    return _finish(_REGION.sub(render, source(assignment)), assignment)


def full_notebook(assignment: str) -> nbformat.NotebookNode:
    """The full version as a read-only notebook of Markdown cells, one per section, which
    opens rendered in Jupyter and travels with the solution notebooks."""
    sections = re.split(r"\n(?=## )", full_document(assignment))
    read_only = {"editable": False, "deletable": False}
    return new_notebook(
        cells=[new_markdown_cell(section.strip("\n"), id=f"section-{number}",
                                 metadata=dict(read_only))
               for number, section in enumerate(sections, start=1)],
        metadata={"language_info": {"name": "python"}})


def solution_code(key: str, assignment: str) -> str:
    """The fenced block of the case ``key``'s solutions, ``jacobian_shape`` and the graded
    function, as the solution notebooks have them."""
    if key not in {case.key for case in cases_of(assignment)}:
        raise ValueError(f"course/documents/{assignment}.md: no case {key!r} in {assignment}")
    text = TEXTS[key]
    code = "\n\n\n".join(_DELIMITER.sub("", cell).rstrip("\n")
                            for cell in (text.jacobian_shape, text.function))
    return f"```python\n{code}\n```"


def _finish(text: str, assignment: str) -> str:
    """Fill in the rule; refuse a mark or a placeholder left outside its place."""
    leftover = _MARK.search(text) or _SOLUTION_CODE.search(text)
    if leftover:
        line = text.count("\n", 0, leftover.start()) + 1
        raise ValueError(f"course/documents/{assignment}.md: {leftover.group(0)!r} out of "
                         f"place near line {line} of the rendered text (regions are "
                         f"'<!-- solution: WHAT -->' or '<!-- student -->' lines, closed "
                         f"by '<!-- end solution -->' or '<!-- end student -->'; solution "
                         f"code goes inside a solution region)")
    return text.replace("{{ rule }}", RULE)
