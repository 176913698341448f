"""What students receive: the bundle holds the release notebooks, a wheel of the checks that
needs NumPy alone, and nothing of the grader; the wheel alone runs every notebook's tests.
The course text is a read-only notebook; the student's JupyterLab, started as the README says,
leaves out nbgrader's instructor tools and keeps Validate; every file carries the build date;
and the wheel's version goes up with its cases and references, so that pip upgrades it."""

from __future__ import annotations

import calendar
import datetime
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from packaging.version import Version

from autograder.course_config import with_scripts_on_path
from cases.case import Case
from cases.registry import ASSIGNMENTS, CASES
from course.bundle import LAB_CONFIG, build_date, build_wheel, bundle_folder, write_bundle
from course.classroom import fill, solution_answers
from course.course_text import COURSE_TEXT, sections
from course.documents import student_document
from course.literals import literal_assignments
from course.package_version import (
    REFERENCES,
    STUDENT,
    is_current,
    record_version,
    recorded,
    require_current,
)
from course.student_data import package_data, write_package_data
from course.workspace import ROOT
from jacobian_checks.layout import JacobianLayout
from jacobian_checks.verdicts import describe_inputs
from tests.student_lab import http_status, install_wheel, page_config, student_lab

pytestmark = pytest.mark.nbgrader


@pytest.fixture(scope="module", params=list(ASSIGNMENTS))
def bundle(request, tmp_path_factory) -> Path:
    """The unzipped bundle of one assignment."""
    assignment = request.param
    directory = tmp_path_factory.mktemp("bundle")
    with pytest.MonkeyPatch.context() as environment:
        environment.delenv("SOURCE_DATE_EPOCH", raising=False)  # dated now
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
    assert names == sorted([*release, wheel_of(bundle).name, "README.md", COURSE_TEXT,
                            "nbgrader_config.py", LAB_CONFIG.name, "requirements.txt"])
    readme = (bundle / "README.md").read_text()
    assert f"pip install {wheel_of(bundle).name}" in readme
    assert f"Double-click `{COURSE_TEXT}`" in readme and "## Upgrade" in readme


def test_the_wheel_needs_numpy_alone_and_holds_nothing_of_the_grader(bundle):
    with zipfile.ZipFile(wheel_of(bundle)) as wheel:
        files = wheel.namelist()
        metadata = wheel.read(next(f for f in files if f.endswith("METADATA"))).decode()
        sources = "\n".join(wheel.read(f).decode() for f in files if f.endswith(".py"))
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist")]
    assert requires == ["Requires-Dist: numpy>=1.24"]
    package = {f for f in files if not f.startswith("jacobian_checks-")}
    assert package and all(f.startswith("jacobian_checks/") for f in package)
    assert {"jacobian_checks/references.npz", "jacobian_checks/cases.json"} <= package
    modules = {Path(f).stem for f in package}
    assert not modules & {"finite_diff", "references_grader", "hidden", "course_secret"}
    assert not re.search(r"^\s*(?:from|import) autograder|^def (?:numerical_jacobian|"
                         r"reference_jacobian|hidden_runs)\b|BEGIN SOLUTION", sources, re.M)


def test_the_wheel_alone_runs_every_release_notebooks_tests(bundle, tmp_path):
    target = tmp_path / "site"
    install_wheel(bundle, target)
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


def values_message(case: Case) -> str:
    """What the checks say of a right-shaped answer with wrong values, at the visible sizes."""
    return (f"{case.function}({', '.join(case.arguments)}) returned the right shape but wrong "
            f"values (inputs: {describe_inputs(case, case.visible_sizes)}).")


LONGEST_MESSAGE = max(CASES.values(), key=lambda case: len(values_message(case)))
"""The case whose values message is the longest of the course's."""


@pytest.mark.parametrize("bundle", [LONGEST_MESSAGE.assignment], indirect=True)
def test_nbgrader_validate_in_the_bundle_prints_readable_lines_and_no_kernel_warning(bundle,
                                                                                     tmp_path):
    """``nbgrader validate`` run in the unzipped folder reads the bundle's configuration:
    every line, separators included, fits nbgrader's width of 90, none is cut, and a
    twice-too-large answer's message, longer than a line, comes whole, wrapped. On the case
    whose message is the longest of the course, in its bundle (every bundle has the same
    ``nbgrader_config.py``)."""
    assignment = assignment_of(bundle)
    case = LONGEST_MESSAGE
    message = values_message(case)
    assert len(message) > 90
    answers = solution_answers(ROOT, assignment)[case.notebook]
    twice = (f"{answers[case.function]}\n\n_right = {case.function}\n\n\n"
             f"def {case.function}(*arguments):\n    return 2 * _right(*arguments)\n")
    notebook = tmp_path / f"{case.notebook}.ipynb"
    released = nbformat.read(bundle / assignment / notebook.name, as_version=4)
    nbformat.write(fill(released, {**answers, case.function: twice}), notebook)
    result = subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(notebook)],
                            cwd=bundle, env=with_scripts_on_path(), capture_output=True,
                            text=True, timeout=300)
    output = result.stdout + result.stderr
    assert "VALIDATION FAILED" in output, output[-2000:]
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 90, max(lines, key=len)
    assert not [line for line in lines if line.endswith("...")], output  # nothing cut
    assert " ".join(message.split()) in " ".join(output.split())
    assert "without encryption" not in output and "| WARNING]" not in output, output[-2000:]


def test_the_course_text_is_the_assignments_document_in_read_only_markdown_cells(bundle):
    notebook = nbformat.read(bundle / COURSE_TEXT, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"  # opens without a kernel dialog
    assert notebook.cells and all(
        cell.cell_type == "markdown" and cell.metadata.get("editable") is False
        and cell.metadata.get("deletable") is False for cell in notebook.cells)
    text = "\n".join(cell.source for cell in notebook.cells)
    assert text.split() == student_document(assignment_of(bundle)).split()  # all of it, in order
    assert all(cell.source.startswith("#") for cell in notebook.cells[1:])


def test_a_heading_starts_a_section_but_a_hash_in_a_code_block_does_not():
    markdown = ("Before $x$.\n# One\ntext\n```python\n# a comment\nx = 1\n```\n~~~\n"
                "## not a heading\n~~~\n## Two\n$$y$$")
    assert sections(markdown) == [
        "Before $x$.",
        "# One\ntext\n```python\n# a comment\nx = 1\n```\n~~~\n## not a heading\n~~~",
        "## Two\n$$y$$"]


LAB = literal_assignments(LAB_CONFIG)
INSTRUCTOR_PLUGINS = set(LAB["INSTRUCTOR_PLUGINS"])
EXCHANGE_PLUGINS = set(LAB["EXCHANGE_PLUGINS"])


def test_the_lab_settings_name_nbgraders_real_plugins_and_server_extensions():
    """A misspelt name would hide nothing and break nothing: check each against nbgrader."""
    from importlib.util import find_spec

    from jupyter_core.paths import jupyter_path

    (static,) = {path for folder in jupyter_path("labextensions")
                 for path in Path(folder).glob("@jupyter/nbgrader/static")}
    code = "".join(path.read_text() for path in static.glob("*.js"))
    for plugin in INSTRUCTOR_PLUGINS | EXCHANGE_PLUGINS:
        assert f'"{plugin}"' in code, plugin
    for module in [*LAB["INSTRUCTOR_SERVER_EXTENSIONS"], *LAB["EXCHANGE_SERVER_EXTENSIONS"]]:
        assert find_spec(module) is not None, module


@pytest.mark.parametrize("bundle", ["jacobians"], indirect=True)
def test_the_students_jupyterlab_leaves_out_the_instructors_tools_and_keeps_validate(
        bundle, tmp_path):
    """Started as the README says, the bundle's JupyterLab disables nbgrader's Formgrader and
    Create Assignment, and the Assignments and Courses tabs when nbgrader's exchange does not
    exist; Validate works. Plain ``jupyter lab`` has them all: the bundle's file does it."""
    settings = tmp_path / "nbgrader-settings"  # where this machine's exchange is, explicitly
    settings.mkdir()
    exchange = tmp_path / "exchange"
    (settings / "nbgrader_config.py").write_text(f"c.Exchange.root = {str(exchange)!r}\n")
    env = {"JUPYTER_CONFIG_PATH": str(settings)}
    notebook = sorted((bundle / "jacobians").glob("*.ipynb"))[0].relative_to(bundle)
    with student_lab(bundle, tmp_path, env=env) as url:
        disabled = set(page_config(url)["disabledExtensions"])
        assert INSTRUCTOR_PLUGINS | EXCHANGE_PLUGINS <= disabled
        assert [http_status(f"{url}/{route}") for route in ("formgrader", "assignments",
                                                            "courses")] == [404, 404, 404]
        validated = urllib.request.urlopen(f"{url}/assignments/validate", data=urllib.parse.
                                           urlencode({"path": notebook.as_posix()}).encode(),
                                           timeout=300).read().decode()
        assert '"success": true' in validated and "NotImplementedError" in validated
    exchange.mkdir()
    with student_lab(bundle, tmp_path, env=env) as url:  # with an exchange, its tabs stay
        disabled = set(page_config(url)["disabledExtensions"])
        assert INSTRUCTOR_PLUGINS <= disabled and not EXCHANGE_PLUGINS & disabled
        assert http_status(f"{url}/formgrader") == 404
        assert http_status(f"{url}/assignments") != 404
    with student_lab(bundle, tmp_path, readme_command=False, env=env) as url:
        assert not INSTRUCTOR_PLUGINS & set(page_config(url)["disabledExtensions"])
        assert http_status(f"{url}/formgrader") != 404


def test_every_file_of_the_bundle_carries_the_date_it_was_built(bundle):
    archive = bundle.parent / "bundle.zip"
    with zipfile.ZipFile(archive) as bundled:
        (date,) = {entry.date_time for entry in bundled.infolist()}
    written = datetime.datetime.fromtimestamp(archive.stat().st_mtime)  # local, as the dates
    assert datetime.timedelta(0) <= written - datetime.datetime(*date) <= datetime.timedelta(
        minutes=10)


def test_source_date_epoch_dates_a_bundle_that_is_the_same_byte_for_byte(tmp_path,
                                                                         monkeypatch):
    date = (2027, 3, 4, 5, 6, 8)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(calendar.timegm((*date, 0, 0, 0))))
    first = write_bundle("jacobians", tmp_path / "first.zip")
    second = write_bundle("jacobians", tmp_path / "second.zip")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as bundled:
        assert {entry.date_time for entry in bundled.infolist()} == {date}
    assert build_date({"SOURCE_DATE_EPOCH": "0"}) == (1980, 1, 1, 0, 0, 0)  # a zip's earliest


def test_the_recorded_version_is_that_of_the_cases_and_references_and_of_the_wheel(bundle):
    assert is_current(), "the cases or references changed: run `make notebooks`"
    version = recorded().version
    assert f'"jacobian-checks=={version}"' in (ROOT / "pyproject.toml").read_text()
    assert wheel_of(bundle).name == f"jacobian_checks-{version}-py3-none-any.whl"


@pytest.fixture()
def student_copy(tmp_path) -> Path:
    """A copy of the student package's project folder, and a ``pyproject.toml`` pinning it."""
    copy = tmp_path / "student"
    shutil.copytree(STUDENT, copy, ignore=shutil.ignore_patterns(
        "build", "*.egg-info", "__pycache__"))
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    return copy


def test_changed_references_raise_the_version_and_rewritten_ones_do_not(student_copy):
    pyproject = student_copy.parent / "pyproject.toml"
    before = recorded(student_copy).version
    with np.load(student_copy / REFERENCES) as data:
        arrays = {name: data[name] for name in data.files}
    stored = (student_copy / REFERENCES).read_bytes()
    np.savez_compressed(student_copy / REFERENCES, **dict(reversed(arrays.items())))
    assert (student_copy / REFERENCES).read_bytes() != stored  # the same arrays, another file
    assert record_version(student_copy, pyproject) is None
    name = sorted(arrays)[0]
    arrays[name] = -arrays[name]
    np.savez_compressed(student_copy / REFERENCES, **arrays)
    with pytest.raises(RuntimeError, match="run `make notebooks`"):
        require_current(student_copy)
    after = record_version(student_copy, pyproject)
    assert after is not None and Version(after) > Version(before)
    assert recorded(student_copy).version == after and require_current(student_copy) == after
    assert f'"jacobian-checks=={after}"' in pyproject.read_text()
    assert record_version(student_copy, pyproject) is None  # recorded once


def test_changed_code_raises_the_version_and_the_version_module_does_not(student_copy):
    """A wheel whose modules changed (a docstring, say) is a new version, or pip would keep
    the older package of the same version; rewriting ``_version.py`` changes nothing."""
    before = recorded(student_copy).version
    module = student_copy / "jacobian_checks" / "layout.py"
    module.write_text(module.read_text() + "\n# another line\n")
    after = record_version(student_copy, None)
    assert after is not None and Version(after) > Version(before)
    version_module = student_copy / "jacobian_checks" / "_version.py"
    version_module.write_text(version_module.read_text() + "\n")
    assert record_version(student_copy, None) is None


CUBE = Case(
    key="cube", assignment="jacobians", notebook="06_cube", title="Elementwise cube",
    function="da_dh", arguments=("h",), wrt="h", size_names=("B", "D"),
    layout=JacobianLayout(batch=("B",), output=("D",), input=("D",)), kind="per_example",
    forward=lambda h: h**3, input_shapes={"h": ("B", "D")}, visible_sizes={"B": 8, "D": 5},
    second_sizes={"B": 3, "D": 7}, hidden_sizes={"B": (3, 40), "D": (2, 13)}, componentwise=True)
"""A case the package does not know yet."""

CUBE_CHECK = """
import numpy as np
from jacobian_checks import check_jacobian_shape
check_jacobian_shape(lambda h: np.einsum("bi,ij->bij", 3 * h**2, np.eye(h.shape[1])),
                     "cube", B=8, D=5)
"""


def scratch_environment(path: Path) -> Path:
    """A new virtual environment at ``path`` whose only package is this environment's NumPy
    (the wheel's one requirement, offline); its Python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    numpy_only = path / "numpy-only"
    numpy_only.mkdir()
    for name in ("numpy", "numpy.libs"):  # numpy.libs: its bundled BLAS, where wheels have it
        if (Path(np.__file__).parent.parent / name).exists():
            (numpy_only / name).symlink_to(Path(np.__file__).parent.parent / name)
    Path(site, "numpy-only.pth").write_text(f"{numpy_only}\n")
    return python


def pip_install(python: Path, wheel: Path) -> None:
    """The README's ``pip install <wheel>``, into the environment of ``python``, offline."""
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", "--no-index", "--disable-pip-version-check", str(wheel)],
                   check=True)


@pytest.mark.parametrize("bundle", ["jacobians"], indirect=True)
def test_a_new_case_raises_the_version_and_pip_replaces_the_older_package(bundle, student_copy,
                                                                          tmp_path):
    """The old package (the wheel of today's bundle, built from what ``student_copy``
    copied), asked for a case it does not know, says to install the new bundle's wheel; ``pip
    install`` of that wheel replaces it, and the case is known."""
    old = wheel_of(bundle)
    write_package_data(package_data([*CASES.values(), CUBE]), student_copy)
    version = record_version(student_copy, None)
    assert version is not None and Version(version) > Version(recorded(STUDENT).version)
    new = build_wheel(tmp_path / "new", student_copy)
    python = scratch_environment(tmp_path / "environment")
    pip_install(python, old)
    result = subprocess.run([python, "-c", CUBE_CHECK], capture_output=True, text=True)
    assert result.returncode != 0
    assert ("unknown case 'cube': this notebook needs a newer jacobian_checks: install the "
            "wheel of the new bundle") in result.stderr.splitlines()[-1]
    pip_install(python, new)
    installed = subprocess.run(
        [python, "-c", "import jacobian_checks; print(jacobian_checks.__version__)"],
        capture_output=True, text=True, check=True).stdout.strip()
    assert installed == version
    result = subprocess.run([python, "-c", CUBE_CHECK], capture_output=True, text=True)
    assert result.returncode == 0 and "Passed" in result.stdout, result.stderr[-2000:]
