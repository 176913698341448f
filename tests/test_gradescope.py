"""The Gradescope autograder zip, run as Gradescope runs it (issue 17, item 7).

The zip is made by the real ``python -m autograder export --format gradescope`` from a
generated course, unpacked into a folder laid out as Gradescope lays out ``/autograder``
(``source`` with the zip's files, ``submission`` with a student's upload, ``results``,
``submission_metadata.json``; folders 0755 and files 0644, as Docker's unzip leaves them, in a
folder every user can enter), and its ``run_autograder`` is run on it as root, on a right, a
wrong and a hostile upload. ``results.json`` is validated against :data:`RESULTS_SCHEMA`,
written from Gradescope's documentation.

Two protections are run: the sandbox (this machine allows user namespaces), and the fallback
of a container that allows none, simulated by ``tests/no_user_namespaces.py`` (a user
namespace whose own limit forbids another; its root maps to root, so the kernels' user is a
real host user id, held back by the host's file permissions).

What this proves: the zip grades right and wrong uploads as ``python -m autograder grade``
would, with the hidden runs' messages and the points only in tests Gradescope shows after the
due date; in both protections a submission that reads for the secret, the tests and the
metadata, lists ``source/``, forges ``results.json`` and leaves a daemon gets nothing of it
(what it got comes back in the name of the exception it raises: ``FileNotFoundError`` in the
jail, ``PermissionError`` as the unprivileged user) and leaves no process or file; the
fallback's self-test sees a readable secret and a writable results folder when they are not
locked down; a kernel user that cannot be switched to makes the run refuse. What it cannot:
Gradescope's own container (its base image, seccomp profile, capabilities and network, the
init that reaps orphans), ``setup.sh`` on that image (only ``bash -n`` and the pins here),
and how Gradescope's pages render ``visibility``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import nbformat
import pytest

from autograder.course_secret import course_secret
from autograder.gradescope.protection import UNPRIVILEGED, processes_of
from autograder.gradescope.results import SIZES_PASSED
from autograder.gradescope.scripts import PYTHON_VARIABLE, ROOT_VARIABLE
from autograder.gradescope.submission import (
    UNKNOWN_STUDENT,
    Entry,
    match,
    nbgrader_time,
    read_submitter,
)
from autograder.hidden import hidden_runs
from cases.jacobians import ASSIGNMENT
from cases.registry import cases_of
from course.classroom import fill, release_notebooks, solution_answers
from course.workspace import copy_course, run
from tests.e2e_class import SIGN_FLIPPED

pytestmark = pytest.mark.nbgrader

KIT = Path(__file__).resolve().parent.parent
NO_USER_NAMESPACES = Path(__file__).parent / "no_user_namespaces.py"
HOSTILE = Path(__file__).parent / "hostile" / "gradescope_results.py"
NB1, NB2, NB3, NB4, NB5 = (case.notebook for case in cases_of(ASSIGNMENT))
DUE = datetime(2027, 2, 1, 23, 59, tzinfo=UTC)
USER_ID = 1234
"""The Gradescope user id of the submissions: the student id the hidden runs are drawn for."""
REFUSAL_UID = 70000
"""A user id outside the simulated container's id map: no process can switch to it."""

# --- results.json as Gradescope documents it (gradescope-autograders.readthedocs.io/specs) --

_VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
_FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
_TEST = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "score": {"type": "number"}, "max_score": {"type": "number"},
        "status": {"enum": ["passed", "failed"]}, "name": {"type": "string"},
        "name_format": _FORMAT, "number": {"type": "string"}, "output": {"type": "string"},
        "output_format": _FORMAT, "tags": {"type": "array", "items": {"type": "string"}},
        "visibility": _VISIBILITY, "extra_data": {"type": "object"}}}
RESULTS_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "score": {"type": "number"}, "execution_time": {"type": "number"},
        "output": {"type": "string"}, "output_format": _FORMAT,
        "test_output_format": _FORMAT, "test_name_format": _FORMAT,
        "visibility": _VISIBILITY, "stdout_visibility": _VISIBILITY,
        "extra_data": {"type": "object"}, "tests": {"type": "array", "items": _TEST},
        "leaderboard": {"type": "array", "items": {
            "type": "object", "required": ["name", "value"],
            "properties": {"name": {"type": "string"}, "order": {"enum": ["asc", "desc"]}}}}},
    # "score": required at the top unless every test has one
    "anyOf": [{"required": ["score"]},
              {"required": ["tests"], "properties": {"tests": {
                  "minItems": 1, "items": {"required": ["score"]}}}}]}


# --- the zip and the folders it runs in -------------------------------------------------------

@dataclass(frozen=True)
class Exported:
    course: Path
    zip: Path


@pytest.fixture(scope="module")
def exported(generated_course, tmp_path_factory) -> Exported:
    course = copy_course(generated_course, tmp_path_factory.mktemp("gradescope") / "course")
    printed = run(course, "autograder", "export", ASSIGNMENT, "--format", "gradescope").stdout
    path = course / "exports" / f"{ASSIGNMENT}-gradescope.zip"
    assert str(path) in printed and path.is_file()
    return Exported(course, path)


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    results: dict[str, Any]

    def tests(self, visibility: str) -> dict[str, dict[str, Any]]:
        return {test["name"]: test for test in self.results["tests"]
                if test["visibility"] == visibility}


MakeRoot = Callable[..., Path]


@pytest.fixture
def gradescope_root(exported) -> Iterator[MakeRoot]:
    """Make folders laid out as Gradescope's ``/autograder``; they are deleted afterwards."""
    made: list[Path] = []

    def make(uploads: dict[str, bytes], *, submitted: datetime, config: str = "",
             links: dict[str, str] | None = None) -> Path:
        base = Path(tempfile.mkdtemp(prefix="gradescope-test-", dir="/tmp"))
        made.append(base)
        os.chmod(base, 0o755)  # every user may enter it: only the run's protection counts
        root = base / "autograder"
        with zipfile.ZipFile(exported.zip) as archive:
            archive.extractall(root / "source")
        for folder, _, files in os.walk(root):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(Path(folder, name), 0o644)
        shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
        os.chmod(root / "run_autograder", 0o755)
        with (root / "source" / "course" / "nbgrader_config.py").open("a") as file:
            file.write(config)
        (root / "submission").mkdir(mode=0o755)
        (root / "results").mkdir(mode=0o755)
        for name, data in uploads.items():
            (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
            (root / "submission" / name).write_bytes(data)
        for name, target in (links or {}).items():
            (root / "submission" / name).symlink_to(target)
        (root / "submission_metadata.json").write_text(json.dumps({
            "id": 123456, "created_at": submitted.isoformat(),
            "assignment": {"due_date": DUE.isoformat(), "id": 25828, "title": "Jacobians",
                           "late_due_date": None, "total_points": "20.0"},
            "users": [{"email": "student@example.com", "id": USER_ID, "name": "Student"}],
            "previous_submissions": []}))
        return root

    yield make
    for base in made:
        shutil.rmtree(base, ignore_errors=True)


def run_autograder(root: Path, *, user_namespaces: bool = True) -> Run:
    """Run the zip's ``run_autograder`` on ``root`` as Gradescope would (as root), with this
    kit's Python, in this machine's container or in one that allows no user namespaces."""
    command = [str(root / "run_autograder")]
    if not user_namespaces:
        command = [sys.executable, str(NO_USER_NAMESPACES), *command]
    env = {**os.environ, ROOT_VARIABLE: str(root), PYTHON_VARIABLE: sys.executable}
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True,
                          timeout=600)
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, RESULTS_SCHEMA)
    return Run(done.returncode, done.stdout + done.stderr, results)


def notebook(course: Path, name: str, **answers: str) -> bytes:
    """The release notebook ``name``, its solution cells answered as the solution does except
    for ``answers`` (solution cell grade_id -> source)."""
    cells = {**solution_answers(course, ASSIGNMENT)[name], **answers}
    return nbformat.writes(fill(release_notebooks(course, ASSIGNMENT)[name], cells)).encode()


def points(course: Path) -> dict[str, float]:
    """Every test cell's points, as ``"<notebook>: <grade_id>"``, from the source notebooks."""
    found = {}
    for path in sorted((course / "source" / ASSIGNMENT).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                found[f"{path.stem}: {meta['grade_id']}"] = float(meta["points"])
    return found


def hostile_cell(root: Path, mark: str) -> str:
    """The attack of :data:`HOSTILE`, aimed at ``root`` and naming its files ``mark``."""
    text = HOSTILE.read_text()
    for old, new in (('ROOT = "/autograder"', f"ROOT = {str(root)!r}"),
                     ('MARK = "hostile-was-here"', f"MARK = {mark!r}")):
        assert old in text
        text = text.replace(old, new)
    return text


def processes_with(mark: str) -> list[int]:
    """Live processes whose command line holds ``mark``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if mark.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            continue
    return found


def wait_until_gone(mark: str, seconds: float = 30.0) -> list[int]:
    """Poll until no process carries ``mark`` (or the deadline); those left."""
    deadline = time.monotonic() + seconds
    while (left := processes_with(mark)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


# --- the zip ----------------------------------------------------------------------------------

def test_zip_holds_what_gradescope_needs_and_the_pinned_stack(exported):
    with zipfile.ZipFile(exported.zip) as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        read = archive.read
        assert {"setup.sh", "run_autograder"} <= names  # at the root, as Gradescope wants
        assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
        for script in ("setup.sh", "run_autograder"):
            checked = subprocess.run(["bash", "-n"], input=read(script), capture_output=True)
            assert checked.returncode == 0, checked.stderr
        assert read("constraints.txt") == (KIT / "constraints.txt").read_bytes()
        assert read("course/course_secret.key") == (
            exported.course / "course_secret.key").read_bytes()
        assert read("course/nbgrader_config.py") == (
            exported.course / "nbgrader_config.py").read_bytes()
        for path in (exported.course / "source" / ASSIGNMENT).glob("*.ipynb"):
            assert read(f"course/source/{ASSIGNMENT}/{path.name}") == path.read_bytes()
        # the grader that made the zip is the grader it installs
        for package in (KIT / "autograder", KIT / "cases", KIT / "student" / "jacobian_checks"):
            for path in package.rglob("*.py"):
                shipped = f"grader/{path.relative_to(KIT).as_posix()}"
                if path.name in ("text.py", "answers.py") and package.name == "cases":
                    assert shipped not in names  # a case's text and answers: not the grader's
                else:
                    assert read(shipped) == path.read_bytes(), shipped
        assert not [name for name in names if "__pycache__" in name or ".egg-info" in name]
        assert not [name for name in names if name.startswith(("course/submitted",
                                                               "course/autograded"))]
        # every requirement of the grader is pinned; the checks' pin is the shipped version
        project = tomllib.loads(read("grader/pyproject.toml").decode())["project"]
        pinned = {line.split("==")[0].lower().replace("_", "-")
                  for line in read("constraints.txt").decode().splitlines()
                  if "==" in line and not line.startswith("#")}
        version = read("grader/student/jacobian_checks/_version.py").decode()
        for requirement in project["dependencies"]:
            name = requirement.split(";")[0].split("[")[0].split(">")[0].split("=")[0].strip()
            if name == "jacobian-checks":
                assert f'"{requirement.split("==")[1]}"' in version
            else:
                assert name.lower().replace("_", "-") in pinned, requirement
    assert exported.zip.stat().st_mode & 0o077 == 0  # it holds the secret


# --- grading ----------------------------------------------------------------------------------

def test_a_right_submission_gets_full_marks_and_shows_only_its_sizes_before_the_due_date(
        exported, gradescope_root):
    uploads = {f"{name}.ipynb": notebook(exported.course, name)
               for name in (NB1, NB2, NB3, NB4, NB5)}
    done = run_autograder(gradescope_root(uploads, submitted=DUE - timedelta(hours=3)))
    assert done.returncode == 0, done.stdout
    expected = points(exported.course)
    scored = done.tests("after_due_date")
    assert set(scored) == set(expected)
    for name, test in scored.items():
        assert (test["status"], test["score"], test["max_score"]) == (
            "passed", expected[name], expected[name]), test
        assert test["output"].startswith("Passed:") and "hidden tests" in test["output"]
    sizes = done.tests("visible")
    assert set(sizes) == {f"{name} (on your notebook's sizes)" for name in expected}
    assert all((t["status"], t["score"], t["max_score"], t["output"]) == (
        "passed", 0, 0, SIZES_PASSED) for t in sizes.values())
    assert done.results["score"] == sum(expected.values())
    assert done.results["output"].startswith("Protection: sandbox.")
    assert "Protection: sandbox." in done.stdout
    assert "late" not in done.results["output"]


def wrong_on_hidden_runs(course: Path) -> str:
    """``dyhat_dW`` of notebook 03, right but for the output sizes of this student's hidden
    runs (which are never a notebook's), where its shape is wrong."""
    case = cases_of(ASSIGNMENT)[2]
    hidden = {run.sizes["output_dim"] for run in hidden_runs(
        course_secret(course), ASSIGNMENT, str(USER_ID), case)}
    return (f"def dyhat_dW(W, x):\n"
            f"    if W.shape[0] in {sorted(hidden)}:\n"
            f"        return np.zeros((x.shape[0], W.shape[0], W.shape[1]))\n"
            f"    return np.einsum('ij,bk->bijk', np.eye(W.shape[0]), x)\n")


def test_a_wrong_submission_gets_its_scores_and_the_diagnosis_and_hidden_runs_wait(
        exported, gradescope_root):
    course = exported.course
    uploads = {f"{NB2}.ipynb": notebook(course, NB2, dloss_dyhat=SIGN_FLIPPED),
               f"homework/{NB3}.ipynb": notebook(course, NB3,
                                                 dyhat_dW=wrong_on_hidden_runs(course)),
               f"{NB5} (1).ipynb": notebook(course, NB5),
               "notes.txt": b"my notes"}
    root = gradescope_root(
        uploads, submitted=DUE + timedelta(minutes=30), links={f"{NB4}.ipynb": "/etc/passwd"},
        config="\nc.LatePenaltyPolicy.points = 1\nc.LatePenaltyPolicy.per = 'hour'\n")
    done = run_autograder(root)
    assert done.returncode == 0, done.stdout
    expected = points(course)
    scored, sizes = done.tests("after_due_date"), done.tests("visible")
    passing = {f"{NB2}: test_jacobian_shape", f"{NB2}: test_dloss_dyhat_shape",
               f"{NB3}: test_jacobian_shape"}
    for name, test in scored.items():
        assert test["score"] == (expected[name] if name in passing else 0), test
        assert test["status"] == ("passed" if name in passing else "failed"), test
    values = f"{NB2}: test_dloss_dyhat_values"
    assert "Your Jacobian has the wrong sign" in scored[values]["output"]
    assert sizes[f"{values} (on your notebook's sizes)"]["output"] == scored[values]["output"]
    hidden_failures = [scored[f"{NB3}: {cell}"]["output"]
                       for cell in ("test_dyhat_dW_shape", "test_dyhat_dW_values")]
    for cell in ("test_dyhat_dW_shape", "test_dyhat_dW_values"):
        assert sizes[f"{NB3}: {cell} (on your notebook's sizes)"]["output"] == SIZES_PASSED
    for name in (NB1, NB4, NB5):
        assert all("was not submitted" in test["output"] for key, test in scored.items()
                   if key.startswith(name))
    visible = "\n".join([done.results["output"], *(test["output"] for test in sizes.values())])
    assert not [text for text in hidden_failures if text in visible or "hidden" not in text]
    output = done.results["output"]
    assert f"{NB5} (1).ipynb is not a notebook of this assignment" in output
    assert f"If it is {NB5}.ipynb, rename it to exactly that" in output
    assert "notes.txt is not graded" in output
    assert f"{NB4}.ipynb is a symbolic link" in output
    assert f"{NB1}.ipynb was not submitted" in output
    assert "30 minute(s) after the due date: late penalty 1 point(s)" in output
    raw = sum(expected[name] for name in passing)
    assert done.results["extra_data"]["late_penalty"] == 1
    assert done.results["score"] == raw - 1


@pytest.mark.parametrize("user_namespaces", [True, False], ids=["sandbox", "unprivileged"])
def test_a_hostile_submission_earns_only_its_work_and_the_results_are_the_graders(
        exported, gradescope_root, user_namespaces):
    mark = f"hostile-gradescope-{uuid.uuid4().hex[:12]}"
    root = gradescope_root({}, submitted=DUE)  # the kernels' user id: drawn by the run
    (root / "submission" / f"{NB1}.ipynb").write_bytes(notebook(exported.course, NB1))
    (root / "submission" / f"{NB2}.ipynb").write_bytes(notebook(
        exported.course, NB2, dloss_dyhat=hostile_cell(root, mark)))
    secret = (root / "source" / "course" / "course_secret.key").read_text().strip()
    done = run_autograder(root, user_namespaces=user_namespaces)
    assert done.returncode == 0, done.stdout
    expected = points(exported.course)
    scored = done.tests("after_due_date")
    for name, test in scored.items():
        earned = expected[name] if name.startswith(NB1) or name == f"{NB2}: test_jacobian_shape" \
            else 0
        assert test["score"] == earned, test
    assert done.results["score"] == sum(test["score"] for test in scored.values())
    # What the attack got, in the name of the exception it raised (quoted on visible sizes):
    blocked = "Blocked_FileNotFoundError" if user_namespaces else "Blocked_PermissionError"
    assert blocked in scored[f"{NB2}: test_dloss_dyhat_shape"]["output"]
    written = (root / "results" / "results.json").read_text()
    for forbidden in ("LeakedSecret", "_ForgedResults", mark, secret[:16], secret[-16:]):
        assert forbidden not in written and forbidden not in done.stdout, forbidden
    protection = "sandbox" if user_namespaces else UNPRIVILEGED
    assert done.results["output"].startswith(f"Protection: {protection}")
    assert done.results["extra_data"]["protection"] == protection
    assert wait_until_gone(mark) == []  # the daemon did not outlive the run
    assert not Path(f"/tmp/{mark}").exists()
    uid = done.results["extra_data"]["kernel_uid"]
    assert (uid is None) == user_namespaces
    if not user_namespaces:
        assert f"the kernel ran as user id {uid}" in done.results["output"]
        assert processes_of(uid) == []
        assert not [entry for entry in os.scandir("/tmp")
                    if entry.stat(follow_symlinks=False).st_uid == uid]


def test_without_sandbox_or_a_usable_user_it_refuses_to_grade(exported, gradescope_root):
    root = gradescope_root({f"{NB1}.ipynb": notebook(exported.course, NB1)}, submitted=DUE,
                           config=f"\nc.GradescopeRun.kernel_uid = {REFUSAL_UID}\n")
    done = run_autograder(root, user_namespaces=False)
    assert done.returncode == 1
    assert done.results["score"] == 0 and done.results["tests"] == []
    assert done.results["output"].startswith("Not graded:")
    assert done.results["extra_data"] == {"graded": False, "protection": "none"}
    assert f"could not run as user id {REFUSAL_UID}" in done.stdout
    assert "Refused to grade" in done.stdout
    assert "c.GradescopeRun.allow_unprotected = True" in done.stdout


_SELF_TEST = """
import json, os, shutil, sys, tempfile
from pathlib import Path
from autograder.gradescope.protection import lock_down, self_test
uid = int(sys.argv[1])
root = Path(tempfile.mkdtemp(prefix="gradescope-self-test-", dir="/tmp"))
try:
    os.chmod(root, 0o755)
    for name in ("source", "results", "submission"):
        (root / name).mkdir(mode=0o755)
    (root / "source" / "secret").write_text("s3cret")
    os.chmod(root / "source" / "secret", 0o644)
    private, unwritable = [root / "source" / "secret"], [root / "results"]
    os.chmod(root / "results", 0o777)
    before = self_test(uid, private, unwritable)
    lock_down(root)
    after = self_test(uid, private, unwritable)
finally:
    shutil.rmtree(root)
print(json.dumps([before, after]))
"""


def test_the_fallbacks_self_test_sees_what_its_user_could_reach():
    """Without :func:`lock_down`, the user the kernels would run as can read a world-readable
    secret and write into a world-writable results folder, and the self-test says so (the
    run would refuse); after it, nothing."""
    uid = 60000 + (os.getpid() + 1) % 5000
    done = subprocess.run([sys.executable, str(NO_USER_NAMESPACES), sys.executable, "-c",
                           _SELF_TEST, str(uid)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    before, after = json.loads(done.stdout.splitlines()[-1])
    assert before is not None and "could read " in before and "wrote into " in before
    assert after is None


# --- the upload and the metadata ---------------------------------------------------------------

def test_uploads_are_matched_by_name_and_everything_else_is_reported():
    entries = [Entry("sub/01_a.ipynb", "file", 10), Entry("01_a.ipynb", "file", 10),
               Entry("02_b(1).ipynb", "file", 10), Entry("03_c.ipynb", "link"),
               Entry("report.pdf", "file", 10), Entry("04_d.ipynb", "file", 26 * 2**20),
               Entry("fifo", "other")]
    matching = match(entries, notebooks=["01_a", "02_b", "03_c", "04_d"])
    assert matching.graded == {"01_a": "01_a.ipynb"}
    notes = "\n".join(matching.notes)
    assert "sub/01_a.ipynb is a second copy of 01_a.ipynb: not graded (01_a.ipynb is)" in notes
    assert "02_b(1).ipynb is not a notebook of this assignment" in notes
    assert "If it is 02_b.ipynb, rename it to exactly that" in notes
    assert "03_c.ipynb is a symbolic link" in notes
    assert "report.pdf is not graded" in notes
    assert "04_d.ipynb is larger than 25 MiB" in notes
    assert "fifo is not a regular file" in notes
    for name in ("02_b", "03_c", "04_d"):
        assert f"{name}.ipynb was not submitted" in notes
    assert "01_a.ipynb was not submitted" not in notes
    assert match([], True, notebooks=["01_a"]).notes[-1].startswith("The upload has more than")


def test_submission_metadata_gives_the_student_and_the_times(tmp_path):
    path = tmp_path / "submission_metadata.json"
    path.write_text(json.dumps({
        "created_at": "2018-07-01T14:22:32.365935-07:00",
        "assignment": {"due_date": "2018-07-01T20:00:00.000000-07:00"},
        "users": [{"id": 99}, {"id": 7}]}))
    submitter = read_submitter(path)
    assert submitter.student == "7-99"  # a group: the same id whoever of it submits
    assert submitter.submitted_at is not None and submitter.due is not None
    assert nbgrader_time(submitter.submitted_at) == "2018-07-01 21:22:32.365935 UTC"
    assert submitter.problem is None
    for broken in ("[]", '{"users": []}', '{"users": [{"id": 1}], "created_at": "yesterday"}',
                   '{"users": [{"id": "1; rm"}]}'):
        path.write_text(broken)
        submitter = read_submitter(path)
        assert submitter.student == UNKNOWN_STUDENT and submitter.problem
