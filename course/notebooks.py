"""Build the nbgrader source notebooks from the cases and their texts.

Every notebook has the same layout, with the ``grade_id``s of the student contract:

===========================  ==========================  ======
cell                         grade_id                    points
===========================  ==========================  ======
rule, math, goal             ``intro``                   --
``import numpy as np``       ``setup``                   --
shape analysis prompt        ``shape_analysis``          --
answer                       ``jacobian_shape``          --
tests                        ``test_jacobian_shape``     1
how to code it               ``coding``                  --
answer                       ``<function>``              --
tests: shape                 ``test_<function>_shape``   1
tests: values                ``test_<function>_values``  2
an ungraded task (optional)  ``follow_up``               --
its code, which the student  (none: a cell of the        --
fills                        student's own)
===========================  ==========================  ======

(the points are :data:`course.content.POINTS`, unless the case's text sets its own). The
ungraded task's code cell carries no nbgrader metadata, like a cell the student added: it is
the student's to change, and nbgrader grades nothing in it.

The values test repeats the shape check, so a wrong shape earns nothing there; a right shape
with wrong values keeps the shape point. A test cell holds only the check, called with the
notebook's sizes; the check runs on those and then on the case's second, public sizes
(:attr:`jacobian_checks.public_case.PublicCase.second_sizes`), which the cell's comment names.
When grading, the grader makes the same checks outside the student's kernel, on these sizes and
on hidden ones it draws in secret (``autograder.verify``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from cases.case import Case
from cases.registry import ASSIGNMENTS, cases_of

from .content import HOW_TO_CHECK, RULE, TEXTS

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def points_by_test_cell(case: Case) -> dict[str, int]:
    """The points of each test cell of the case's notebook, by grade_id, e.g.
    ``{"test_jacobian_shape": 1, "test_da_dh_shape": 1, "test_da_dh_values": 2}``."""
    points = TEXTS[case.key].points
    return {"test_jacobian_shape": points["predicted_shape"],
            f"test_{case.function}_shape": points["shape"],
            f"test_{case.function}_values": points["values"]}


def assignment_points(assignment: str) -> int:
    """The most a submission of ``assignment`` can score: the points of all its test cells."""
    return sum(sum(points_by_test_cell(case).values()) for case in cases_of(assignment))


def build_notebook(case: Case) -> nbformat.NotebookNode:
    """The source notebook of one case, with deterministic cell ids."""
    text = TEXTS[case.key]
    points = points_by_test_cell(case)
    number = case.notebook.split("_", 1)[0]
    function = case.function
    cells = [
        _read_only("intro", f"# {number}. {case.title}\n\n{RULE}\n{text.math}\n{HOW_TO_CHECK}",
                   markdown=True),
        _read_only("setup", "import numpy as np"),
        _read_only("shape_analysis", text.shape_hint, markdown=True),
        _answer("jacobian_shape", text.jacobian_shape),
        _tests("test_jacobian_shape", points, _test_source(
            case, "check_predicted_shape", "jacobian_shape", "Your predicted shape,")),
        _read_only("coding", text.code_hint.strip(), markdown=True),
        _answer(function, text.function),
        _tests(f"test_{function}_shape", points, _test_source(
            case, "check_jacobian_shape", function, f"The shape of what {function} returns,")),
        _tests(f"test_{function}_values", points, _test_source(
            case, "check_jacobian_values", function,
            f"The shape again, then the values of {function} against finite differences,")),
    ]
    if text.follow_up:
        cells.append(_read_only("follow_up", text.follow_up.strip(), markdown=True))
    if text.follow_up_code:
        cells.append(new_code_cell(text.follow_up_code.strip("\n"), id="follow-up-code"))
    return new_notebook(cells=cells, metadata={
        "kernelspec": KERNELSPEC,
        "language_info": {"name": "python"},
    })


def write_source(source: Path) -> list[Path]:
    """Write the source notebooks of every assignment into ``source/<assignment>/``; return
    their paths."""
    paths = []
    for assignment in ASSIGNMENTS:
        directory = source / assignment
        directory.mkdir(parents=True, exist_ok=True)
        for case in cases_of(assignment):
            path = directory / f"{case.notebook}.ipynb"
            nbformat.write(build_notebook(case), path)
            paths.append(path)
    return paths


def _test_source(case: Case, check: str, target: str, what: str) -> str:
    """A test cell: the check called with the notebook's sizes, after a comment that starts
    with ``what`` and says which sizes it runs on (the second set in words: the call holds
    only the notebook's); lines of at most 79 characters."""
    sizes = ", ".join(f"{name}={value}" for name, value in case.visible_sizes.items())
    second = ",\0".join(f"{name}={value}" for name, value in case.second_sizes.items())
    comment = textwrap.wrap(
        f"# {what} at the notebook's sizes, then at a second set ({second}). When grading, "
        "the grader repeats it on other sizes and inputs, kept secret.", width=79,
        subsequent_indent="# ", break_on_hyphens=False)
    call = f'{check}({target}, "{case.key}", {sizes})'
    if len(call) > 79:
        call = f'{check}({target}, "{case.key}",\n{" " * (len(check) + 1)}{sizes})'
    return "\n".join([f"from jacobian_checks import {check}", "",
                      *(line.replace("\0", " ") for line in comment), call])


def _nbgrader(grade_id: str, *, grade: bool = False, solution: bool = False,
              locked: bool = False, points: int | None = None) -> dict:
    metadata = {"grade": grade, "grade_id": grade_id, "locked": locked,
                "schema_version": 3, "solution": solution}
    if points is not None:
        metadata["points"] = points
    return {"nbgrader": metadata}


def _read_only(grade_id: str, source: str, *, markdown: bool = False) -> nbformat.NotebookNode:
    new_cell = new_markdown_cell if markdown else new_code_cell
    return new_cell(source, id=grade_id.replace("_", "-"),
                    metadata=_nbgrader(grade_id, locked=True))


def _answer(grade_id: str, source: str) -> nbformat.NotebookNode:
    return new_code_cell(source, id=grade_id.replace("_", "-"),
                         metadata=_nbgrader(grade_id, solution=True))


def _tests(grade_id: str, points: dict[str, int], source: str) -> nbformat.NotebookNode:
    return new_code_cell(source, id=grade_id.replace("_", "-"), metadata=_nbgrader(
        grade_id, grade=True, locked=True, points=points[grade_id]))
