"""What two gradings of the same class can be compared by: gradebook rows, autograded
notebooks."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from autograder.course_config import gradebook_url
from cases.jacobians import ASSIGNMENT


def gradebook_dump(course: Path) -> list[tuple]:
    """Every submission, notebook, grade and comment row, without ids and paths."""
    rows = []
    with Gradebook(gradebook_url(course)) as gradebook:
        for submission in gradebook.assignment_submissions(ASSIGNMENT):
            student = submission.student.id
            rows.append(("submission", student, str(submission.timestamp),
                         submission.late_submission_penalty, submission.needs_manual_grade))
            for notebook in submission.notebooks:
                rows.append(("notebook", student, notebook.name, notebook.flagged,
                             notebook.late_submission_penalty))
                rows += [("grade", student, notebook.name, g.name, g.auto_score, g.manual_score,
                          g.extra_credit, g.needs_manual_grade) for g in notebook.grades]
                rows += [("comment", student, notebook.name, c.name, c.auto_comment,
                          c.manual_comment) for c in notebook.comments]
    return sorted(rows, key=repr)


def autograded_notebooks(course: Path) -> dict[str, nbformat.NotebookNode]:
    """The autograded notebooks, without the fields that differ between any two runs:
    execution timestamps, and cell ids (nbformat invents one for a test cell that nbgrader
    puts back)."""
    notebooks = {}
    for path in sorted((course / "autograded").glob(f"*/{ASSIGNMENT}/*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            cell.metadata.pop("execution", None)
            cell.pop("id", None)
        notebooks[str(path.relative_to(course / "autograded"))] = notebook
    return notebooks
