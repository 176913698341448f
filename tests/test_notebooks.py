"""The committed notebooks: in sync with their sources, and laid out as the contract says."""

from __future__ import annotations

import ast

import nbformat
import pytest

from autograder.verify.plan import plan_cell
from cases.registry import CASES
from course.content import TEXTS
from course.regenerate import GENERATED, normalize, render_course
from course.student_data import is_current, package_data
from course.workspace import ROOT

CHECKS = {"check_predicted_shape", "check_jacobian_shape", "check_jacobian_values"}


def committed(directory: str) -> dict[str, nbformat.NotebookNode]:
    """The committed notebooks of ``directory``, every assignment's, by
    ``"<assignment>/<file name>"``."""
    return {path.relative_to(ROOT / directory).as_posix(): normalize(
        nbformat.read(path, as_version=4))
        for path in sorted((ROOT / directory).glob("*/*.ipynb"))}


def notebook_of(directory: str, case) -> nbformat.NotebookNode:
    return committed(directory)[f"{case.assignment}/{case.notebook}.ipynb"]


def without_outputs(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


@pytest.mark.nbgrader
def test_source_release_and_solutions_are_in_sync(tmp_path):
    """Regenerated without executing the solutions (the class's solution student, graded
    end to end, shows they pass); compared without outputs."""
    rendered = render_course(tmp_path, execute_solutions=False)
    for directory in GENERATED:
        stale = [name for name, notebook in rendered[directory].items()
                 if without_outputs(committed(directory).get(name)) != without_outputs(notebook)]
        missing = set(committed(directory)) ^ set(rendered[directory])
        assert not stale and not missing, (
            f"{directory}/ is stale ({sorted(stale)}, {sorted(missing)}): "
            "run `make notebooks` and commit the result")


def test_the_student_package_stores_exactly_what_the_notebooks_checks_need():
    assert is_current(package_data(CASES.values())), (
        "student/jacobian_checks/cases.json or references.npz is stale: run `make notebooks`")


def nbgrader_cells(notebook):
    return [(cell, cell.metadata["nbgrader"]) for cell in notebook.cells
            if "nbgrader" in cell.metadata]


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_grade_ids_and_points_follow_the_contract(case):
    notebook = notebook_of("source", case)
    graded = [(meta["grade_id"], meta.get("points")) for _, meta in nbgrader_cells(notebook)
              if meta["grade"] or meta["solution"]]
    function, points = case.function, TEXTS[case.key].points
    assert graded == [
        ("jacobian_shape", None),
        ("test_jacobian_shape", points["predicted_shape"]),
        (function, None),
        (f"test_{function}_shape", points["shape"]),
        (f"test_{function}_values", points["values"]),
    ]


@pytest.mark.parametrize("directory", ["source", "release"])
def test_every_test_cell_fails_by_raising_never_by_its_last_value(directory):
    """nbgrader gives full credit to a test cell whose last expression is a falsy value such
    as ``False``: every statement of our test cells is an import or a call of a check that
    raises on failure and returns None."""
    for name, notebook in committed(directory).items():
        for cell, meta in nbgrader_cells(notebook):
            if not meta["grade"]:
                continue
            for statement in ast.parse(cell.source).body:
                if isinstance(statement, ast.ImportFrom):
                    assert statement.module == "jacobian_checks"
                    continue
                assert isinstance(statement, ast.Expr), f"{name}: {ast.unparse(statement)}"
                call = statement.value
                assert isinstance(call, ast.Call) and call.func.id in CHECKS, (
                    f"{name}/{meta['grade_id']}: {ast.unparse(statement)}")


def test_the_checks_return_none_so_a_test_cell_shows_no_value():
    case = CASES["scalar_wrt_vector"]
    from jacobian_checks import check_jacobian_shape, check_jacobian_values, check_predicted_shape

    def right(y, yhat):
        return (yhat - y)[:, None, :]

    assert check_predicted_shape(lambda B, D: (B, 1, D), case.key, **case.visible_sizes) is None
    assert check_jacobian_shape(right, case.key, **case.visible_sizes) is None
    assert check_jacobian_values(right, case.key, **case.visible_sizes) is None


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_release_has_no_solutions_and_its_tests_use_the_notebooks_sizes_only(case):
    notebook = notebook_of("release", case)
    text = "\n".join(cell.source for cell in notebook.cells)
    assert "BEGIN SOLUTION" not in text and "HIDDEN" not in text
    assert text.count("raise NotImplementedError()") == 2
    for cell, meta in nbgrader_cells(notebook):
        if meta["grade"]:
            planned = plan_cell(cell.source, meta["grade_id"])
            assert planned and all(check.sizes == case.visible_sizes for check in planned)


@pytest.mark.parametrize("directory", ["source", "release"])
def test_every_test_cell_can_be_verified_by_the_grader(directory):
    for name, notebook in committed(directory).items():
        for cell, meta in nbgrader_cells(notebook):
            if meta["grade"]:
                assert plan_cell(cell.source, f"{name}/{meta['grade_id']}")
