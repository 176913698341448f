"""What a student sees when running a release notebook's own test cells in a real kernel.

- A function right only at the sizes of its first call (each solution, wrapped to memorise its
  first call's argument sizes and answer the same on any others), and a ``jacobian_shape``
  that returns the notebook's shape as a constant, are rejected by the notebook's own checks:
  the second, public sizes catch them before grading, and ``Passed`` is never printed.
- An exception inside the student's own function shows their own line first: no frame of the
  test cell, the checks or NumPy, no "skipping hidden frames", and lines that fit the width.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from cases.case import Case
from cases.registry import CASES
from course.classroom import fill, solution_answers
from course.workspace import ROOT
from jacobian_checks.display import WIDTH

pytestmark = pytest.mark.nbgrader

FIRST_SIZES_ONLY = '''

_right_{name} = {name}
_first_{name} = {{}}


def {name}(*arguments):
    """Right at the sizes of its first call only; elsewhere, the answer it gave then."""
    sizes = tuple(a if np.ndim(a) == 0 else np.shape(a) for a in arguments)
    if _first_{name}.setdefault("sizes", sizes) == sizes:
        _first_{name}["answer"] = _right_{name}(*arguments)
    return _first_{name}["answer"]
'''


def first_sizes_only(solution: str, name: str) -> str:
    """The solution cell ``solution`` of function ``name``, wrapped as its docstring says."""
    return solution + FIRST_SIZES_ONLY.format(name=name)


def execute(notebook: nbformat.NotebookNode, folder: Path) -> None:
    NotebookClient(notebook, kernel_name="python3", timeout=120, allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()


def outputs_of(cell: nbformat.NotebookNode) -> tuple[list, str]:
    """A cell's error outputs and all it printed."""
    errors = [o for o in cell.outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    return errors, printed


def graded_cells_of(notebook: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in notebook.cells
            if cell.metadata.get("nbgrader", {}).get("grade")}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_a_solution_right_only_at_its_first_calls_sizes_never_passes(case: Case, tmp_path):
    answers = solution_answers(ROOT, case.assignment)[case.notebook]
    released = nbformat.read(ROOT / "release" / case.assignment / f"{case.notebook}.ipynb",
                             as_version=4)
    notebook = fill(released, {
        **answers,
        "jacobian_shape": first_sizes_only(answers["jacobian_shape"], "jacobian_shape"),
        case.function: first_sizes_only(answers[case.function], case.function)})
    tests = graded_cells_of(notebook)
    constant = tuple(case.jacobian_shape(case.visible_sizes))  # the notebook's, typed in
    notebook.cells += [nbformat.v4.new_code_cell(f"def jacobian_shape(*sizes):\n"
                                                 f"    return {constant}\n"),
                       nbformat.v4.new_code_cell(tests["test_jacobian_shape"].source)]
    execute(notebook, tmp_path)

    for cell in [*tests.values(), notebook.cells[-1]]:
        errors, printed = outputs_of(cell)
        assert errors and "Passed" not in printed, (case.key, cell.source)
        assert errors[0].ename == "JacobianCheckError", errors[0].evalue
        assert "On the check's second sizes" in errors[0].evalue, errors[0].evalue
    diagnosis = notebook.cells[-1].outputs[0].evalue.splitlines()[0]
    assert re.search(r"the notebook's .* typed in", diagnosis), diagnosis


def test_the_same_notebook_passes_with_the_solutions_unwrapped(tmp_path):
    """The wrapper alone makes the difference: unwrapped, every cell passes."""
    case = CASES["scalar_wrt_vector"]
    answers = solution_answers(ROOT, case.assignment)[case.notebook]
    released = nbformat.read(ROOT / "release" / case.assignment / f"{case.notebook}.ipynb",
                             as_version=4)
    notebook = fill(released, answers)
    execute(notebook, tmp_path)
    for cell in graded_cells_of(notebook).values():
        errors, printed = outputs_of(cell)
        assert not errors and printed.startswith("Passed: "), cell.source


BROKEN = '''\
def da_dh(h):
    s = 1 / (1 + np.exp(-h))
    return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[0]))
'''
"""An error in the student's own code, raised inside NumPy (``np.eye`` of the batch size)."""


def test_an_error_in_the_students_code_shows_their_own_line_first(tmp_path):
    case = CASES["elementwise_nonlinearity"]
    answers = solution_answers(ROOT, case.assignment)[case.notebook]
    released = nbformat.read(ROOT / "release" / case.assignment / f"{case.notebook}.ipynb",
                             as_version=4)
    notebook = fill(released, {**answers, "da_dh": BROKEN})
    execute(notebook, tmp_path)
    errors, _ = outputs_of(graded_cells_of(notebook)["test_da_dh_shape"])
    (error,) = errors
    assert error.ename == "ValueError"
    shown = [re.sub(r"\x1b\[[0-9;]*m", "", line) for part in error.traceback
             for line in part.split("\n")]
    text = "\n".join(shown)
    assert "einsumfunc" not in text and "skipping hidden" not in text, text
    assert "check_jacobian_shape" not in text and "jacobian_checks" not in text, text
    frames = [line for line in shown if re.match(r"(Cell In\[\d+\]|File )", line)]
    assert len(frames) == 1 and frames[0].endswith("in da_dh(h)"), text
    assert any(line.startswith("---->") and "np.einsum" in line for line in shown), text
    ending = shown[shown.index(next(line for line in shown if line.startswith("ValueError:"))):]
    assert all(len(line) <= WIDTH for line in ending), ending
    assert " ".join(" ".join(ending).split()).endswith(
        "This error was raised inside your function da_dh, called by the check with "
        "h (256, 10).")
