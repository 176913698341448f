"""End to end with the real nbgrader: a class graded by `nbgrader autograde` in real kernels.

The class (``tests/e2e_class.py``) is autograded once per session; each test reads the
verdict on one student's notebook.
Points per notebook: test_jacobian_shape 1, test_<function>_shape 1, test_<function>_values 2.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder.course_config import gradebook_url
from autograder.scores import GradeRow, read_grades
from course.notebooks import ASSIGNMENT

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


def test_the_solutions_get_full_marks(graded):
    _, grades = graded
    assert _total(grades, "solution") == 20


def test_the_untouched_release_gets_zero(graded):
    _, grades = graded
    assert _total(grades, "untouched") == 0


def test_right_shape_wrong_values_keeps_the_shape_points_only(graded):
    _, grades = graded
    assert _notebook_scores(grades, "mistakes", "02_scalar_wrt_vector") == {
        "test_jacobian_shape": 1, "test_dloss_dyhat_shape": 1, "test_dloss_dyhat_values": 0}


def test_a_wrong_shape_earns_nothing_for_that_function(graded):
    _, grades = graded
    assert _notebook_scores(grades, "mistakes", "05_elementwise_nonlinearity") == {
        "test_jacobian_shape": 1, "test_da_dh_shape": 0, "test_da_dh_values": 0}


def test_hard_coded_visible_sizes_fail_the_hidden_tests(graded):
    course, grades = graded
    assert _notebook_scores(grades, "mistakes", "03_vector_wrt_matrix") == {
        "test_jacobian_shape": 1, "test_dyhat_dW_shape": 0, "test_dyhat_dW_values": 0}
    error = _error_output(course, "mistakes", "03_vector_wrt_matrix", "test_dyhat_dW_shape")
    assert error.ename == "JacobianCheckError"
    assert error.evalue.splitlines()[0] == (
        "A size looks typed in: your answer fits the notebook's sizes, not this test's.")
    assert ("On a hidden test (other sizes and random inputs, kept secret), dyhat_dW(W, x) "
            "returned an array of the wrong shape; expected (B, output_dim, output_dim, "
            "input_dim)." in error.evalue)


def test_an_infinite_loop_is_cut_off_and_the_rest_is_graded(graded):
    course, grades = graded
    assert _notebook_scores(grades, "mistakes", "01_scalar_wrt_scalar") == {
        "test_jacobian_shape": 0, "test_dloss_dyhat_shape": 1, "test_dloss_dyhat_values": 2}
    assert _total(grades, "mistakes") == 3 + 2 + 1 + 4 + 1
    error = _error_output(course, "mistakes", "01_scalar_wrt_scalar", "test_jacobian_shape")
    assert error.evalue == ("jacobian_shape(256) gave no answer: it did not return within 10 s.")


def test_warnings_on_stderr_do_not_cost_a_correct_answer_its_points(graded):
    _, grades = graded
    assert sum(_notebook_scores(grades, "tampering", "03_vector_wrt_matrix").values()) == 4


def test_a_deleted_test_cell_is_put_back_and_graded(graded):
    _, grades = graded
    wrong = grades[("tampering", "02_scalar_wrt_vector", "test_dloss_dyhat_values")]
    assert (wrong.score, wrong.needs_manual_grade) == (0, False)
    right = grades[("tampering", "04_scalar_wrt_matrix", "test_dloss_dW_values")]
    assert (right.score, right.needs_manual_grade) == (2, False)


def test_an_edited_test_cell_is_restored(graded):
    _, grades = graded
    assert _notebook_scores(grades, "tampering", "05_elementwise_nonlinearity") == {
        "test_jacobian_shape": 1, "test_da_dh_shape": 1, "test_da_dh_values": 0}


def _error_output(course: Path, student: str, notebook: str, grade_id: str):
    autograded = nbformat.read(
        course / "autograded" / student / ASSIGNMENT / f"{notebook}.ipynb", as_version=4)
    cell = next(c for c in autograded.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return next(o for o in cell.outputs if o.output_type == "error")
