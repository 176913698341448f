"""`python -m autograder grade`: the same grades as nbgrader, in parallel, robust to broken
submissions, incremental, and safe for manual grades."""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import warnings
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.cli import main
from autograder.course_config import gradebook_url
from autograder.course_secret import course_secret
from autograder.grading.state import load_state
from autograder.hidden import hidden_runs
from autograder.scores import read_grades
from autograder.verify.executor import read_test_cells
from autograder.verify.in_process import verify_cells
from cases.jacobians import ASSIGNMENT
from cases.registry import cases_of
from course.answer_bank import case_answers
from course.classroom import solution_answers, write_submission
from course.notebooks import assignment_points, points_by_test_cell
from course.workspace import copy_course, new_course_dir, run
from tests.gradebooks import autograded_notebooks, gradebook_dump

pytestmark = pytest.mark.nbgrader


# --- the same result as a serial nbgrader autograde ----------------------------------------------

def test_gradebook_rows_are_identical_to_serial_nbgrader(graded_class):
    serial, parallel = gradebook_dump(graded_class.serial), gradebook_dump(graded_class.parallel)
    assert len(serial) > 50
    assert parallel == serial


def test_autograded_notebooks_are_identical_to_serial_nbgrader(graded_class):
    serial = autograded_notebooks(graded_class.serial)
    parallel = autograded_notebooks(graded_class.parallel)
    assert len(serial) == 4 * len(cases_of(ASSIGNMENT))
    assert sorted(parallel) == sorted(serial)
    for name in serial:
        assert parallel[name] == serial[name], name


def test_a_timed_out_notebook_is_recorded(graded_class):
    records = load_state(graded_class.parallel, ASSIGNMENT, on_problem=pytest.fail)
    outcome = records["mistakes"].outcome
    assert outcome.status == "graded"
    assert outcome.timed_out == ["01_scalar_wrt_scalar"]


# --- broken submissions --------------------------------------------------------------------------

DIES = "import os\nos._exit(1)\n"


@pytest.fixture(scope="module")
def broken_class(generated_course, tmp_path_factory):
    """A class with one broken submission of each kind, graded once with --feedback."""
    course = copy_course(generated_course, tmp_path_factory.mktemp("broken") / "course")
    solutions = solution_answers(course, ASSIGNMENT)
    students = ["good", "invalid-json", "missing", "copy-paste", "dies", "unknown-cell"]
    for student in students:
        answers = solutions
        if student == "dies":
            answers = {**solutions, "05_elementwise_nonlinearity": {
                **solutions["05_elementwise_nonlinearity"], "da_dh": DIES}}
        write_submission(course, ASSIGNMENT, student, answers)
    folder = course / "submitted"
    (folder / "invalid-json" / ASSIGNMENT / "02_scalar_wrt_vector.ipynb").write_text("{not json")
    (folder / "missing" / ASSIGNMENT / "03_vector_wrt_matrix.ipynb").unlink()
    edit(folder / "copy-paste" / ASSIGNMENT / "04_scalar_wrt_matrix.ipynb", copy_cell("dloss_dW"))
    edit(folder / "unknown-cell" / ASSIGNMENT / "01_scalar_wrt_scalar.ipynb",
         rename_cell("test_jacobian_shape", "my_test"))
    result = run(course, "autograder", "grade", ASSIGNMENT, "--feedback", check=False)
    return course, result


def edit(path: Path, change) -> None:
    notebook = nbformat.read(path, as_version=4)
    change(notebook)
    nbformat.write(notebook, path)


def copy_cell(grade_id):
    def change(notebook):
        index = next(i for i, c in enumerate(notebook.cells)
                     if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
        duplicate = nbformat.from_dict(json.loads(json.dumps(notebook.cells[index])))
        duplicate.id = "pasted-copy"
        notebook.cells.insert(index + 1, duplicate)
    return change


def rename_cell(grade_id, new_id):
    def change(notebook):
        for cell in notebook.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                cell.metadata.nbgrader.grade_id = new_id
    return change


def scores_by_notebook(course: Path, student: str) -> dict[str, float]:
    totals: dict[str, float] = {}
    for row in read_grades(gradebook_url(course), ASSIGNMENT):
        if row.student == student:
            totals[row.notebook] = totals.get(row.notebook, 0) + row.score
    return totals


def test_every_student_is_graded_and_the_broken_ones_are_named(broken_class):
    course, result = broken_class
    assert result.returncode == 1, "a run with failures exits 1"
    summary = result.stdout
    assert summary.startswith("Graded 6 submission(s)")
    assert "5 complete, 1 partial, 0 failed" in summary
    assert ("  invalid-json: 02_scalar_wrt_vector: the notebook file is not valid JSON"
            in summary)
    assert re.search(r"  dies: 05_elementwise_nonlinearity: the kernel died while running cell "
                     r"\d+ of the notebook \(the code crashed or exited the process\); its test "
                     r"cells score 0", summary)
    assert "  missing: 03_vector_wrt_matrix: 03_vector_wrt_matrix.ipynb was not submitted" in (
        summary)
    assert "  copy-paste: 04_scalar_wrt_matrix: cell 'dloss_dW' appears 2 times" in summary
    assert "  unknown-cell: 01_scalar_wrt_scalar: a cell has the unknown grade_id 'my_test'" in (
        summary)


def test_a_broken_notebook_costs_only_that_notebook(broken_class):
    course, _ = broken_class
    assert scores_by_notebook(course, "good") == dict.fromkeys(scores_by_notebook(course, "good"),
                                                               4)
    for student, broken in [("invalid-json", "02_scalar_wrt_vector"),
                            ("dies", "05_elementwise_nonlinearity"),
                            ("missing", "03_vector_wrt_matrix")]:
        scores = scores_by_notebook(course, student)
        assert scores.pop(broken) == 0, student
        assert set(scores.values()) == {4}, student


def test_a_notebook_that_cannot_be_graded_is_flagged_for_manual_grading(broken_class):
    course, _ = broken_class
    rows = [r for r in read_grades(gradebook_url(course), ASSIGNMENT)
            if r.student == "invalid-json" and r.notebook == "02_scalar_wrt_vector"]
    assert rows and all(r.needs_manual_grade and r.auto_score == 0 for r in rows)


def test_a_kernel_that_dies_scores_0_and_its_feedback_says_why(broken_class):
    course, _ = broken_class
    rows = [r for r in read_grades(gradebook_url(course), ASSIGNMENT)
            if r.student == "dies" and r.notebook == "05_elementwise_nonlinearity"]
    assert rows and all(r.auto_score == 0 and not r.needs_manual_grade for r in rows)
    page = (course / "feedback" / "dies" / ASSIGNMENT / "05_elementwise_nonlinearity.html")
    assert "your notebook stopped early: the kernel died while running cell" in page.read_text()


def test_copied_or_renamed_graded_cells_no_longer_abort_grading(broken_class):
    course, result = broken_class
    assert sum(scores_by_notebook(course, "copy-paste").values()) == assignment_points(ASSIGNMENT)
    assert sum(scores_by_notebook(course, "unknown-cell").values()) == (
        assignment_points(ASSIGNMENT))
    assert ("  unknown-cell: 01_scalar_wrt_scalar: test cell 'test_jacobian_shape' was deleted"
            in result.stdout)


def test_feedback_is_generated_without_hidden_sizes(broken_class):
    course, _ = broken_class
    pages = sorted((course / "feedback" / "good" / ASSIGNMENT).glob("*.html"))
    assert len(pages) == len(cases_of(ASSIGNMENT))
    secret = course_secret(course)
    for case in cases_of(ASSIGNMENT):
        html = (course / "feedback" / "good" / ASSIGNMENT / f"{case.notebook}.html").read_text()
        assert "HIDDEN TESTS" not in html and "Passed:" in html
        assert "<math" in html and "\\frac" not in html  # math drawn as MathML, offline
        assert "white-space: pre-wrap" in html  # long messages wrap
        for hidden in hidden_runs(secret, ASSIGNMENT, "good", case):
            for name, size in hidden.sizes.items():
                assert not re.search(rf"\b{name}\s*=\s*{size}\b", html), (case.key, name)


def grade(capsys, course: Path, *arguments: str) -> tuple[int, str, str]:
    """``python -m autograder grade jacobians`` in-process: (exit code, stdout, stderr)."""
    code = main(["grade", ASSIGNMENT, "--course-dir", str(course), *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_only_new_or_changed_submissions_are_graded_again(broken_class, tmp_path, capsys):
    course = copy_course(broken_class[0], tmp_path / "course")
    code, out, _ = grade(capsys, course, "--student", "good", "--student", "copy-*")
    assert code == 0
    assert out.startswith("Graded 0 submission(s)")
    assert "2 unchanged, skipped" in out

    notebook = course / "submitted" / "good" / ASSIGNMENT / "01_scalar_wrt_scalar.ipynb"
    notebook.write_text(notebook.read_text().replace("return (B, 1, 1)", "return (B, 1, 2)"))
    code, out, _ = grade(capsys, course, "--student", "good", "--student", "copy-*")
    assert out.startswith("Graded 1 submission(s)")
    assert "1 unchanged, skipped" in out
    assert scores_by_notebook(course, "good")["01_scalar_wrt_scalar"] == 3


def test_a_change_of_the_grading_inputs_regrades_and_says_why(broken_class, tmp_path, capsys):
    course = copy_course(broken_class[0], tmp_path / "course")
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + "\n# a change an instructor made\n")
    with Gradebook(gradebook_url(course)) as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate="2026-12-24 12:00:00")
    code, out, _ = grade(capsys, course, "--student", "good", "--student", "copy-*")
    assert out.startswith("nbgrader_config.py, the due date changed since the last grading: "
                          "regrading 2 students.\n")
    assert "Graded 2 submission(s)" in out and "0 unchanged" in out
    code, out, _ = grade(capsys, course, "--student", "good")
    assert out.startswith("Graded 0 submission(s)")  # recorded with the new inputs


def test_manual_grades_are_never_overwritten(broken_class, tmp_path, capsys):
    course = copy_course(broken_class[0], tmp_path / "course")
    with Gradebook(gradebook_url(course)) as gradebook:
        grade_row = gradebook.find_grade("test_dloss_dyhat_values", "02_scalar_wrt_vector",
                                         ASSIGNMENT, "good")
        grade_row.manual_score = 1.5
        gradebook.db.commit()
    code, out, _ = grade(capsys, course, "--force", "--student", "good")
    assert (code, out.splitlines()[0][:25]) == (0, "Graded 1 submission(s) in")
    with Gradebook(gradebook_url(course)) as gradebook:
        grade_row = gradebook.find_grade("test_dloss_dyhat_values", "02_scalar_wrt_vector",
                                         ASSIGNMENT, "good")
        assert (grade_row.manual_score, grade_row.auto_score, grade_row.score) == (1.5, 2.0, 1.5)


def test_instructor_errors_are_clear(tmp_path, capsys):
    course = new_course_dir(tmp_path / "course")
    assert grade(capsys, course) == (
        2, "", f"error: no gradebook at {course / 'gradebook.db'}: run "
               f"`nbgrader generate_assignment {ASSIGNMENT}` in the course directory first\n")
    assert not (course / "gradebook.db").exists()
    assert grade(capsys, course / "nowhere") == (
        2, "", f"error: course directory {course / 'nowhere'} does not exist\n")


# --- many students at once on one sqlite gradebook -----------------------------------------------

def oracle_scores(course: Path, student: str) -> dict[tuple[str, str], float]:
    """Each test cell's score, computed without nbgrader or kernels: the student's notebook run
    cell by cell in one namespace, then its test cells judged in this process by the grader's
    verdicts, on the notebook's sizes and on the student's hidden runs."""
    scores = {}
    secret = course_secret(course)
    db_url = gradebook_url(course)
    for source_path in sorted((course / "source" / ASSIGNMENT).glob("*.ipynb")):
        submitted = nbformat.read(
            course / "submitted" / student / ASSIGNMENT / source_path.name, as_version=4)
        namespace: dict = {}
        for cell in submitted.cells:
            if cell.cell_type == "code" and not cell.metadata.get("nbgrader", {}).get("grade"):
                with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    with contextlib.suppress(Exception):
                        exec(cell.source, namespace)
        cells = read_test_cells(db_url, ASSIGNMENT, source_path.stem, [])
        points = {c.metadata.nbgrader.grade_id: c.metadata.nbgrader.points
                  for c in nbformat.read(source_path, 4).cells
                  if c.metadata.get("nbgrader", {}).get("grade")}
        for verdict in verify_cells(namespace, cells, secret=secret, assignment=ASSIGNMENT,
                                    student=student):
            scores[(source_path.stem, verdict.grade_id)] = (
                points[verdict.grade_id] if verdict.passed else 0.0)
    return scores


def test_many_students_at_once_land_in_one_gradebook_intact(generated_course, tmp_path, capsys):
    """8 students graded by 4 workers at once on the course's sqlite gradebook (each worker
    writes two submissions' grades while the others write theirs): every row is there, and
    every score is what the notebook's own tests say."""
    course = copy_course(generated_course, tmp_path / "course")
    rng = random.Random(174)
    students = [f"s{number:02d}" for number in range(8)]
    for student in students:
        write_submission(course, ASSIGNMENT, student, {
            case.notebook: {case.function: rng.choice(case_answers(case.key).answers).source}
            for case in cases_of(ASSIGNMENT)})
    code, out, _ = grade(capsys, course, "--jobs", "4")
    assert out.startswith(f"Graded {len(students)} submission(s)") and (
        f"{len(students)} complete" in out), out
    rows = read_grades(gradebook_url(course), ASSIGNMENT)
    assert len(rows) == len(students) * sum(len(points_by_test_cell(case))
                                            for case in cases_of(ASSIGNMENT))
    for student in students:
        graded = {(r.notebook, r.cell): r.score for r in rows if r.student == student}
        assert graded == oracle_scores(course, student), student
    assert code == 0
