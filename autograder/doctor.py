"""``python -m autograder doctor``: is this course ready to grade? One line per check.

Each check says what it found and, when something is wrong, what to do about it, in one line:
the course directory and its config, the gradebook and its assignments, the course secret, the
exchange, the sandbox (and the limits the host gives it), and the versions of the grading stack
against the ones this kit pins.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default.exchange import Exchange

from .course_config import CONFIG_FILE, load_course_config
from .course_secret import SECRET_FILE
from .kernels.preflight import SandboxUnavailable
from .kernels.preflight import check as check_sandbox
from .new_course import KIT
from .sandbox import cgroups

PINNED = ("nbgrader", "nbclient", "nbconvert", "ipykernel", "jupyter_client", "numpy",
          "traitlets")
"""The grading stack whose versions make a grade reproducible (``constraints.txt``)."""


@dataclass(frozen=True)
class Finding:
    """One check's result: ``ok``, or what is wrong and ``fix``."""

    name: str
    ok: bool
    found: str
    fix: str = ""

    def line(self) -> str:
        mark = "ok " if self.ok else "FIX"
        return f"{mark} {self.name}: {self.found}" + (f" -> {self.fix}" if self.fix else "")


def examine(root: Path, *, sandbox: Callable[[], None] = check_sandbox,
            constraints: Path = KIT / "constraints.txt") -> list[Finding]:
    """Every check of the course at ``root``, in order; later checks are skipped when the
    course directory itself is missing. ``sandbox`` raises ``SandboxUnavailable`` if this
    machine cannot sandbox; ``constraints`` pins the grading stack's versions."""
    findings = [_course_dir(root)]
    if not findings[0].ok:
        return findings
    config = load_course_config(root)
    coursedir = CourseDirectory(config=config)
    findings += list(_gradebook(coursedir))
    findings += [_secret(root), _exchange(config, root), _sandbox(sandbox),
                 *_versions(constraints)]
    return findings


def format_findings(findings: list[Finding]) -> str:
    problems = sum(not finding.ok for finding in findings)
    verdict = ("Ready to grade." if not problems else
               f"{problems} thing(s) to fix before grading (lines marked FIX).")
    return "\n".join([finding.line() for finding in findings] + [verdict])


def _course_dir(root: Path) -> Finding:
    if not (root / CONFIG_FILE).is_file():
        return Finding("course directory", False, f"{root.absolute()} has no {CONFIG_FILE}",
                       "run doctor in your course directory (--course-dir DIR), or make one: "
                       "python -m autograder new-course DIR")
    try:
        load_course_config(root)
    except Exception as error:  # a broken config: say what Python said
        return Finding("course directory", False,
                       f"{CONFIG_FILE} does not load ({type(error).__name__}: {error})",
                       f"fix {root.absolute() / CONFIG_FILE}")
    return Finding("course directory", True, f"{root.absolute()}")


def _gradebook(coursedir: CourseDirectory) -> Iterator[Finding]:
    source = Path(coursedir.root) / coursedir.source_directory
    assignments = sorted(p.name for p in source.iterdir() if p.is_dir()) if source.is_dir() else []
    if not assignments:
        yield Finding("assignments", False, f"{source} holds no assignment",
                      "copy the kit's source/<assignment>/ there, or use new-course")
        return
    db_url = str(coursedir.db_url)
    if db_url.startswith("sqlite:///") and not Path(db_url.removeprefix("sqlite:///")).exists():
        yield Finding("gradebook", False, f"no gradebook at {db_url.removeprefix('sqlite:///')}",
                      f"nbgrader generate_assignment {assignments[0]}")
        return
    try:
        with Gradebook(db_url) as gradebook:
            known = {entry.name: entry.duedate for entry in gradebook.assignments}
    except Exception as error:  # a server down, a wrong URL, a corrupt file
        yield Finding("gradebook", False, f"cannot open {db_url} ({type(error).__name__})",
                      "check CourseDirectory.db_url in nbgrader_config.py, and the server")
        return
    yield Finding("gradebook", True, db_url)
    for name in assignments:
        released = (Path(coursedir.root) / coursedir.release_directory / name).is_dir()
        if name not in known or not released:
            yield Finding(f"assignment {name}", False, "not generated",
                          f"nbgrader generate_assignment {name}")
        else:
            due = known[name]
            yield Finding(f"assignment {name}", True, "generated, " + (
                f"due {due:%Y-%m-%d %H:%M} UTC" if due else
                f"no due date (late penalties need one: nbgrader db assignment add {name} "
                "--duedate='2027-01-15 23:59 UTC')"))


def _secret(root: Path) -> Finding:
    path = root / SECRET_FILE
    if not path.exists():
        return Finding("course secret", False, f"no {SECRET_FILE} yet",
                       "it is made on the first grade; if you graded before, restore it from "
                       "your backup, or the hidden inputs change")
    info = path.lstat()
    if not stat.S_ISREG(info.st_mode):
        return Finding("course secret", False, f"{path} is not a regular file", "replace it")
    if info.st_mode & 0o077:
        return Finding("course secret", False, f"{path} is readable by others "
                       f"(mode {stat.S_IMODE(info.st_mode):o})", f"chmod 600 {path}")
    if info.st_uid != os.geteuid():
        return Finding("course secret", False, f"{path} belongs to user id {info.st_uid}",
                       f"chown it to the account that grades (user id {os.geteuid()})")
    text = path.read_text(errors="replace").strip()
    try:
        valid = len(bytes.fromhex(text)) >= 16
    except ValueError:
        valid = False
    if not valid:
        return Finding("course secret", False, f"{path} does not hold a secret",
                       "restore it from your backup, or delete it to draw new hidden inputs")
    return Finding("course secret", True, f"{SECRET_FILE}, private")


def _exchange(config: object, root: Path) -> Finding:
    exchange = Path(Exchange(config=config).root)
    if not exchange.is_dir():
        return Finding("exchange", False, f"{exchange} does not exist", (
            f"mkdir -p {exchange} && chmod 1777 {exchange} (or set c.Exchange.root in "
            f"{CONFIG_FILE}; not needed if you collect through an LMS)"))
    if not os.access(exchange, os.W_OK | os.X_OK):
        return Finding("exchange", False, f"{exchange} is not writable by you",
                       f"chmod 1777 {exchange}")
    mode = stat.S_IMODE(exchange.stat().st_mode)
    if exchange.resolve().is_relative_to(root.resolve()):
        return Finding("exchange", True, f"{exchange} (inside the course: for this account only)")
    if mode & 0o002 and not mode & stat.S_ISVTX:
        return Finding("exchange", False, f"{exchange} is writable by all without the sticky "
                       "bit: a student could delete another's submission",
                       f"chmod 1777 {exchange}")
    return Finding("exchange", True, f"{exchange} (mode {mode:o})")


def _sandbox(check: Callable[[], None]) -> Finding:
    try:
        check()
    except SandboxUnavailable as error:
        return Finding("sandbox", False, error.reason,
                       "see `python -m autograder grade` for what to change on this machine, "
                       "or grade only trusted submissions, with --no-sandbox")
    memory = ("one memory limit per kernel" if cgroups.jail_memory_limited() else
              "memory limited per process only (grade as root with a cgroup memory controller "
              "for one limit per kernel)")
    return Finding("sandbox", True, f"available; {memory}")


def _versions(constraints: Path) -> Iterator[Finding]:
    yield Finding("python", sys.version_info >= (3, 11), sys.version.split()[0],
                  "" if sys.version_info >= (3, 11) else "use Python 3.11 or newer")
    pins = _pins(constraints)
    differ = []
    for name in PINNED:
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "missing"
        if name.lower() in pins and pins[name.lower()] != installed:
            differ.append(f"{name} {installed} (pinned {pins[name.lower()]})")
    if not pins:
        yield Finding("versions", True, "no constraints.txt beside the kit to compare with")
    elif differ:
        yield Finding("versions", False, ", ".join(differ),
                      "grade in the kit's environment (make venv) so that grades are "
                      "reproducible, or pin again deliberately (make lock)")
    else:
        yield Finding("versions", True, "the grading stack is at the kit's pinned versions")


def _pins(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    pins = {}
    for line in path.read_text().splitlines():
        name, separator, version = line.partition("==")
        if separator and not line.startswith("#"):
            pins[name.strip().lower().replace("-", "_")] = version.strip()
    return pins
