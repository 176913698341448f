"""Hostile submissions, graded beside honest ones by both graders (issue 7).

One class -- three honest students and the attackers of :data:`ATTACKS`, whose cells and
files are the modules of ``tests/hostile`` -- is graded once by ``python -m autograder grade
--feedback`` and, without the attacks on what both run alike (:data:`OURS`), once by
``nbgrader autograde``, on two copies of the course, at the same time; the tests only read
the results. An attacker submits only the notebook it attacks (a
missing notebook scores 0 without running). Each grader runs under a child subreaper, so that
whatever a submission leaves running is found afterwards, and the peak memory of its largest
process is known. The attacks that stopped a whole run, or swelled the grader's own memory,
are graded in a small class of their own (:data:`RUN_STOPPERS`), alongside.

No hole found so far is left open. Where a host lacks what a defence needs (the memory limit
of a whole kernel needs root and a cgroup memory controller), its test is an xfail that says so.
"""

from __future__ import annotations

import builtins
import functools
import hashlib
import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from autograder.cluster.kit import pack_kit, read_files
from autograder.cluster.station import Station, StationSettings, grading_stack
from autograder.course_config import gradebook_url, with_scripts_on_path
from autograder.course_secret import course_secret
from autograder.hidden import hidden_runs
from autograder.sandbox.cgroups import jail_cpu_limited, jail_memory_limited
from autograder.scores import GradeRow, read_grades
from autograder.verify.kernel_calls import MAX_CALL_OUTPUT
from cases.jacobians import ASSIGNMENT
from cases.registry import cases_of, get_case
from course.classroom import solution_answers, write_submission
from course.workspace import copy_course
from jacobian_checks.coerce import NOT_AN_ARRAY
from jacobian_checks.diagnosis import TITLES
from jacobian_checks.hidden_messages import hidden_message, hidden_texts
from tests.e2e_class import HARD_CODED_SIZES, SIGN_FLIPPED

pytestmark = pytest.mark.nbgrader

HOSTILE = Path(__file__).parent / "hostile"
NB1, NB2, NB3, NB4, NB5 = (case.notebook for case in cases_of(ASSIGNMENT))
GRADERS = ("serial", "parallel")
OURS = ("parallel",)
"""The graders of an attack on what both graders run alike: the verdicts ``VerifiedExecute``
makes from a kernel's replies to the grader's calls (:mod:`autograder.verify`); or on what
only ours writes here (the feedback, the summary). ``nbgrader autograde`` grades the others
too, those on what differs between the two: how a kernel starts (fresh for nbgrader, forked
from a warm process for ours), what its jail lets it see and do, how it is interrupted,
killed and seen to die; the files of a submission; nbgrader's own refusal of a notebook; the
grading process that reads a kernel's messages (the command's own process, or one of ours)."""
COMMANDS = {"serial": ("nbgrader", "autograde", ASSIGNMENT),
            "parallel": ("autograder", "grade", ASSIGNMENT, "--jobs", "2", "--feedback")}
OUTPUT = ("autograded/", "feedback/", ".autograder/", "gradebook.db")
"""What grading may change in the course directory."""
MARK = "hostile-was-here"
"""Attacks name so the files they try to leave outside their kernel's scratch space."""
INSTRUCTOR_SECRET = f"instructor-{os.urandom(8).hex()}"
"""The value of a secret-bearing variable of the graders' environment, which no kernel may see."""
EVERYWHERE = ("/tmp", "/var/tmp", "/dev/shm", "/work", "/root", "/home", "/etc",
              str(Path.home() / ".ipython/profile_default/startup"), sys.prefix,
              os.path.dirname(os.__file__))
"""Host folders an attack may hope to share with other kernels or with the grader."""

Earned = tuple[int, int, int]
"""Scores of test_jacobian_shape (1 point), test_<function>_shape (1), _values (2)."""


@dataclass(frozen=True)
class Attack:
    """One attacker: what it submits, and what it must earn.

    It submits ``notebook`` only, with the solution's cells (``start="release"``: the
    release's) but for ``cells``: solution cell grade_id -> the module of ``tests/hostile``
    whose text replaces it. ``earns`` is the exact score of every test cell of each notebook
    it submits (every other notebook scores 0). ``files`` (path -> module) and ``links``
    (path -> target) go beside the notebook, ``edit`` changes its JSON (or returns the file's
    new text), ``saved_as`` renames it. ``flags``: integrity kinds both graders must record;
    ``manual``: nbgrader refuses the notebook and flags it for manual grading. ``sparse``
    (path -> size) are files of that size that hold no data; a link target under
    ``../../../../outside/`` is one of :func:`make_outside` 's, beside the course.
    ``graders``: who grades it (:data:`OURS`: ours only).
    """

    name: str
    notebook: str
    cells: dict[str, str]
    earns: dict[str, Earned]
    start: str = "solution"
    files: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    edit: Callable[[dict], str | None] | None = None
    sparse: dict[str, int] = field(default_factory=dict)
    saved_as: str | None = None
    flags: frozenset[str] = frozenset()
    manual: bool = False
    graders: tuple[str, ...] = GRADERS

    def __str__(self) -> str:
        return self.name


def _test_cell(notebook: dict, grade_id: str) -> dict:
    return next(c for c in notebook["cells"]
                if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def tamper(notebook: dict) -> None:
    """Points, grade and solution flags of the test cells changed, and a bash kernel."""
    _test_cell(notebook, "test_dloss_dyhat_shape")["metadata"]["nbgrader"]["solution"] = True
    _test_cell(notebook, "test_dloss_dyhat_values")["metadata"]["nbgrader"].update(
        grade=False, points=100)
    _test_cell(notebook, "test_jacobian_shape")["metadata"]["nbgrader"]["points"] = 100
    notebook["metadata"]["kernelspec"] = {"name": "bash", "display_name": "Bash",
                                          "language": "bash"}


def add_html_cells(notebook: dict) -> None:
    """A Markdown cell and raw cells of HTML, and a cell tag that breaks out of its attribute."""
    markdown = nbformat.v4.new_markdown_cell("<script>alert('hostile-markdown')</script>")
    markdown.metadata["tags"] = ["\"><script>alert('hostile-tag')</script>"]
    raw = nbformat.v4.new_raw_cell("<script>alert('hostile-raw')</script>")
    raw_html = nbformat.v4.new_raw_cell("<img src=x onerror=alert('hostile-raw-html')>")
    raw_html.metadata["raw_mimetype"] = "text/html"
    notebook["cells"][2:2] = [markdown, raw, raw_html]


def nest_deep(notebook: dict) -> str:
    """Metadata nesting a thousand lists: 2 KB of JSON that no recursive parser can read."""
    notebook["metadata"]["hostile"] = "deep"
    return json.dumps(notebook).replace('"deep"', "[" * 1000 + "]" * 1000)


def add_malformed_cells(notebook: dict) -> None:
    """A cell whose grade_id is a number, and one whose metadata is a list."""
    numbered = nbformat.v4.new_code_cell("x = 1")
    numbered.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False,
                                     "grade_id": 7, "schema_version": 3}
    listed = nbformat.v4.new_code_cell("y = 2")
    listed.metadata = []
    notebook["cells"] += [numbered, listed]


# --- the class -----------------------------------------------------------------------------------

ATTACKS = [
    # patching the checks, NumPy, builtins and IPython from a solution cell; lying objects
    Attack("patch_checks", NB2, {"dloss_dyhat": "patch_checks"}, {NB2: (1, 0, 0)},
           flags=frozenset({"disagreement"}), graders=OURS),
    Attack("ipython_hooks", NB1, {"dloss_dyhat": "ipython_hooks"}, {NB1: (1, 0, 0)},
           flags=frozenset({"disagreement"}), graders=OURS),
    Attack("lying_array", NB5, {"da_dh": "lying_array"}, {NB5: (1, 1, 0)}, graders=OURS),
    # shipped references, the grader's package, files beside the notebook
    Attack("shipped_reference", NB3, {"dyhat_dW": "shipped_reference"}, {NB3: (1, 0, 0)},
           flags=frozenset({"grader_import"})),
    Attack("files_beside", NB1, {}, {NB1: (0, 0, 0)}, start="release", files={
        "jacobian_checks/__init__.py": "shadow_package",
        "jacobian_checks/probe.py": "shadow_package", "autograder/__init__.py": "shadow_package",
        **dict.fromkeys(["nbgrader_config.py", "ipython_kernel_config.py",
                         "ipython_config.py", "sitecustomize.py"], "shadow_config")}),
    Attack("symlinks", NB2, {"dloss_dyhat": "symlinks"}, {NB2: (1, 0, 0), NB1: (0, 0, 0)},
           links={f"{NB1}.ipynb": f"../../../source/{ASSIGNMENT}/{NB1}.ipynb",
                  "secret.txt": "../../../course_secret.key",
                  "gradebook.db": "../../../gradebook.db"}),
    Attack("tamper_metadata", NB2, {"dloss_dyhat": "tamper_metadata"}, {NB2: (0, 0, 0)},
           edit=tamper, manual=True),
    # the file system
    Attack("file_system", NB2, {"jacobian_shape": "read_course_files",
                                "dloss_dyhat": "write_outside"}, {NB2: (1, 0, 0)}),
    # denial of service
    Attack("kill_everything", NB3, {"dyhat_dW": "kill_everything"}, {NB3: (0, 0, 0)}),
    Attack("hang_in_call", NB5, {"da_dh": "hang_in_call"}, {NB5: (1, 0, 0)}),
    Attack("crash_in_call", NB4, {"dloss_dW": "crash_in_call"}, {NB4: (1, 0, 0)}),
    Attack("fork_bomb", NB2, {"dloss_dyhat": "fork_bomb"}, {NB2: (1, 0, 0)}),
    Attack("memory_hog", NB4, {"dloss_dW": "memory_hog"}, {NB4: (1, 0, 0)}),
    Attack("huge_output", NB2, {"dloss_dyhat": "huge_output"}, {NB2: (1, 0, 0)},
           graders=OURS),
    # feedback
    Attack("feedback_html", NB1, {"jacobian_shape": "feedback_html"}, {NB1: (0, 1, 2)},
           edit=add_html_cells, graders=OURS),
    Attack("print_inputs", NB3, {"dyhat_dW": "print_inputs"}, {NB3: (1, 0, 0)}, graders=OURS),
    Attack("leak_hidden_sizes", NB2, {"jacobian_shape": "leak_through_shape",
                                      "dloss_dyhat": "leak_through_exception"},
           {NB2: (0, 0, 0)}, graders=OURS),
    Attack("leak_through_diagnosis", NB2, {"dloss_dyhat": "leak_through_diagnosis"},
           {NB2: (1, 1, 0)}, graders=OURS),
    Attack("terminal_escape", NB1, {"dloss_dyhat": "terminal_escape"}, {},
           saved_as="\x1b[2K\x1b[1Ghonest-full scored 0", graders=OURS),
    # the probe protocol
    Attack("forged_reply", NB2, {"dloss_dyhat": "forged_reply"}, {NB2: (1, 0, 0)},
           flags=frozenset({"disagreement"}), graders=OURS),
    Attack("forged_user_expression", NB2, {"dloss_dyhat": "forged_user_expression"},
           {NB2: (0, 0, 0)}, graders=OURS),
    Attack("forged_execute_reply", NB2, {"dloss_dyhat": "forged_execute_reply"},
           {NB2: (0, 0, 0)}, graders=OURS),
    Attack("huge_npy_header", NB2, {"dloss_dyhat": "huge_npy_header"}, {NB2: (1, 0, 0)},
           flags=frozenset({"disagreement"}), graders=OURS),
    Attack("deep_output", NB1, {"dloss_dyhat": "deep_output"}, {NB1: (0, 0, 0)}),
    Attack("deep_reply", NB2, {"dloss_dyhat": "deep_reply"}, {NB2: (0, 0, 0)},
           flags=frozenset({"disagreement"})),
    # the kernel's process: what it inherits, what it may call, what it may import
    Attack("scan_memory", NB1, {"jacobian_shape": "scan_memory"}, {NB1: (1, 1, 2)}),
    Attack("jail_escape", NB2, {"jacobian_shape": "escape_jail",
                                "dloss_dyhat": "foreign_packages"}, {NB2: (1, 1, 2)}),
    *([Attack("cpu_hog", NB5, {"da_dh": "cpu_hog"}, {NB5: (1, 1, 2)})]
      if jail_cpu_limited() else []),  # else it would slow everyone: see the test below
]
BY_NAME = {attack.name: attack for attack in ATTACKS}


def by_their_graders(attacks: list[Attack]) -> list:
    """``(grader, attack)`` for each grader of each of ``attacks``: pytest's parameters."""
    return [pytest.param(grader, attack, id=f"{attack}-{grader}")
            for attack in attacks for grader in attack.graders]


def graded_by(grader: str) -> set[str]:
    """The students of the hostile class that ``grader`` grades."""
    return set(HONEST) | {attack.name for attack in ATTACKS if grader in attack.graders}

OUTSIDE = "../../../../outside"
"""Where a link of a submission reaches what :func:`make_outside` made beside the course."""

RUN_STOPPERS = [
    Attack("malformed_metadata", NB1, {"dloss_dyhat": "malformed_metadata"}, {NB1: (0, 0, 0)},
           edit=add_malformed_cells, manual=True),
    # the submission's files, read by the grader's own process (its scan and fingerprint)
    Attack("deep_notebook", NB1, {}, {NB1: (0, 0, 0)}, edit=nest_deep, manual=True),
    Attack("unreadable_files", NB2, {}, {NB2: (1, 1, 2)}, sparse={"data.bin": 100 << 20},
           links={"kmsg": "/proc/kmsg", "pipe": f"{OUTSIDE}/pipe",
                  "huge.bin": f"{OUTSIDE}/huge.bin", "loop": "."}),
    Attack("linked_timestamp", NB1, {}, {NB1: (0, 0, 0)},
           links={"timestamp.txt": f"{OUTSIDE}/pipe"}),
    # the grading process's memory
    Attack("iopub_flood", NB2, {"dloss_dyhat": "iopub_flood"}, {NB2: (0, 0, 0)}),
]


def make_outside(folder: Path) -> None:
    """What links of :data:`RUN_STOPPERS` point to, beside the course (never copied with it):
    a named pipe nobody writes to, which a reader would wait on for ever, and a sparse file of
    2 GiB, which a reader would hold whole."""
    folder.mkdir()
    os.mkfifo(folder / "pipe")
    with open(folder / "huge.bin", "wb") as huge:
        huge.truncate(2 << 30)

SOLVED: Earned = (1, 1, 2)
HONEST: dict[str, dict[str, Earned]] = {
    "honest-full": dict.fromkeys([NB1, NB2, NB3, NB4, NB5], SOLVED),
    # two notebooks done, with a sign error (02) and sizes typed in (03)
    "honest-partial": {NB2: (1, 1, 0), NB3: (1, 0, 0)},
    # one notebook, untouched: nothing a hostile kernel leaves behind may pass it
    "honest-blank": {NB1: (0, 0, 0)},
}


def submit_honest(course: Path) -> None:
    solutions = solution_answers(course, ASSIGNMENT)
    write_submission(course, ASSIGNMENT, "honest-full", solutions)
    keep(write_submission(course, ASSIGNMENT, "honest-partial", {
        NB2: {**solutions[NB2], "dloss_dyhat": SIGN_FLIPPED},
        NB3: {**solutions[NB3], "dyhat_dW": HARD_CODED_SIZES}}), HONEST["honest-partial"])
    keep(write_submission(course, ASSIGNMENT, "honest-blank", {}), HONEST["honest-blank"])


def submit_attack(course: Path, attack: Attack) -> None:
    """Write the attacker's notebook, with its files, links and edits."""
    solutions = solution_answers(course, ASSIGNMENT)
    cells = dict(solutions[attack.notebook]) if attack.start == "solution" else {}
    cells.update({grade_id: (HOSTILE / f"{module}.py").read_text()
                  for grade_id, module in attack.cells.items()})
    folder = keep(write_submission(course, ASSIGNMENT, attack.name, {attack.notebook: cells}),
                  [attack.notebook])
    for path, module in attack.files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text((HOSTILE / f"{module}.py").read_text())
    for path, target in attack.links.items():
        (folder / path).unlink(missing_ok=True)
        (folder / path).symlink_to(target)
    for path, size in attack.sparse.items():
        with open(folder / path, "wb") as sparse:
            sparse.truncate(size)
    notebook = folder / f"{attack.notebook}.ipynb"
    if attack.edit is not None:
        content = json.loads(notebook.read_text())
        text = attack.edit(content)
        notebook.write_text(text if isinstance(text, str) else json.dumps(content))
    if attack.saved_as is not None:
        notebook.rename(folder / f"{attack.saved_as}.ipynb")


def keep(folder: Path, notebooks) -> Path:
    """Delete the notebooks of a submission folder but ``notebooks``."""
    for path in folder.glob("*.ipynb"):
        if path.stem not in notebooks:
            path.unlink()
    return folder


# --- grading under a subreaper -------------------------------------------------------------------

REAPER = r"""
import ctypes, json, os, resource, signal, subprocess, sys, tempfile, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
cwd, env, command = json.loads(sys.argv[1])
started = time.monotonic()
with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
    # files, not pipes: a process left holding them must not keep us waiting
    returncode = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=err).returncode
    seconds = time.monotonic() - started
    out.seek(0)
    err.seek(0)
    stdout, stderr = out.read(), err.read()

def alive():
    found = {}
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children") as file:
            for pid in map(int, file.read().split()):
                try:
                    with open(f"/proc/{pid}/stat") as file:
                        state = file.read().rsplit(")", 1)[1].split()[0]
                    with open(f"/proc/{pid}/cmdline", "rb") as file:
                        found[pid] = file.read().replace(b"\0", b" ").decode(errors="replace")
                except OSError:
                    continue
                if state == "Z":
                    del found[pid]
                    os.waitpid(pid, 0)
    return found

deadline = time.monotonic() + 3  # a moment to finish exiting
while (left := alive()) and time.monotonic() < deadline:
    time.sleep(0.1)
for pid in left:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss >> 10  # every process reaped
print(json.dumps({"returncode": returncode, "stdout": stdout, "stderr": stderr,
                  "seconds": seconds, "survivors": [line[:300] for line in left.values()],
                  "peak_mib": peak}))
"""


@dataclass(frozen=True)
class GradingRun:
    """One grader's run on its own copy of a class."""

    course: Path
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    survivors: list[str]
    """Command lines of the processes still running once the grader had exited."""
    files_before: dict[str, str]
    peak_mib: int
    """The peak resident memory of the largest process of the run, the grader's or a kernel's."""


def course_files(course: Path) -> dict[str, str]:
    """Every file and link below ``course`` -> its SHA-256 (for a link: its target)."""
    files = {}
    for folder, directories, names in os.walk(course):
        for name in [*names, *(d for d in directories if os.path.islink(Path(folder, d)))]:
            path = Path(folder, name)
            files[str(path.relative_to(course))] = (
                "link " + os.readlink(path) if path.is_symlink()
                else hashlib.sha256(path.read_bytes()).hexdigest())
    return files


def grade_at_once(classes: Mapping[tuple[str, str], Path]) -> dict[str, dict[str, GradingRun]]:
    """Grade each course of ``classes`` ((class, grader) -> course) with its grader, all at
    the same time."""
    env = with_scripts_on_path(dict(os.environ, INSTRUCTOR_DB_PASSWORD=INSTRUCTOR_SECRET))
    started, before = {}, {}
    for (name, grader), course in classes.items():
        before[name, grader] = course_files(course)
        argument = json.dumps([str(course), env, [sys.executable, "-m", *COMMANDS[grader]]])
        started[name, grader] = subprocess.Popen(
            [sys.executable, "-c", REAPER, argument], stdout=subprocess.PIPE, text=True)
    runs: dict[str, dict[str, GradingRun]] = {name: {} for name, _ in classes}
    for (name, grader), process in started.items():
        result = json.loads(process.communicate(timeout=600)[0])
        runs[name][grader] = GradingRun(
            classes[name, grader], result["returncode"], result["stdout"], result["stderr"],
            result["seconds"], result["survivors"], before[name, grader], result["peak_mib"])
    return runs


@pytest.fixture(scope="module")
def runs(generated_course, tmp_path_factory) -> dict[str, dict[str, GradingRun]]:
    """The hostile class (for each grader, with the attacks it grades) and the run stoppers'
    class, each graded once by each grader."""
    hostile = copy_course(generated_course, tmp_path_factory.mktemp("hostile") / "class")
    submit_honest(hostile)
    classes = {}
    for grader in GRADERS:
        classes["hostile", grader] = copy_course(hostile, hostile.parent / grader)
        for attack in ATTACKS:
            if grader in attack.graders:
                submit_attack(classes["hostile", grader], attack)
    stoppers = copy_course(generated_course, tmp_path_factory.mktemp("stoppers") / "class")
    make_outside(stoppers.parent / "outside")
    keep(write_submission(stoppers, ASSIGNMENT, "honest-first",
                          solution_answers(stoppers, ASSIGNMENT)), [NB1])
    for attack in RUN_STOPPERS:
        submit_attack(stoppers, attack)
    for grader in GRADERS:
        classes["stoppers", grader] = copy_course(stoppers, stoppers.parent / grader)
    return grade_at_once(classes)


@pytest.fixture(scope="module")
def graded(runs) -> dict[str, GradingRun]:
    return runs["hostile"]


@pytest.fixture(scope="module")
def parallel(graded) -> GradingRun:
    """The run of ``python -m autograder grade --feedback``."""
    return graded["parallel"]


# --- reading the results -------------------------------------------------------------------------

@functools.cache
def grade_rows(course: Path) -> dict[tuple[str, str, str], GradeRow]:
    """The gradebook's rows by (student, notebook, cell): read once per course, as no test
    changes a graded course (the tests of an attack read them some fifty times)."""
    rows = read_grades(gradebook_url(course), ASSIGNMENT)
    return {(row.student, row.notebook, row.cell): row for row in rows}


def earned(rows: Mapping[tuple[str, str, str], GradeRow], student: str) -> dict[str, Earned]:
    """A student's scores by notebook, ``(0, 0, 0)`` for a notebook without rows."""
    scores = {}
    for case in cases_of(ASSIGNMENT):
        cells = [f"test_{name}" for name in ("jacobian_shape", f"{case.function}_shape",
                                            f"{case.function}_values")]
        found = [rows.get((student, case.notebook, cell)) for cell in cells]
        scores[case.notebook] = tuple(row.score if row else 0 for row in found)
    return scores


def all_notebooks(earns: Mapping[str, Earned]) -> dict[str, Earned]:
    return {case.notebook: earns.get(case.notebook, (0, 0, 0)) for case in cases_of(ASSIGNMENT)}


def autograded(course: Path, student: str, notebook: str) -> nbformat.NotebookNode | None:
    path = course / "autograded" / student / ASSIGNMENT / f"{notebook}.ipynb"
    return nbformat.read(path, as_version=4) if path.exists() else None


def shown(cells) -> str:
    """What ``cells`` show (text, data and error messages), one output a line."""
    parts = []
    for cell in cells:
        for output in cell.get("outputs", []):
            parts += [str(output.get(key, "")) for key in ("text", "evalue")]
            parts += [str(value) for value in output.get("data", {}).values()]
    return "\n".join(part for part in parts if part)


def notebook_shows(course: Path, student: str, notebook: str) -> str:
    nb = autograded(course, student, notebook)
    return shown(nb.cells) if nb is not None else ""


def cell_shows(course: Path, student: str, notebook: str, grade_id: str) -> str:
    nb = autograded(course, student, notebook)
    assert nb is not None, f"{student}'s {notebook} was not graded"
    return shown(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def integrity(course: Path, student: str, notebook: str) -> set[str]:
    nb = autograded(course, student, notebook)
    record = nb.metadata.get("autograder", {}) if nb is not None else {}
    return {entry["kind"] for entry in record.get("integrity", [])}


def feedback_pages(course: Path, student: str) -> dict[str, str]:
    folder = course / "feedback" / student / ASSIGNMENT
    return {path.stem: path.read_text() for path in sorted(folder.glob("*.html"))}


class ActiveMarkup(HTMLParser):
    """What in a page could run or load something: scripts, handlers, URLs, embedded objects."""

    EMBEDDING = ("iframe", "object", "embed", "svg", "form", "base")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.inside = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = tag
        if tag in self.EMBEDDING:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").lower()
            if name.startswith("on") or "javascript:" in value or "hostile" in value:
                self.found.append(f"<{tag} {name}={value[:60]!r}>")
            if tag == "img" and name == "src" and not re.fullmatch(
                    r"data:image/(png|jpeg|gif);base64,[a-z0-9+/=\s]*", value):
                self.found.append(f"<img src={value[:60]!r}>")

    def handle_data(self, data: str) -> None:
        if self.inside in ("script", "style") and ("alert(" in data or "hostile" in data):
            self.found.append(f"<{self.inside}>{data[:60]}")

    def handle_endtag(self, tag: str) -> None:
        self.inside = ""


def active_markup(page: str) -> list[str]:
    parser = ActiveMarkup()
    parser.feed(page)
    return parser.found


# --- each grader: the run, the honest students, the course -------------------------------------

@pytest.mark.parametrize("grader", GRADERS)
def test_the_run_finishes_and_grades_every_student(graded, grader):
    run = graded[grader]
    assert run.returncode in (0, 1), run.stderr[-3000:]
    assert {key[0] for key in grade_rows(run.course)} == graded_by(grader)
    if grader == "parallel":
        assert run.stdout.startswith(f"Graded {len(graded_by(grader))} submission(s) in ")
        assert "\nScores out of 20: mean " in run.stdout


@pytest.mark.parametrize("grader", GRADERS)
def test_honest_students_keep_their_exact_scores(graded, grader):
    course = graded[grader].course
    rows = grade_rows(course)
    for student, earns in HONEST.items():
        assert earned(rows, student) == all_notebooks(earns), student
        assert not any(row.needs_manual_grade or row.manual_score is not None
                       for key, row in rows.items() if key[0] == student), student
        assert all(integrity(course, student, notebook) == set() for notebook in earns), student


@pytest.mark.parametrize("grader", GRADERS)
def test_the_course_files_are_unchanged(graded, grader):
    run = graded[grader]
    after = course_files(run.course)
    for name in ("nbgrader_config.py", "course_secret.key"):
        assert after[name] == run.files_before[name], name
    for folder in ("source/", "release/"):
        assert ({k: v for k, v in after.items() if k.startswith(folder)}
                == {k: v for k, v in run.files_before.items() if k.startswith(folder)}), folder


@pytest.mark.parametrize("grader", GRADERS)
def test_nothing_is_written_outside_the_graded_output(graded, grader):
    run = graded[grader]
    after = course_files(run.course)
    changed = {path for path in {*after, *run.files_before}
               if after.get(path) != run.files_before.get(path)}
    assert {path for path in changed if not path.startswith(OUTPUT)} == set()
    left = [str(Path(place, name)) for place in EVERYWHERE if os.path.isdir(place)
            for name in os.listdir(place) if name.startswith(MARK)]
    left += [str(path) for path in run.course.rglob(f"{MARK}*")]
    assert left == []


@pytest.mark.parametrize("grader", GRADERS)
def test_no_process_of_the_run_is_left(graded, grader):
    assert graded[grader].survivors == []


# --- each grader: each attack -------------------------------------------------------------------

@pytest.mark.parametrize(("grader", "attack"), by_their_graders(ATTACKS))
def test_an_attack_earns_only_what_its_work_earns(graded, grader, attack):
    rows = grade_rows(graded[grader].course)
    assert earned(rows, attack.name) == all_notebooks(attack.earns)
    for (student, notebook, cell), row in rows.items():
        if student == attack.name:
            assert row.max_score == rows["honest-full", notebook, cell].max_score
            assert row.manual_score is None


@pytest.mark.parametrize(("grader", "attack"), by_their_graders(ATTACKS))
def test_an_attacked_notebook_is_graded_automatically(graded, grader, attack):
    rows = grade_rows(graded[grader].course)
    assert {row.needs_manual_grade for (student, notebook, _), row in rows.items()
            if student == attack.name and notebook in attack.earns} <= {attack.manual}


@pytest.mark.parametrize(("grader", "attack"),
                         by_their_graders([a for a in ATTACKS if a.flags]))
def test_tampering_is_flagged_for_the_instructor(graded, grader, attack):
    assert attack.flags <= integrity(graded[grader].course, attack.name, attack.notebook)


@pytest.mark.parametrize("grader", BY_NAME["symlinks"].graders)
def test_a_linked_notebook_is_graded_blank_and_flagged(graded, grader):
    course = graded[grader].course
    assert integrity(course, "symlinks", NB1) == {"linked_notebook"}
    assert autograded(course, "symlinks", NB1).cells[0].source.startswith(
        f"**Not graded as your work:** {NB1}.ipynb was submitted as a symbolic link")


@pytest.mark.parametrize(("grader", "attack"),
                         by_their_graders([BY_NAME["file_system"], BY_NAME["symlinks"]]))
def test_nothing_of_the_course_reaches_a_kernel(graded, grader, attack):
    course = graded[grader].course
    output = notebook_shows(course, attack.name, attack.notebook)
    assert course_secret(course).hex() not in output
    assert "SQLite format 3" not in output
    found = re.findall(r"FOUND (\S+)", output)  # what read_course_files found
    assert [path for path in found if not path.startswith(sys.prefix + "/")] == []


@pytest.mark.parametrize("grader", BY_NAME["fork_bomb"].graders)
def test_a_fork_bomb_is_held_to_the_process_limit(graded, grader):
    output = notebook_shows(graded[grader].course, "fork_bomb", NB2)
    assert 0 < int(re.search(r"hostile-forks (\d+)", output).group(1)) < 64


@pytest.mark.parametrize("grader", BY_NAME["memory_hog"].graders)
def test_a_kernel_and_its_children_hold_at_most_its_memory_limit(graded, grader):
    if not jail_memory_limited():
        pytest.xfail("not root, or no cgroup memory controller here: RLIMIT_AS limits each "
                     "process of a kernel, not the kernel with its children")
    output = notebook_shows(graded[grader].course, "memory_hog", NB4)
    assert int(re.search(r"hostile-memory (\d+) MiB", output).group(1)) <= 2048


@pytest.mark.parametrize("grader", BY_NAME["huge_output"].graders)
def test_huge_output_is_cut_and_grading_goes_on(graded, grader):
    course = graded[grader].course
    assert (course / "autograded/huge_output" / ASSIGNMENT / f"{NB2}.ipynb").stat().st_size < (
        4 << 20)
    assert "returned an array of shape (2097152,)" in cell_shows(
        course, "huge_output", NB2, "test_dloss_dyhat_shape")


@pytest.mark.parametrize("grader", BY_NAME["hang_in_call"].graders)
def test_a_call_that_hangs_is_cut_off(graded, grader):
    course = graded[grader].course
    assert cell_shows(course, "hang_in_call", NB5, "test_da_dh_values") == "\n".join(
        hidden_message("da_dh(h)", "values", "timed_out"))
    cell = next(c for c in autograded(course, "hang_in_call", NB5).cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "test_da_dh_values")
    assert cell.metadata.autograder.verdict == "timed_out"  # the records tell it apart


@pytest.mark.parametrize("grader", BY_NAME["kill_everything"].graders)
def test_a_kernel_killing_all_in_sight_stops_only_its_notebook(graded, grader):
    nb = autograded(graded[grader].course, "kill_everything", NB3)
    assert nb.metadata.autograder.stopped.startswith("the kernel died while running cell")


def scanned_and_found_nothing(shows: str, course: Path, student: str) -> None:
    """What ``scan_memory`` printed (its notebook's outputs): that it looked, and found
    neither the graders' secret variable, nor the course's path, nor another student's id."""
    assert re.search(r"hostile-memory-scanned [1-9]\d* MiB", shows)
    environ = re.search(r"hostile-environ (b.*)", shows)
    assert environ is not None and "HOME=/home/student" in environ.group(1)
    assert "INSTRUCTOR" not in environ.group(1)
    shows_nothing_of_the_grader_nor_of_others(shows, course, student)


def shows_nothing_of_the_grader_nor_of_others(text: str, course: Path, student: str) -> None:
    assert "hostile-found b" not in text
    assert INSTRUCTOR_SECRET not in text
    assert str(course) not in text
    others = [name for name in [*HONEST, *BY_NAME, "honest-first"] if name != student]
    assert [name for name in others if name in text] == []


@pytest.mark.parametrize("grader", BY_NAME["scan_memory"].graders)
def test_a_kernel_holds_nothing_of_the_grader_nor_of_other_students(graded, grader):
    course = graded[grader].course
    scanned_and_found_nothing(notebook_shows(course, "scan_memory", NB1), course, "scan_memory")
    for page in feedback_pages(course, "scan_memory").values():
        shows_nothing_of_the_grader_nor_of_others(page, course, "scan_memory")


def test_a_station_kernel_holds_nothing_of_the_worker_nor_of_other_students(
        generated_course, tmp_path, monkeypatch):
    """The cluster path: a worker's station grades an honest student, then the scan."""
    monkeypatch.setenv("INSTRUCTOR_DB_PASSWORD", INSTRUCTOR_SECRET)
    course = copy_course(generated_course, tmp_path / "class")
    keep(write_submission(course, ASSIGNMENT, "honest-first",
                          solution_answers(course, ASSIGNMENT)), [NB1])
    submit_attack(course, BY_NAME["scan_memory"])
    settings = StationSettings(assignment=ASSIGNMENT, checks=grading_stack())
    station = Station(pack_kit(course, ASSIGNMENT), settings)
    try:
        recordings = [station.grade(student, read_files(course / "submitted" / student
                                                        / ASSIGNMENT))
                      for student in ("honest-first", "scan_memory")]
        root = station.root
    finally:
        station.close()
    assert [r.outcome["status"] for r in recordings] == ["graded", "graded"]
    notebook = nbformat.reads(recordings[1].notebooks[f"{NB1}.ipynb"].decode(), as_version=4)
    shows = shown(notebook.cells)
    scanned_and_found_nothing(shows, root, "scan_memory")
    assert str(course) not in shows


@pytest.mark.parametrize("grader", BY_NAME["jail_escape"].graders)
def test_the_jail_refuses_namespaces_ptrace_io_uring_bpf_keys_and_mounts(graded, grader):
    shows = notebook_shows(graded[grader].course, "jail_escape", NB2)
    tried = dict(re.findall(r"hostile-syscall (\S+) (\S+)", shows))
    assert {"unshare-user", "unshare-command", "clone-newuser", "setns", "ptrace", "io_uring",
            "bpf", "keyctl", "add_key", "mount", "fsopen"} <= set(tried)
    refused = {name: "ENOSYS" if name == "clone3" else "EPERM" for name in tried}
    assert tried == refused
    assert "hostile-fork 3" in shows  # a plain fork still works


@pytest.mark.parametrize("grader", BY_NAME["jail_escape"].graders)
def test_a_kernel_imports_numpy_but_no_other_package_of_the_grading_machine(graded, grader):
    shows = notebook_shows(graded[grader].course, "jail_escape", NB2)
    assert dict(re.findall(r"hostile-import (\S+) (\S+)", shows)) == {
        "sympy": "refused", "nbgrader": "refused", "dask": "refused", "distributed": "refused",
        "numpy": "ok"}


@pytest.mark.parametrize("grader", GRADERS)
def test_a_cpu_hog_costs_no_one_else(graded, grader):
    if not jail_cpu_limited():
        pytest.xfail("not root, or no cgroup cpu controller here: a kernel's processes may "
                     "keep every core busy (the run's header says so)")
    shows = notebook_shows(graded[grader].course, "cpu_hog", NB5)
    assert int(re.search(r"hostile-spinners (\d+)", shows).group(1)) >= 40
    # the honest students' exact scores, and no process left: the tests above


# --- the feedback and summary of python -m autograder grade -------------------------------------

def test_every_feedback_page_is_inert(parallel):
    pages = {(student, name): page for student in [*HONEST, *BY_NAME]
             for name, page in feedback_pages(parallel.course, student).items()}
    assert len(pages) > len(ATTACKS)
    assert {key: active_markup(page) for key, page in pages.items()} == dict.fromkeys(pages, [])
    page = feedback_pages(parallel.course, "feedback_html")[NB1]
    for marker in ("plain", "stream", "markdown", "raw"):  # shown, as text
        assert f"&lt;script&gt;alert(&#x27;hostile-{marker}&#x27;)" in page.replace("'", "&#x27;")


@pytest.mark.parametrize("attack", ATTACKS, ids=str)
def test_the_feedback_folder_holds_no_course_file(parallel, attack):
    secret = course_secret(parallel.course).hex().encode()
    for path in (parallel.course / "feedback" / attack.name).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert secret not in data and not data.startswith(b"SQLite format 3"), path


def test_the_feedback_names_no_hidden_size(parallel):
    secret = course_secret(parallel.course)
    for student in [*HONEST, *BY_NAME]:
        for name, page in feedback_pages(parallel.course, student).items():
            case = next(case for case in cases_of(ASSIGNMENT) if case.notebook == name)
            for run in hidden_runs(secret, ASSIGNMENT, student, case):
                for size_name, size in run.sizes.items():
                    assert not re.search(rf"\b{size_name}\s*=\s*{size}\b", page), (
                        student, name, size_name)


def test_printed_hidden_inputs_do_not_reach_the_feedback(parallel):
    page = feedback_pages(parallel.course, "print_inputs")[NB3]
    assert not re.search(r"hostile-print sizes \(\d", page)
    case = get_case("vector_wrt_matrix")
    for run in hidden_runs(course_secret(parallel.course), ASSIGNMENT, "print_inputs", case):
        inputs = case.sample_inputs(run.sizes, run.seed)
        for value in [*inputs["W"].ravel()[:4], *inputs["x"].ravel()[:4]]:
            assert f"{value:.5f}" not in page


def first_hidden_sizes(course: Path, student: str) -> dict[str, int]:
    return hidden_runs(course_secret(course), ASSIGNMENT, student,
                       get_case("scalar_wrt_vector"))[0].sizes


def test_hidden_sizes_do_not_leak_through_the_reported_shape(parallel):
    page = feedback_pages(parallel.course, "leak_hidden_sizes")[NB2]
    assert "jacobian_shape(B, D) returned a wrong shape." in page  # the hidden run's verdict
    assert [shape for shape in re.findall(r"\(([^()]*)\)", page) if shape.count(",") >= 8] == []


def _raisable(error: type[BaseException]) -> bool:
    try:
        error()
    except TypeError:
        return False
    return True


def test_hidden_sizes_do_not_leak_through_exception_names(parallel):
    errors = sorted(name for name, value in vars(builtins).items()  # as the attack lists them
                    if isinstance(value, type) and issubclass(value, BaseException)
                    and value is not NotImplementedError and _raisable(value))
    verdicts = "\n".join(cell_shows(parallel.course, "leak_hidden_sizes", NB2, grade_id)
                         for grade_id in ("test_dloss_dyhat_shape", "test_dloss_dyhat_values"))
    assert re.findall(r"dloss_dyhat\(y, yhat\) raised (\w+)", verdicts) != []
    assert set(re.findall(r"dloss_dyhat\(y, yhat\) raised (\w+)", verdicts)) == {"an"}
    assert not any(re.search(rf"\b{error}\b", verdicts) for error in errors)


def test_a_hidden_run_shows_one_of_its_checks_few_texts_and_no_diagnosis(parallel):
    """Every failed hidden run of every student, honest or hostile, shows one of the fixed
    texts of its check; the diagnosis the grader recorded of it is in no feedback page."""
    hidden_failures = 0
    for student in [*HONEST, *BY_NAME]:
        pages = feedback_pages(parallel.course, student)
        for case in cases_of(ASSIGNMENT):
            nb = autograded(parallel.course, student, case.notebook)
            for cell in nb.cells if nb is not None else []:
                record = cell.metadata.get("autograder", {})
                if not record.get("hidden") or record.get("passed"):
                    continue
                hidden_failures += 1
                call = (f"jacobian_shape({', '.join(case.size_names)})"
                        if record["check"] == "predicted_shape"
                        else f"{case.function}({', '.join(case.arguments)})")
                assert shown([cell]) in hidden_texts(call, record["check"]), (student, record)
                page = html.unescape(pages[case.notebook])
                if record.get("diagnosis"):
                    assert record["diagnosis"] not in page, (student, record)
                    assert TITLES[record["diagnosis"]] not in page, (student, record)
    assert hidden_failures >= 5  # the attacks on hidden runs reached them
    values = next(c for c in autograded(parallel.course, "leak_through_diagnosis", NB2).cells
                  if c.metadata.get("nbgrader", {}).get("grade_id") == "test_dloss_dyhat_values")
    assert values.metadata.autograder.diagnosis in {"sign_flipped", "scaled", "all_zeros"}


def test_the_summary_holds_no_escape_sequence(parallel):
    assert "\x1b" not in parallel.stdout + parallel.stderr


def test_no_grading_worker_dies(parallel):
    assert "the grading process died" not in parallel.stdout


# --- attacks that stopped a whole run ------------------------------------------------------------

@pytest.mark.parametrize("grader", GRADERS)
def test_malformed_metadata_costs_no_one_else(runs, grader):
    run = runs["stoppers"][grader]
    rows = grade_rows(run.course)
    assert earned(rows, "honest-first") == all_notebooks({NB1: SOLVED})
    for attack in RUN_STOPPERS:
        assert earned(rows, attack.name) == all_notebooks(attack.earns)
    assert run.survivors == []


PEAK_MIB = 1024
"""The most memory one process of the run of the small class may hold: a grading process
(about 300 MiB) and a kernel (about 150 MiB) stay far below it; a flood on IOPub left unread
made the grading process hold 1.7 to 3 GiB, and the fingerprint of a 2 GiB sparse file held
all of it."""


@pytest.mark.parametrize("grader", GRADERS)
def test_no_process_of_the_grader_swells_with_a_students_output_or_files(runs, grader):
    assert runs["stoppers"][grader].peak_mib < PEAK_MIB


@pytest.mark.parametrize("grader", GRADERS)
def test_no_unreadable_file_reaches_the_graded_folder(runs, grader):
    folder = runs["stoppers"][grader].course / "autograded/unreadable_files" / ASSIGNMENT
    assert sorted(path.name for path in folder.iterdir()) == [f"{NB2}.ipynb", "timestamp.txt"]


def test_the_summary_names_every_file_not_read_and_why(runs):
    summary = runs["stoppers"]["parallel"].stdout
    for line in [
            f"deep_notebook: {NB1}: {NB1}.ipynb cannot be read as a notebook: it nests lists "
            "and objects more than 64 levels deep",
            f"deep_notebook: {NB1}: the notebook nests lists and objects more than 64 levels "
            "deep",
            "unreadable_files: data.bin: data.bin holds 100 MiB, over the 64 MiB a submitted "
            "file may hold: neither read nor copied",
            "unreadable_files: kmsg: kmsg is a symbolic link (to /proc/kmsg), not a file: it is "
            "neither graded nor copied",
            f"unreadable_files: pipe: pipe is a symbolic link (to {OUTSIDE}/pipe)",
            "unreadable_files: loop: loop is a symbolic link (to .)",
            "linked_timestamp: timestamp.txt: timestamp.txt is a symbolic link",
            f"linked_timestamp: {NB1}: a file of the submission was refused unread"]:
        assert f"  {line}" in summary, line


def test_nbgrader_autograde_logs_every_file_it_did_not_copy(runs):
    log = runs["stoppers"]["serial"].stderr
    assert "data.bin holds 100 MiB, over the 64 MiB a submitted file may hold: neither read " \
           "nor copied" in log
    assert "huge.bin is a symbolic link (to ../../../../outside/huge.bin): neither read nor " \
           "copied" in log
    assert "RefusedFile: timestamp.txt (which nbgrader reads) is a symbolic link or not a " \
           "file" in log
    assert f"TooDeepNotebook: {NB1}.ipynb nests lists and objects more than 64 levels deep" in log


@pytest.mark.parametrize("grader", BY_NAME["huge_npy_header"].graders)
def test_a_header_claiming_terabytes_is_only_that_students_failure(graded, grader):
    assert cell_shows(graded[grader].course, "huge_npy_header", NB2,
                      "test_dloss_dyhat_shape") == (
        f"dloss_dyhat(y, yhat) returned {NOT_AN_ARRAY['too_large']}.\n"
        "It should return a NumPy array: the Jacobian, with the shape you predicted in part 1.")


@pytest.mark.parametrize("grader", GRADERS)
def test_a_message_too_deep_to_read_stops_only_its_notebook_with_the_reason(graded, grader):
    course = graded[grader].course
    assert re.fullmatch(r"cell \d+ of the notebook sent the grader a message it could not "
                        r"read \(forged, or nesting too deep\)",
                        autograded(course, "deep_output", NB1).metadata.autograder.stopped)
    sizes = ", ".join(map(str, get_case("scalar_wrt_vector").visible_sizes.values()))
    assert cell_shows(course, "deep_reply", NB2, "test_jacobian_shape") == (
        f"jacobian_shape({sizes}) gave no answer: your kernel sent the grader a message it "
        "could not read, so the kernel was shut down.")


@pytest.mark.parametrize("grader", GRADERS)
def test_a_flood_on_iopub_stops_only_its_notebook_with_the_reason(runs, grader):
    assert cell_shows(runs["stoppers"][grader].course, "iopub_flood", NB2,
                      "test_dloss_dyhat_shape") == (
        "dloss_dyhat(y, yhat) gave no answer: dloss_dyhat printed or displayed more than "
        f"{MAX_CALL_OUTPUT >> 20} MiB in one call, so the kernel was shut down.")
