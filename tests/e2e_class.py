"""The end-to-end class: three students whose notebooks each carry one scenario.

Built once per test session (``conftest.py``) and graded twice: by a serial
``nbgrader autograde`` and by ``python -m autograder grade``.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import nbformat
import numpy as np

from cases.jacobians import ASSIGNMENT
from course.answer_bank import answer, cell_text
from course.classroom import solution_answers, write_submission

CLASS_TIMEOUT = 5
"""The class's cell timeout, in seconds (the course's is 10): the infinite loop spins through
the cell's timeout, then through the grader's call, in both graders. The other cells take
milliseconds, so 5 s holds them on a loaded machine too."""

SIGN_FLIPPED = answer("scalar_wrt_vector", "forgot_minus").source
ELEMENTWISE_ONLY = answer("elementwise_nonlinearity", "elementwise_derivative").source
WRONG_SIGMOID = answer("elementwise_nonlinearity", "sigmoid_itself").source
HARD_CODED_SIZES = answer("vector_wrt_matrix", "document_hardcoded_output_dim").source


# Two cells that are no answers of the bank, which judges answers in its own process: one
# never returns, one writes warnings on stderr. Their cells are cut from this module.

def infinite_loop(B):
    while True:
        pass


def float32_with_warnings(W, x):
    warnings.warn("float32 on purpose", RuntimeWarning, stacklevel=1)
    _ = np.float32(1e38) * np.float32(10)   # a real NumPy overflow warning, too
    eye = np.eye(W.shape[0], dtype=np.float32)
    return np.einsum("ij,bk->bijk", eye, x.astype(np.float32))


INFINITE_LOOP = cell_text(sys.modules[__name__], "infinite_loop", "jacobian_shape")
WARNS_FLOAT32 = cell_text(sys.modules[__name__], "float32_with_warnings", "dyhat_dW")


def _answers(course: Path) -> dict[str, dict[str, dict[str, str]]]:
    """Three students; each notebook of a student carries its own scenario."""
    solutions = solution_answers(course, ASSIGNMENT)

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


def submit_class(course: Path) -> None:
    """Write the class's submissions into ``course`` (after generate_assignment)."""
    for student, answers in _answers(course).items():
        write_submission(course, ASSIGNMENT, student, answers)
    _edit_cells(course, "tampering", "02_scalar_wrt_vector", _delete("test_dloss_dyhat_values"))
    _edit_cells(course, "tampering", "04_scalar_wrt_matrix", _delete("test_dloss_dW_values"))
    _edit_cells(course, "tampering", "05_elementwise_nonlinearity",
                _replace_source("test_da_dh_values", "pass"))
