"""Adding a case is what the README says it is: one folder, listed in its assignment.

On a copy of this kit, a toy case (an elementwise cube, with points of its own) is added by the
README's steps: ``python -m course new-case jacobians cube`` writes its folder and lists it;
``make notebooks`` then refuses the skeleton, naming each file and what to write there; the
case's math (``math.py``) and text (``text.py``) are written; ``make notebooks`` builds it,
and the answer bank still refuses the skeleton's ``answers.py``, saying what it lacks. The
copy's own commands then generate, grade and report it, with no other change: the case's
folder and its assignment's list are the only files written by hand, and besides them only
the generated notebooks and the student package's data and version change. On copies of the
cases, a listed folder that is missing, a missing ``math.py`` or ``text.py``, and a missing
field are each refused with the file and what is missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.course_config import with_scripts_on_path
from autograder.scores import read_grades
from cases.jacobians import ASSIGNMENT
from course.workspace import ROOT

pytestmark = pytest.mark.nbgrader

KIT = ("autograder", "cases", "course", "student", "nbgrader_config.py", "pyproject.toml")
"""What of the repository the copy needs to build, grade and report a course."""

GENERATED = ("source/", "release/", "solutions/", "student/jacobian_checks/cases.json",
             "student/jacobian_checks/references.npz", "student/jacobian_checks/_version.py",
             "pyproject.toml")
"""What ``make notebooks`` writes: the notebooks, and the student package's data, version, and
the pin of that version."""

CUBE_MATH = '''\
"""Case ``cube``: ``a = h**3`` elementwise, with respect to ``h``."""

from __future__ import annotations

import numpy as np

from cases.case import Case
from jacobian_checks.layout import JacobianLayout


def cube(h: np.ndarray) -> np.ndarray:
    """Elementwise cube: ``(B, D) -> (B, D)``."""
    return h**3


CASE = Case(
    key="cube",
    assignment="jacobians",
    notebook="06_cube",
    title="Elementwise cube",
    function="da_dh",
    arguments=("h",),
    wrt="h",
    size_names=("B", "D"),
    input_shapes={"h": ("B", "D")},
    layout=JacobianLayout(batch=("B",), output=("D",), input=("D",)),
    kind="per_example",
    forward=cube,
    visible_sizes={"B": 8, "D": 5},
    second_sizes={"B": 3, "D": 7},
    hidden_sizes={"B": (3, 40), "D": (2, 13)},
    componentwise=True,
)
'''

CUBE_TEXT = """\
\"\"\"What the notebook of case ``cube`` says, and its solution cells.\"\"\"

from course.notebook_text import NotebookText

TEXT = NotebookText(
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

SUBMIT_GRADE_REPORT = """
import sys
from pathlib import Path
from autograder.cli import main
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
for command in (["grade", assignment, "--feedback"], ["report", assignment]):
    if main(command) != 0:
        sys.exit(f"python -m autograder {' '.join(command)} failed")
"""
"""A class submits the toy notebook, and the copy's ``python -m autograder grade --feedback``
and ``report`` run, in one Python (saving the imports of two more)."""


def files(kit: Path) -> dict[str, str]:
    """Every file of the kit, by path relative to it, with the SHA-256 of its content."""
    return {path.relative_to(kit).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(kit.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts}


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """A copy of the kit, the toy case added by the README's steps, and a class graded; what
    each step printed, and the files before and after, in ``kit.steps``."""
    kit = tmp_path_factory.mktemp("kit") / "kit"
    for name in KIT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, kit / name, ignore=shutil.ignore_patterns(
                "__pycache__", "build", "*.egg-info"))
        else:
            kit.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, kit / name)
    before = files(kit)
    steps = {"new-case": in_kit(kit, "-m", "course", "new-case", ASSIGNMENT, "cube"),
             "skeleton": in_kit(kit, "-m", "course.regenerate", check=False)}
    (kit / "cases/jacobians/cube/math.py").write_text(CUBE_MATH)
    steps["math written"] = in_kit(kit, "-m", "course.regenerate", check=False)
    (kit / "cases/jacobians/cube/text.py").write_text(CUBE_TEXT)
    steps["make notebooks"] = in_kit(kit, "-m", "course.regenerate")
    changed = {path for path, digest in files(kit).items() if before.get(path) != digest}
    (kit / "changes.json").write_text(json.dumps({
        "steps": {name: [result.returncode, result.stdout, result.stderr]
                  for name, result in steps.items()},
        "changed": sorted(changed), "removed": sorted(set(before) - set(files(kit)))}))
    in_kit(kit, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force")
    in_kit(kit, "-c", SUBMIT_GRADE_REPORT, ASSIGNMENT)
    return kit


def in_kit(kit: Path, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run this interpreter in ``kit`` with the kit's own packages first on its path."""
    env = with_scripts_on_path()
    env["PYTHONPATH"] = os.pathsep.join([str(kit), str(kit / "student")])
    result = subprocess.run([sys.executable, *arguments], cwd=kit, env=env,
                            capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, (arguments, result.stdout[-3000:], result.stderr[-3000:])
    return result


def changes(kit: Path) -> dict:
    return json.loads((kit / "changes.json").read_text())


def test_new_case_writes_one_folder_and_lists_it_last(kit):
    code, printed, _ = changes(kit)["steps"]["new-case"]
    assert code == 0 and "cases/jacobians/cube/" in printed and "make notebooks" in printed
    listing = (kit / "cases/jacobians/__init__.py").read_text()
    assert '"elementwise_nonlinearity", "cube")' in " ".join(listing.split())


def test_an_incomplete_case_is_refused_naming_the_file_and_what_to_write(kit):
    steps = changes(kit)["steps"]
    code, _, error = steps["skeleton"]
    last = error.strip().splitlines()[-1]
    assert code != 0 and last.startswith(
        "cases.registry.CaseError: cases/jacobians/cube/math.py: case 'cube': title is still "
        "the template's placeholder: write the notebook's title")
    for field in ("function", "layout", "forward"):
        assert f"{field} is still the template's placeholder: write " in last
    code, _, error = steps["math written"]
    last = error.strip().splitlines()[-1]
    assert code != 0 and last.startswith(
        "cases.registry.CaseError: cases/jacobians/cube/text.py: math is still the template's "
        "placeholder: write the function, in LaTeX")


def test_the_skeletons_answers_are_refused_naming_the_file_and_what_they_lack(kit):
    """After ``make notebooks``, the answers are the one part of the skeleton left: the bank
    refuses them, naming ``answers.py`` and how many answers of each kind are missing."""
    result = in_kit(kit, "-c", "from course.answer_bank import case_answers\n"
                    "case_answers('cube')", check=False)
    last = result.stderr.strip().splitlines()[-1]
    assert result.returncode != 0 and last.startswith(
        "course.answer_bank.cells.BankError: cases/jacobians/cube/answers.py has 2 right "
        "answers (at least 15: functions under @right)")


@pytest.fixture(scope="module")
def cases_copy(tmp_path_factory) -> Path:
    """A copy of the cases, the student package and the course builder, to break."""
    copy = tmp_path_factory.mktemp("cases") / "kit"
    for name in ("cases", "course", "student"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns(
            "__pycache__", "build", "*.egg-info"))
    return copy


@pytest.mark.parametrize(("breakage", "message"), [
    ("listed_without_folder",
     "cases/jacobians/__init__.py lists the case 'ghost', but there is no folder "
     "cases/jacobians/ghost/: write its skeleton with `python -m course new-case jacobians "
     "ghost`"),
    ("no_math",
     "cases/jacobians/scalar_wrt_vector/math.py is missing: it defines CASE = Case(...), the "
     "case's math (`python -m course new-case jacobians scalar_wrt_vector` writes a skeleton)"),
    ("field_missing", "cases/jacobians/scalar_wrt_vector/math.py: "),
    ("no_text",
     "cases/jacobians/scalar_wrt_vector/text.py is missing: it defines TEXT = "
     "NotebookText(...), what the notebook says (`python -m course new-case jacobians "
     "scalar_wrt_vector` writes a skeleton)"),
])
def test_an_incomplete_case_names_the_file_and_what_is_missing(cases_copy, tmp_path, breakage,
                                                               message):
    kit = tmp_path / "kit"
    shutil.copytree(cases_copy, kit)
    folder = kit / "cases" / "jacobians" / "scalar_wrt_vector"
    if breakage == "listed_without_folder":
        listing = kit / "cases" / "jacobians" / "__init__.py"
        listing.write_text(listing.read_text().replace("CASE_FOLDERS = (",
                                                       'CASE_FOLDERS = ("ghost", '))
    elif breakage == "no_math":
        (folder / "math.py").unlink()
    elif breakage == "field_missing":
        math = folder / "math.py"
        kept = [line for line in math.read_text().splitlines(keepends=True)
                if not line.lstrip().startswith("layout=")]
        math.write_text("".join(kept))
    else:
        (folder / "text.py").unlink()
    result = in_kit(kit, "-c", "import course.content", check=False)
    last = result.stderr.strip().splitlines()[-1]
    assert result.returncode != 0 and last.startswith(f"cases.registry.CaseError: {message}")
    if breakage == "field_missing":
        assert "layout" in last.removeprefix(message)


def test_adding_a_case_touches_only_its_folder_the_list_and_what_is_generated(kit):
    found = changes(kit)
    assert not found["removed"]
    by_hand = [path for path in found["changed"] if not path.startswith(GENERATED)]
    assert sorted(by_hand) == ["cases/jacobians/__init__.py",
                               *(f"cases/jacobians/cube/{name}" for name in (
                                   "__init__.py", "answers.py", "math.py", "text.py"))]
    assert {"source/jacobians/06_cube.ipynb", "student/jacobian_checks/cases.json",
            "student/jacobian_checks/references.npz"} <= set(found["changed"])


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
    assert set(np.load(kit / "student/jacobian_checks/references.npz").files) >= {
        "cube|B=8,D=5", "cube|B=3,D=7"}


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
