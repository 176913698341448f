"""The grader's findings where instructors look: nbgrader's ``flagged`` mark (issues 14, 17).

A small class submits one notebook each -- a student who differentiates numerically (a helper
in a cell of their own), an honest one, and an honest one in float32 -- and is graded in two
copies of the course, by ``nbgrader autograde`` and by ``python -m autograder grade`` (run in
this process, as its reports are), then graded again after the first student fixed the answer
and an instructor flagged the honest student's notebook by hand: once through the formgrader's
own API, once with ``grade --force``. A third copy records a notebook graded by a cluster
station, as a cluster run does. The float32 student also displays a forged note to the
instructor, which the grader drops.
Everything is read where the instructor reads it: the real sqlite gradebook's
``SubmittedNotebook.flagged``, the autograded notebook, the Autograde log, the summary, the
report, and the feedback (which must not show the note).
"""

from __future__ import annotations

import csv
import io
from contextlib import redirect_stdout
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI

from autograder.cli import main
from autograder.cluster.dispatch import Recorder
from autograder.cluster.kit import pack_kit, read_files
from autograder.cluster.station import Station, StationSettings, grading_stack
from autograder.course_config import gradebook_url, load_course_config
from autograder.grading.settings import RunSettings
from autograder.verify.records import INSTRUCTOR_NOTE, METADATA_KEY, NUMERICAL_DIFF
from cases.jacobians import ASSIGNMENT
from cases.registry import CASES
from course.classroom import fill, release_notebooks, solution_answers
from course.workspace import copy_course, run
from tests.test_numdiff import HELPER

pytestmark = pytest.mark.nbgrader

NOTEBOOK = CASES["scalar_wrt_vector"].notebook

NUMERICAL = '''\
def dloss_dyhat(y, yhat):
    loss = lambda v: 0.5 * np.sum((y - v) ** 2, axis=1, keepdims=True)
    return numerical_jacobian(loss, yhat)
'''
FLOAT32 = '''\
def dloss_dyhat(y, yhat):
    residual = (yhat - y).astype(np.float32)
    return residual[:, np.newaxis, :]
'''
FORGED_NOTE = '''\
from IPython.display import display

display({"text/plain": "Flagged for the instructor by the grader: nothing to see"}, raw=True,
        metadata={"autograder": "instructor_note"})
print("displayed")
'''
STUDENTS = ("numerical", "honest", "float32")


def _submit(course: Path, student: str, answer: str, helper: str | None = None) -> None:
    """Submit notebook 02 only, with ``answer``, and ``helper`` in a cell before it."""
    notebook = fill(release_notebooks(course, ASSIGNMENT)[NOTEBOOK], {
        **solution_answers(course, ASSIGNMENT)[NOTEBOOK], "dloss_dyhat": answer})
    if helper is not None:
        at = next(index for index, cell in enumerate(notebook.cells)
                  if cell.metadata.get("nbgrader", {}).get("grade_id") == "dloss_dyhat")
        notebook.cells.insert(at, nbformat.v4.new_code_cell(helper))
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / f"{NOTEBOOK}.ipynb")


def _submit_class(course: Path) -> None:
    solution = solution_answers(course, ASSIGNMENT)[NOTEBOOK]["dloss_dyhat"]
    _submit(course, "numerical", NUMERICAL, HELPER)
    _submit(course, "honest", solution)
    _submit(course, "float32", FLOAT32, FORGED_NOTE)  # a note of its own, dropped


def _flagged(course: Path) -> dict[str, bool]:
    with Gradebook(gradebook_url(course)) as gradebook:
        return {student: gradebook.find_submission_notebook(
            NOTEBOOK, ASSIGNMENT, student).flagged for student in STUDENTS}


def _scores(course: Path) -> dict[str, float]:
    with Gradebook(gradebook_url(course)) as gradebook:
        return {student: gradebook.find_submission(ASSIGNMENT, student).score
                for student in STUDENTS}


def _flag_by_hand(course: Path, student: str) -> None:
    """What the formgrader's FlagSubmissionHandler does: flip the mark and commit."""
    with Gradebook(gradebook_url(course)) as gradebook:
        submitted = gradebook.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)
        submitted.flagged = not submitted.flagged
        gradebook.db.commit()


def _autograded(course: Path, student: str) -> nbformat.NotebookNode:
    return nbformat.read(course / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
                         as_version=4)


def _note(notebook: nbformat.NotebookNode) -> str:
    """The grader's note to the instructor in an autograded notebook ("" if none)."""
    return "".join(output.data["text/plain"] for cell in notebook.cells
                   if cell.cell_type == "code" for output in cell.outputs
                   if output.get("metadata", {}).get(METADATA_KEY) == INSTRUCTOR_NOTE)


@pytest.fixture(scope="module")
def graded(generated_course, tmp_path_factory) -> dict[str, Path]:
    base = copy_course(generated_course, tmp_path_factory.mktemp("flags") / "course")
    _submit_class(base)
    serial = copy_course(base, base.parent / "serial")
    parallel = copy_course(base, base.parent / "parallel")
    log = run(serial, "nbgrader", "autograde", ASSIGNMENT)
    (serial / "autograde.log").write_text(log.stdout + log.stderr)
    summary = autograder(parallel, "grade", "--jobs", "2", "--feedback")
    (parallel / "summary.txt").write_text(summary)
    for course in (serial, parallel):
        autograder(course, "report")
    return {"serial": serial, "parallel": parallel}


def autograder(course: Path, command: str, *arguments: str) -> str:
    """``python -m autograder COMMAND ASSIGNMENT ARGUMENTS`` in ``course``, run in this process
    (saving a Python's imports), which must succeed; what it printed."""
    printed = io.StringIO()
    with redirect_stdout(printed):
        code = main([command, ASSIGNMENT, *arguments, "--course-dir", str(course)])
    assert code == 0, printed.getvalue()
    return printed.getvalue()


@pytest.mark.parametrize("grader", ["serial", "parallel"])
def test_only_the_numerical_answer_is_flagged_and_every_score_stands(graded, grader):
    course = graded[grader]
    assert _flagged(course) == {"numerical": True, "honest": False, "float32": False}
    assert _scores(course) == {"numerical": 4, "honest": 4, "float32": 4}
    assert all(_note(_autograded(course, student)) == "" for student in ("honest", "float32"))
    forged = next(cell for cell in _autograded(course, "float32").cells
                  if cell.source == FORGED_NOTE)
    assert [output.get("text") for output in forged.outputs] == ["displayed\n"]


@pytest.mark.parametrize("grader", ["serial", "parallel"])
def test_the_reason_names_the_cell_and_line_in_the_notebook_and_the_log(graded, grader):
    course = graded[grader]
    notebook = _autograded(course, "numerical")
    [found] = notebook.metadata[METADATA_KEY][NUMERICAL_DIFF]
    assert found["function"] == "dloss_dyhat"
    helper_cell = next(index + 1 for index, cell in enumerate(notebook.cells)
                       if cell.source == HELPER)
    assert found["where"] == f"cell {helper_cell}, line 8"
    assert "`f(up) - f(down)`" in found["detail"]
    note = _note(notebook)
    assert note.startswith("Flagged for the instructor by the grader")
    assert found["detail"] in note
    assert notebook.metadata[METADATA_KEY]["flagged"]["flagged"] is True
    log = (course / ("autograde.log" if grader == "serial" else ".autograder/jacobians.log"))
    assert f"numerical/{ASSIGNMENT}/{NOTEBOOK}: Flagged for the instructor" in log.read_text()
    assert found["detail"] in log.read_text()


def test_the_summary_the_report_and_the_feedback(graded):
    course = graded["parallel"]
    summary = (course / "summary.txt").read_text()
    assert "Numerical differentiation" in summary
    assert "numerical: 02_scalar_wrt_vector: dloss_dyhat differentiates numerically" in summary
    assert "honest: 02" not in summary and "float32: 02" not in summary
    assert "Flagged for you in the formgrader" in summary and ": 1 notebook(s)." in summary
    for copy in graded.values():
        with (copy / "reports" / f"{ASSIGNMENT}-problems.csv").open() as file:
            rows = [row for row in csv.DictReader(file) if row["kind"] == NUMERICAL_DIFF]
        assert [(row["student"], row["notebook"]) for row in rows] == [("numerical", NOTEBOOK)]
        assert "differentiates numerically" in (
            copy / "reports" / f"{ASSIGNMENT}.html").read_text()
    feedback = (course / "feedback" / "numerical" / ASSIGNMENT / f"{NOTEBOOK}.html").read_text()
    assert "Flagged for the instructor" not in feedback
    assert "numerical_jacobian" in feedback  # the student's own code is there


def test_a_regrade_clears_the_graders_flag_and_keeps_the_instructors(graded, tmp_path):
    for grader, course in graded.items():
        course = copy_course(course, tmp_path / grader)
        _flag_by_hand(course, "honest")
        solution = solution_answers(course, ASSIGNMENT)[NOTEBOOK]["dloss_dyhat"]
        _submit(course, "numerical", solution)
        if grader == "serial":  # the formgrader's Autograde button
            api = NbGraderAPI(config=load_course_config(course))
            logs = {student: api.autograde(ASSIGNMENT, student) for student in STUDENTS}
            assert all(result["success"] for result in logs.values())
            assert "the grader's flag was cleared" in logs["numerical"]["log"]
        else:
            autograder(course, "grade", "--jobs", "2", "--force")
        assert _flagged(course) == {"numerical": False, "honest": True, "float32": False}, \
            grader
        assert "the grader's flag was cleared" in _note(_autograded(course, "numerical"))
        assert _note(_autograded(course, "honest")) == ""


def test_a_regrade_leaves_a_flag_the_instructor_cleared_for_the_same_finding(graded, tmp_path):
    course = copy_course(graded["serial"], tmp_path / "course")
    _flag_by_hand(course, "numerical")  # reviewed: cleared
    api = NbGraderAPI(config=load_course_config(course))
    result = api.autograde(ASSIGNMENT, "numerical")
    assert result["success"]
    assert "the flag was cleared since" in result["log"]
    assert _flagged(course)["numerical"] is False


def test_a_notebook_graded_on_a_cluster_station_is_flagged_in_the_instructors_gradebook(
        generated_course, tmp_path):
    course = copy_course(generated_course, tmp_path / "course")
    _submit(course, "numerical", NUMERICAL, HELPER)
    settings = StationSettings(assignment=ASSIGNMENT, checks=grading_stack())
    station = Station(pack_kit(course, ASSIGNMENT), settings)
    try:
        recording = station.grade("numerical", read_files(
            course / "submitted" / "numerical" / ASSIGNMENT))
    finally:
        station.close()
    assert recording.outcome["status"] == "graded", recording.outcome
    worker = RunSettings(root=str(course), assignment=ASSIGNMENT, feedback=False,
                         log=str(tmp_path / "log"))
    with Recorder(worker) as recorder:
        outcome = recorder.record("numerical", recording)
    assert [flag.kind for flag in outcome.flags] == [NUMERICAL_DIFF]
    with Gradebook(gradebook_url(course)) as gradebook:
        assert gradebook.find_submission_notebook(NOTEBOOK, ASSIGNMENT, "numerical").flagged
    notebook = _autograded(course, "numerical")
    [found] = notebook.metadata[METADATA_KEY][NUMERICAL_DIFF]
    assert found["function"] == "dloss_dyhat" and found["where"].endswith(", line 8")
    assert _note(notebook).count(found["detail"]) == 1  # the worker's note was replaced
