"""What students receive: the bundle holds the release notebooks, a wheel of the checks that
needs NumPy alone, and nothing of the grader; the wheel alone runs every notebook's tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course.bundle import bundle_folder, write_bundle
from course.classroom import fill, solution_answers
from course.workspace import ROOT
from jacobian_checks.cases import ASSIGNMENTS
from jacobian_checks.verdicts import describe_inputs

pytestmark = pytest.mark.nbgrader


@pytest.fixture(scope="module", params=list(ASSIGNMENTS))
def bundle(request, tmp_path_factory) -> Path:
    """The unzipped bundle of one assignment."""
    assignment = request.param
    directory = tmp_path_factory.mktemp("bundle")
    with zipfile.ZipFile(write_bundle(assignment, directory / "bundle.zip")) as archive:
        archive.extractall(directory)
    return directory / bundle_folder(assignment)


def assignment_of(bundle: Path) -> str:
    return bundle.name.removesuffix("-student")


def wheel_of(bundle: Path) -> Path:
    (wheel,) = bundle.glob("jacobian_checks-*.whl")
    return wheel


def test_the_bundle_holds_the_notebooks_the_wheel_and_what_to_read(bundle):
    names = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())
    assignment = assignment_of(bundle)
    release = sorted(f"{assignment}/{p.name}" for p in (ROOT / "release" / assignment).glob("*"))
    assert names == sorted([*release, wheel_of(bundle).name, "README.md", "course-document.md",
                            "nbgrader_config.py", "requirements.txt"])
    assert f"pip install {wheel_of(bundle).name}" in (bundle / "README.md").read_text()


def test_the_wheel_needs_numpy_alone_and_holds_nothing_of_the_grader(bundle):
    with zipfile.ZipFile(wheel_of(bundle)) as wheel:
        files = wheel.namelist()
        metadata = wheel.read(next(f for f in files if f.endswith("METADATA"))).decode()
        sources = "\n".join(wheel.read(f).decode() for f in files if f.endswith(".py"))
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist")]
    assert requires == ["Requires-Dist: numpy>=1.24"]
    package = {f for f in files if not f.startswith("jacobian_checks-")}
    assert package and all(f.startswith("jacobian_checks/") for f in package)
    assert "jacobian_checks/references.npz" in package
    modules = {Path(f).stem for f in package}
    assert not modules & {"finite_diff", "references_grader", "hidden", "course_secret"}
    assert not re.search(r"^\s*(?:from|import) autograder|^def (?:numerical_jacobian|"
                         r"reference_jacobian|hidden_runs)\b|BEGIN SOLUTION", sources, re.M)


def test_the_wheel_alone_runs_every_release_notebooks_tests(bundle, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--disable-pip-version-check", "--target", str(target),
                    str(wheel_of(bundle))], check=True)
    env = {**os.environ, "PYTHONPATH": str(target)}  # before the environment's own packages
    answers = solution_answers(ROOT, assignment_of(bundle))
    for path in sorted((bundle / assignment_of(bundle)).glob("*.ipynb")):
        notebook = fill(nbformat.read(path, as_version=4), answers[path.stem])
        notebook.cells.append(nbformat.v4.new_code_cell(
            "import jacobian_checks; print(jacobian_checks.__file__)"))
        NotebookClient(notebook, kernel_name="python3", timeout=60, allow_errors=True,
                       resources={"metadata": {"path": str(tmp_path)}}).execute(env=env)
        errors = [o for c in notebook.cells for o in c.get("outputs", [])
                  if o.output_type == "error"]
        assert not errors, (path.name, errors[0].evalue)
        assert notebook.cells[-1].outputs[0].text.startswith(str(target)), path.name


def test_nbgrader_validate_in_the_bundle_prints_readable_lines_and_no_kernel_warning(bundle,
                                                                                     tmp_path):
    """``nbgrader validate`` run in the unzipped folder reads the bundle's configuration:
    every line, separators included, fits nbgrader's width of 90, none is cut, and a
    twice-too-large answer's message, longer than a line, comes whole, wrapped."""
    assignment = assignment_of(bundle)
    case, message = max(((case, f"{case.function}({', '.join(case.arguments)}) returned the "
                          "right shape but wrong values (inputs: "
                          f"{describe_inputs(case, case.visible_sizes)}).")
                         for case in ASSIGNMENTS[assignment]), key=lambda pair: len(pair[1]))
    assert len(message) > 90
    answers = solution_answers(ROOT, assignment)[case.notebook]
    twice = (f"{answers[case.function]}\n\n_right = {case.function}\n\n\n"
             f"def {case.function}(*arguments):\n    return 2 * _right(*arguments)\n")
    notebook = tmp_path / f"{case.notebook}.ipynb"
    released = nbformat.read(bundle / assignment / notebook.name, as_version=4)
    nbformat.write(fill(released, {**answers, case.function: twice}), notebook)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(notebook)],
                            cwd=bundle, env=env, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert "VALIDATION FAILED" in output, output[-2000:]
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 90, max(lines, key=len)
    assert not [line for line in lines if line.endswith("...")], output  # nothing cut
    assert " ".join(message.split()) in " ".join(output.split())
    assert "without encryption" not in output and "| WARNING]" not in output, output[-2000:]
