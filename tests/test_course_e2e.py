"""End to end with the real nbgrader: a class graded by `nbgrader autograde` in real kernels.

One class is autograded once (module fixture); each test reads the verdict on one student.
Points per notebook: test_jacobian_shape 1, test_<function>_shape 1, test_<function>_values 2.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder.course_config import gradebook_url
from autograder.scores import GradeRow, read_grades
from course.classroom import solution_answers, write_submission
from course.notebooks import ASSIGNMENT
from course.workspace import new_course_dir, run

pytestmark = pytest.mark.nbgrader

SIGN_FLIPPED = '''\
def dloss_dyhat(y, yhat):
    return np.einsum("i,bj->bij", np.ones(1), y - yhat)
'''
ELEMENTWISE_ONLY = '''\
def da_dh(h):
    s = 1 / (1 + np.exp(-h))
    return s * (1 - s)
'''
WRONG_SIGMOID = '''\
def da_dh(h):
    s = 1 / (1 + np.exp(-h))
    return np.einsum("bi,ij->bij", s, np.eye(h.shape[1]))
'''
HARD_CODED_SIZES = '''\
def dyhat_dW(W, x):
    output_dim = 10
    return np.einsum("ij,bk->bijk", np.eye(output_dim), x)
'''
INFINITE_LOOP = '''\
def jacobian_shape(B):
    while True:
        pass
'''
WARNS_FLOAT32 = '''\
import warnings

def dyhat_dW(W, x):
    warnings.warn("float32 on purpose", RuntimeWarning)
    np.float32(1e38) * np.float32(10)   # a real NumPy overflow warning, too
    eye = np.eye(W.shape[0], dtype=np.float32)
    return np.einsum("ij,bk->bijk", eye, x.astype(np.float32))
'''


def _answers(course: Path) -> dict[str, dict[str, dict[str, str]]]:
    """Three students; each notebook of a student carries its own scenario."""
    solutions = solution_answers(course)

    def but(*changes: tuple[str, str, str]) -> dict[str, dict[str, str]]:
        answers = {name: dict(cells) for name, cells in solutions.items()}
        for notebook, grade_id, source in changes:
            answers[notebook][grade_id] = source
        return answers

    return {
        "solution": solutions,
        "untouched": {},
        "mistakes": but(
            ("01_scalar_wrt_scalar", "jacobian_shape", INFINITE_LOOP),
            ("02_scalar_wrt_vector", "dloss_dyhat", SIGN_FLIPPED),
            ("03_vector_wrt_matrix", "dyhat_dW", HARD_CODED_SIZES),
            ("05_elementwise_nonlinearity", "da_dh", ELEMENTWISE_ONLY)),
        "tampering": but(
            ("02_scalar_wrt_vector", "dloss_dyhat", SIGN_FLIPPED),  # and its test deleted
            ("03_vector_wrt_matrix", "dyhat_dW", WARNS_FLOAT32),
            # 04: right answer, its values test deleted
            ("05_elementwise_nonlinearity", "da_dh", WRONG_SIGMOID)),  # and its test edited
    }


def _edit_cells(course: Path, student: str, notebook: str, edit) -> None:
    path = course / "submitted" / student / ASSIGNMENT / f"{notebook}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells = [cell for cell in map(edit, nb.cells) if cell is not None]
    nbformat.write(nb, path)


def _delete(grade_id):
    return lambda cell: None if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id \
        else cell


def _replace_source(grade_id, source):
    def edit(cell):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
        return cell
    return edit


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, dict[tuple[str, str, str], GradeRow]]:
    course = new_course_dir(tmp_path_factory.mktemp("e2e") / "course")
    run(course, "nbgrader", "generate_assignment", ASSIGNMENT)
    for student, answers in _answers(course).items():
        write_submission(course, student, answers)
    _edit_cells(course, "tampering", "02_scalar_wrt_vector", _delete("test_dloss_dyhat_values"))
    _edit_cells(course, "tampering", "04_scalar_wrt_matrix", _delete("test_dloss_dW_values"))
    _edit_cells(course, "tampering", "05_elementwise_nonlinearity",
                _replace_source("test_da_dh_values", "pass"))
    run(course, "nbgrader", "autograde", ASSIGNMENT)
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
    assert "returned an array of shape (13, 10, 10, 7)" in error.evalue


def test_an_infinite_loop_is_cut_off_and_the_rest_is_graded(graded):
    course, grades = graded
    assert _notebook_scores(grades, "mistakes", "01_scalar_wrt_scalar") == {
        "test_jacobian_shape": 0, "test_dloss_dyhat_shape": 1, "test_dloss_dyhat_values": 2}
    assert _total(grades, "mistakes") == 3 + 2 + 1 + 4 + 1
    error = _error_output(course, "mistakes", "01_scalar_wrt_scalar", "test_jacobian_shape")
    assert error.ename in ("KeyboardInterrupt", "CellTimeoutError")


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
