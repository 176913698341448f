"""End to end with the real nbgrader: a class graded by `nbgrader autograde` in real kernels.

The class (``tests/e2e_class.py``) is autograded once per session; each test reads the
verdict on one student's notebook.
Points are the course's own (``course.notebooks.points_by_test_cell``), never typed in here.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder.course_config import gradebook_url
from autograder.scores import GradeRow, read_grades
from cases.jacobians import ASSIGNMENT
from cases.registry import CASES, cases_of
from course.notebooks import assignment_points, points_by_test_cell
from tests.e2e_class import CLASS_TIMEOUT

pytestmark = pytest.mark.nbgrader

@pytest.fixture(scope="module")
def graded(graded_class) -> tuple[Path, dict[tuple[str, str, str], GradeRow]]:
    """The class as graded by a serial `nbgrader autograde`."""
    course = graded_class.serial
    rows = read_grades(gradebook_url(course), ASSIGNMENT)
    return course, {(r.student, r.notebook, r.cell): r for r in rows}


def _notebook_scores(grades, student: str, notebook: str) -> dict[str, float]:
    return {cell: row.score for (s, nb, cell), row in grades.items()
            if s == student and nb == notebook}


def _total(grades, student: str) -> float:
    return sum(row.score for (s, _, _), row in grades.items() if s == student)


def _points(notebook: str, *, lost: tuple[str, ...] = ()) -> dict[str, int]:
    """The notebook's test-cell points as the course sets them, with the cells ``lost`` at 0."""
    case = next(case for case in cases_of(ASSIGNMENT) if case.notebook == notebook)
    return {cell: 0 if cell in lost else points
            for cell, points in points_by_test_cell(case).items()}


#: What the student `mistakes` loses (``tests/e2e_class.py``), by notebook.
MISTAKES_LOSE = {
    "01_scalar_wrt_scalar": ("test_jacobian_shape",),
    "02_scalar_wrt_vector": ("test_dloss_dyhat_values",),
    "03_vector_wrt_matrix": ("test_dyhat_dW_shape", "test_dyhat_dW_values"),
    "05_elementwise_nonlinearity": ("test_da_dh_shape", "test_da_dh_values"),
}


def test_the_solutions_get_full_marks(graded):
    _, grades = graded
    assert _total(grades, "solution") == assignment_points(ASSIGNMENT) > 0


def test_the_untouched_release_gets_zero(graded):
    _, grades = graded
    assert _total(grades, "untouched") == 0


def test_right_shape_wrong_values_keeps_the_shape_points_only(graded):
    _, grades = graded
    notebook = "02_scalar_wrt_vector"
    assert _notebook_scores(grades, "mistakes", notebook) == _points(
        notebook, lost=MISTAKES_LOSE[notebook])


def test_a_wrong_shape_earns_nothing_for_that_function(graded):
    _, grades = graded
    notebook = "05_elementwise_nonlinearity"
    assert _notebook_scores(grades, "mistakes", notebook) == _points(
        notebook, lost=MISTAKES_LOSE[notebook])


def test_hard_coded_visible_sizes_fail_on_the_second_public_sizes(graded):
    course, grades = graded
    notebook = "03_vector_wrt_matrix"
    assert _notebook_scores(grades, "mistakes", notebook) == _points(
        notebook, lost=MISTAKES_LOSE[notebook])
    error = _error_output(course, "mistakes", "03_vector_wrt_matrix", "test_dyhat_dW_shape")
    assert error.ename == "JacobianCheckError"
    second = CASES["vector_wrt_matrix"].second_sizes["output_dim"]
    assert error.evalue.splitlines()[0].endswith(
        f"it looks like the notebook's output_dim = 10 is typed in, where this test has "
        f"output_dim = {second}.")
    assert "On the check's second sizes" in error.evalue.splitlines()[2]


def test_an_infinite_loop_is_cut_off_and_the_rest_is_graded(graded):
    course, grades = graded
    notebook = "01_scalar_wrt_scalar"
    assert _notebook_scores(grades, "mistakes", notebook) == _points(
        notebook, lost=MISTAKES_LOSE[notebook])
    lost = sum(_points(notebook)[cell] for notebook, cells in MISTAKES_LOSE.items()
               for cell in cells)
    assert _total(grades, "mistakes") == assignment_points(ASSIGNMENT) - lost
    error = _error_output(course, "mistakes", "01_scalar_wrt_scalar", "test_jacobian_shape")
    assert error.evalue == (f"jacobian_shape(256) gave no answer: it did not return within "
                            f"{CLASS_TIMEOUT} s.")


def test_warnings_on_stderr_do_not_cost_a_correct_answer_its_points(graded):
    _, grades = graded
    notebook = "03_vector_wrt_matrix"
    assert _notebook_scores(grades, "tampering", notebook) == _points(notebook)


def test_a_deleted_test_cell_is_put_back_and_graded(graded):
    _, grades = graded
    wrong = grades[("tampering", "02_scalar_wrt_vector", "test_dloss_dyhat_values")]
    assert (wrong.score, wrong.needs_manual_grade) == (0, False)
    right = grades[("tampering", "04_scalar_wrt_matrix", "test_dloss_dW_values")]
    assert (right.score, right.needs_manual_grade) == (
        _points("04_scalar_wrt_matrix")["test_dloss_dW_values"], False)


def test_an_edited_test_cell_is_restored(graded):
    _, grades = graded
    notebook = "05_elementwise_nonlinearity"
    assert _notebook_scores(grades, "tampering", notebook) == _points(
        notebook, lost=("test_da_dh_values",))


def _error_output(course: Path, student: str, notebook: str, grade_id: str):
    autograded = nbformat.read(
        course / "autograded" / student / ASSIGNMENT / f"{notebook}.ipynb", as_version=4)
    cell = next(c for c in autograded.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return next(o for o in cell.outputs if o.output_type == "error")
