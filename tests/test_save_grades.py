"""The course saves a notebook's automatic grades as nbgrader's ``SaveAutoGrades`` does, in one
transaction (``autograder.nbgrader_plugins.SaveAutoGradesAtOnce``)."""

from __future__ import annotations

import logging
import shutil
import warnings
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_output
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import SaveAutoGrades
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SAWarning

from autograder.course_config import gradebook_url
from autograder.nbgrader_plugins import SaveAutoGradesAtOnce
from cases.jacobians import ASSIGNMENT
from course.workspace import copy_course

STUDENT = "ada"


def _nbgrader_cell(cell, **metadata):
    cell.metadata["nbgrader"] = {"schema_version": 3, "grade": False, "solution": False,
                                 "locked": False, "task": False, **metadata}
    return cell


@pytest.fixture(scope="module")
def submission(generated_course, tmp_path_factory):
    """A graded notebook of every kind of cell nbgrader saves a grade or comment for, and the
    gradebook holding its submission's rows: a test that failed and tests that passed, a
    solution cell changed, a written answer (graded by hand: no automatic score) and one left
    blank as released, a task, and a test a grader already scored by hand."""
    course = copy_course(generated_course, tmp_path_factory.mktemp("saving") / "course")
    name = sorted((course / "release" / ASSIGNMENT).glob("*.ipynb"))[0]
    notebook = nbformat.read(name, as_version=4)
    essays = [_nbgrader_cell(new_markdown_cell("YOUR ANSWER HERE"), grade=True, solution=True,
                             points=2, grade_id=grade_id) for grade_id in ("answered", "blank")]
    for essay in essays:
        essay.metadata.nbgrader["checksum"] = utils.compute_checksum(essay)
    essays[0].source = "Its rows are the outputs, its columns the inputs."
    task = _nbgrader_cell(new_markdown_cell("Explain the shape."), task=True, locked=True,
                          points=1, grade_id="a_task")
    task.metadata.nbgrader["checksum"] = utils.compute_checksum(task)  # as released
    notebook.cells += [*essays, task]
    with Gradebook(gradebook_url(course)) as gradebook:
        for essay in essays:
            grade_id = essay.metadata.nbgrader["grade_id"]
            gradebook.add_grade_cell(grade_id, name.stem, ASSIGNMENT, max_score=2,
                                     cell_type="markdown")
            gradebook.add_solution_cell(grade_id, name.stem, ASSIGNMENT)
        gradebook.add_task_cell("a_task", name.stem, ASSIGNMENT, max_score=1,
                                cell_type="markdown")
        gradebook.add_student(STUDENT)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SAWarning)  # nbgrader's own, harmless
            gradebook.add_submission(ASSIGNMENT, STUDENT)
        tests = [cell for cell in notebook.cells if utils.is_grade(cell)
                 and cell.cell_type == "code"]
        solutions = [cell for cell in notebook.cells if utils.is_solution(cell)
                     and cell.cell_type == "code"]
        assert len(tests) >= 2 and solutions
        tests[0].outputs = [new_output("error", ename="AssertionError", evalue="",
                                       traceback=[])]
        solutions[0].source += "\nx = 1"
        by_hand = gradebook.find_grade(tests[-1].metadata.nbgrader["grade_id"], name.stem,
                                       ASSIGNMENT, STUDENT)
        by_hand.manual_score = 0.5
        gradebook.db.commit()
    return course, notebook, name.stem


def _resources(notebook: str, db_url: str) -> dict:
    return {"nbgrader": {"notebook": notebook, "assignment": ASSIGNMENT, "student": STUDENT,
                         "db_url": db_url}}


def _saved(submission, saver, tmp_path: Path, notebook=None) -> tuple[list, int]:
    """The grade and comment rows ``saver`` leaves in a copy of the submission's gradebook,
    and how many transactions it committed besides those of opening the gradebook."""
    course, graded, name = submission
    copy = tmp_path / f"{saver.__name__}.db"
    shutil.copyfile(course / "gradebook.db", copy)
    commits = []

    def count(connection):
        commits.append(1)

    event.listen(Engine, "commit", count)
    try:
        Gradebook(f"sqlite:///{copy}").close()
        opening = len(commits)
        saver(log=logging.getLogger("test")).preprocess(
            nbformat.from_dict(notebook or graded), _resources(name, f"sqlite:///{copy}"))
    finally:
        event.remove(Engine, "commit", count)
    with Gradebook(f"sqlite:///{copy}") as gradebook:
        submitted = gradebook.find_submission_notebook(name, ASSIGNMENT, STUDENT)
        rows = sorted([("grade", grade.name, grade.auto_score, grade.manual_score,
                        grade.needs_manual_grade) for grade in submitted.grades]
                      + [("comment", comment.name, comment.auto_comment)
                         for comment in submitted.comments])
    return rows, len(commits) - 2 * opening


def test_the_rows_are_nbgraders_written_in_one_transaction(submission, tmp_path):
    course, graded, _ = submission
    ours, our_commits = _saved(submission, SaveAutoGradesAtOnce, tmp_path)
    theirs, their_commits = _saved(submission, SaveAutoGrades, tmp_path)
    assert ours == theirs
    assert our_commits == 1 < their_commits
    grades = {row[1]: row[2:] for row in ours if row[0] == "grade"}
    comments = {row[1]: row[2] for row in ours if row[0] == "comment"}
    tests = [cell.metadata.nbgrader for cell in graded.cells
             if utils.is_grade(cell) and cell.cell_type == "code"]
    solution = next(cell.metadata.nbgrader["grade_id"] for cell in graded.cells
                    if utils.is_solution(cell) and cell.cell_type == "code")
    assert grades[tests[0]["grade_id"]] == (0, None, False)  # failed
    assert grades[tests[1]["grade_id"]] == (tests[1]["points"], None, False)  # passed
    assert grades[tests[-1]["grade_id"]] == (tests[-1]["points"], 0.5, True)  # scored by hand
    assert grades["answered"] == (None, None, True)  # to be graded by hand
    assert grades["blank"] == (0, None, False)
    assert comments["blank"] == "No response."
    assert comments["answered"] is None and comments[solution] is None
    assert comments["a_task"] is None


def test_a_cell_the_gradebook_does_not_hold_is_refused_and_nothing_written(submission,
                                                                           tmp_path):
    course, graded, name = submission
    stranger = nbformat.from_dict(graded)
    stranger.cells[-1].metadata.nbgrader["grade_id"] = "not_in_the_gradebook"  # the task
    with pytest.raises(MissingEntry):
        _saved(submission, SaveAutoGradesAtOnce, tmp_path, notebook=stranger)
    with Gradebook(f"sqlite:///{tmp_path / 'SaveAutoGradesAtOnce.db'}") as gradebook:
        submitted = gradebook.find_submission_notebook(name, ASSIGNMENT, STUDENT)
        assert [grade.auto_score for grade in submitted.grades] == [None] * len(
            submitted.grades)  # not even the cells before it
        assert [comment.auto_comment for comment in submitted.comments] == [None] * len(
            submitted.comments)
