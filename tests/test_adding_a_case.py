"""Adding a case is what the README says it is.

A toy case (an elementwise cube, with points of its own) is added to a copy of this kit by the
README's steps -- a ``Case`` at the end of its assignment's module, a ``NotebookText`` in the
assignment's texts, ``make notebooks`` -- and the copy's own commands then generate it, grade
it and report it, with no other change.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.scores import read_grades
from course.workspace import ROOT
from jacobian_checks.assignments.jacobians import ASSIGNMENT

pytestmark = pytest.mark.nbgrader

KIT = ("autograder", "course", "student", "nbgrader_config.py")
"""What of the repository the copy needs to build, grade and report a course."""

TOY_CASE = '''

def _cube(h: np.ndarray) -> np.ndarray:
    """Elementwise cube: ``(B, D) -> (B, D)``."""
    return h**3


CUBE = Case(
    key="cube",
    assignment=ASSIGNMENT,
    notebook="06_cube",
    title="Elementwise cube",
    function="da_dh",
    arguments=("h",),
    wrt="h",
    size_names=("B", "D"),
    layout=JacobianLayout(batch=("B",), output=("D",), input=("D",)),
    kind="per_example",
    forward=_cube,
    input_shapes={"h": ("B", "D")},
    visible_sizes={"B": 8, "D": 5},
    second_sizes={"B": 3, "D": 7},
    componentwise=True,
)

CASES = (*CASES, CUBE)
'''

TOY_TEXT = """

TEXTS["cube"] = NotebookText(
    math="**The function.** $a_i = h_i^3$ for each entry of `h`, of shape `(B, D)`.",
    shape_hint="## 1. Shape analysis\\n\\nComplete `jacobian_shape(B, D)`.",
    jacobian_shape='''\\
def jacobian_shape(B, D):
    ### BEGIN SOLUTION
    return (B, D, D)
    ### END SOLUTION''',
    code_hint="## 2. Code the Jacobian\\n\\nWrite `da_dh(h)`.",
    function='''\\
def da_dh(h):
    ### BEGIN SOLUTION
    return np.einsum("bi,ij->bij", 3 * h**2, np.eye(h.shape[1]))
    ### END SOLUTION''',
    points={"predicted_shape": 2, "shape": 1, "values": 3},
)
"""

SUBMIT = """
import sys
from pathlib import Path
from course.classroom import solution_answers, write_submission
course, assignment = Path("."), sys.argv[1]
right = solution_answers(course, assignment)["06_cube"]
answers = {
    "right": right,
    "diagonal-only": {**right, "da_dh": "def da_dh(h):\\n    return 3 * h**2\\n"},
    "blank": {},
}
for student, cells in answers.items():
    folder = write_submission(course, assignment, student, {"06_cube": cells})
    for notebook in folder.glob("*.ipynb"):
        if notebook.stem != "06_cube":
            notebook.unlink()  # a missing notebook scores 0 without running
"""


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """A copy of the kit with the toy case added, regenerated, and a class graded."""
    kit = tmp_path_factory.mktemp("kit") / "kit"
    for name in KIT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, kit / name, ignore=shutil.ignore_patterns(
                "__pycache__", "build", "*.egg-info"))
        else:
            kit.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, kit / name)
    with open(kit / "student/jacobian_checks/assignments/jacobians.py", "a") as module:
        module.write(TOY_CASE)
    with open(kit / "course/content/jacobians.py", "a") as module:
        module.write(TOY_TEXT)
    in_kit(kit, "-m", "course.regenerate")  # make notebooks
    in_kit(kit, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force")  # release/ is there
    in_kit(kit, "-c", SUBMIT, ASSIGNMENT)
    in_kit(kit, "-m", "autograder", "grade", ASSIGNMENT, "--feedback")
    in_kit(kit, "-m", "autograder", "report", ASSIGNMENT)
    return kit


def in_kit(kit: Path, *arguments: str) -> None:
    """Run this interpreter in ``kit`` with the kit's own packages first on its path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(kit), str(kit / "student")])
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    result = subprocess.run([sys.executable, *arguments], cwd=kit, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (arguments, result.stdout[-3000:], result.stderr[-3000:])


def test_make_notebooks_builds_the_toy_notebook_with_its_points(kit):
    source = nbformat.read(kit / "source" / ASSIGNMENT / "06_cube.ipynb", as_version=4)
    points = {cell.metadata.nbgrader["grade_id"]: cell.metadata.nbgrader.get("points")
              for cell in source.cells if cell.metadata.get("nbgrader", {}).get("grade")}
    assert points == {"test_jacobian_shape": 2, "test_da_dh_shape": 1, "test_da_dh_values": 3}
    release = (kit / "release" / ASSIGNMENT / "06_cube.ipynb").read_text()
    assert "BEGIN SOLUTION" not in release and "raise NotImplementedError()" in release
    assert (kit / "solutions" / ASSIGNMENT / "06_cube.ipynb").exists()
    stored = json.loads((kit / "student/jacobian_checks/cases.json").read_text())["cases"]
    assert set(stored["cube"]["runs"]) == {"cube|B=8,D=5", "cube|B=3,D=7"}
    assert set(__import__("numpy").load(kit / "student/jacobian_checks/references.npz").files
               ) >= {"cube|B=8,D=5", "cube|B=3,D=7"}


def test_the_toy_case_is_graded_with_its_points_and_its_diagnosis(kit):
    rows = read_grades(f"sqlite:///{kit / 'gradebook.db'}", ASSIGNMENT)
    scores = {(row.student, row.cell): (row.score, row.max_score) for row in rows
              if row.notebook == "06_cube"}
    assert scores == {
        ("right", "test_jacobian_shape"): (2, 2), ("right", "test_da_dh_shape"): (1, 1),
        ("right", "test_da_dh_values"): (3, 3),
        ("diagonal-only", "test_jacobian_shape"): (2, 2),
        ("diagonal-only", "test_da_dh_shape"): (0, 1),
        ("diagonal-only", "test_da_dh_values"): (0, 3),
        ("blank", "test_jacobian_shape"): (0, 2), ("blank", "test_da_dh_shape"): (0, 1),
        ("blank", "test_da_dh_values"): (0, 3)}
    graded = nbformat.read(kit / "autograded/diagonal-only" / ASSIGNMENT / "06_cube.ipynb",
                           as_version=4)
    records = [cell.metadata.get("autograder", {}) for cell in graded.cells]
    assert {record.get("diagnosis") for record in records if record} >= {
        "elementwise_instead_of_diagonal"}
    feedback = (kit / "feedback/diagonal-only" / ASSIGNMENT / "06_cube.html").read_text()
    assert "it looks like the elementwise derivative, only the diagonal" in feedback


def test_the_report_shows_the_toy_case(kit):
    page = (kit / "reports" / f"{ASSIGNMENT}.html").read_text()
    assert "06_cube" in page
    cells = (kit / "reports" / f"{ASSIGNMENT}-cells.csv").read_text()
    assert "06_cube" in cells
