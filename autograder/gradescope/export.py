"""``python -m autograder export --format gradescope ASSIGNMENT``: the autograder zip.

What Gradescope takes (https://gradescope-autograders.readthedocs.io/en/latest/specs/), its
files at the zip's root:

``setup.sh``, ``run_autograder``
    :mod:`.scripts`.
``constraints.txt``
    The kit's pinned grading stack, which ``setup.sh`` installs.
``grader/``
    The sources of this kit's grader (``pyproject.toml``, ``README.md``, ``autograder/``)
    and of its checks (``student/``), which ``setup.sh`` builds and installs: the code that
    made this export.
``course/``
    The assignment's kit (:func:`prepared_kit`): the course's ``nbgrader_config.py``,
    ``source/ASSIGNMENT/``, the course secret, and a gradebook and ``release/ASSIGNMENT/``
    made from them by nbgrader.

The zip holds the tests and the secret: keep it private (it is written mode 0600).
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import autograder
import jacobian_checks

from ..cluster.kit import Files, kit_files, make_local_gradebook, read_files, write_files
from ..command_error import CommandError
from ..course_config import open_course, require_assignment
from ..course_secret import course_secret
from ..lms.export import EXPORTS_DIRECTORY
from .run import KIT_FOLDER
from .scripts import RUN_AUTOGRADER, SETUP_SH

GRADER_FOLDER = "grader"
EXECUTABLE, PLAIN = 0o755, 0o644
SKIPPED = ("__pycache__", ".egg-info", ".pyc")
"""Build leftovers that are not shipped."""

NOT_THE_GRADERS = ("text.py", "answers.py")
"""The files of a case folder the grader never reads: the course builder's and the tests'."""


@dataclass(frozen=True)
class AutograderZip:
    """A written autograder zip: where, for which assignment, and its notebooks."""

    path: Path
    assignment: str
    notebooks: list[str]


def export_autograder(root: Path, assignment: str, out: Path | None = None) -> AutograderZip:
    """Write the Gradescope autograder zip of ``assignment`` of the course at ``root``.

    ``out`` defaults to ``<root>/exports/<assignment>-gradescope.zip``.

    Raises
    ------
    CommandError
        If the course or assignment is missing, this kit's sources cannot be found (it must
        be installed from its folder, as ``make venv`` does), or ``out`` cannot be written.
    """
    coursedir = open_course(root)
    require_assignment(coursedir, assignment)
    course_secret(root)  # made now if the course has none yet, as grading would
    kit = prepared_kit(Path(coursedir.root), assignment)
    notebooks = sorted(Path(name).stem for name in kit if name.startswith("source/")
                       and name.endswith(".ipynb"))
    files = {"setup.sh": SETUP_SH.encode(), "run_autograder": RUN_AUTOGRADER.encode(),
             **{f"{GRADER_FOLDER}/{name}": data for name, data in grader_sources().items()},
             **{f"{KIT_FOLDER}/{name}": data for name, data in kit.items()}}
    files["constraints.txt"] = (kit_folder() / "constraints.txt").read_bytes()
    path = out if out is not None else (
        Path(coursedir.root) / EXPORTS_DIRECTORY / f"{assignment}-gradescope.zip")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_zip(path, files, executable=("setup.sh", "run_autograder"))
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror or error}") from None
    return AutograderZip(path, assignment, notebooks)


def prepared_kit(root: Path, assignment: str) -> Files:
    """The assignment's kit (:func:`autograder.cluster.kit.kit_files`) with what nbgrader's
    ``generate_assignment`` makes of it in a copy of its own: a gradebook holding only the
    assignment (no student), and ``release/`` (each run would spend seconds making them)."""
    kit = kit_files(root, assignment)
    if not any(name.endswith(".ipynb") for name in kit):
        raise CommandError(f"source/{assignment}/ has no notebooks")
    with tempfile.TemporaryDirectory(prefix="autograder-gradescope-kit-") as folder:
        write_files(kit, Path(folder))
        make_local_gradebook(Path(folder), assignment)
        return read_files(Path(folder))


def kit_folder() -> Path:
    """The folder this kit was installed from (``pyproject.toml``, ``autograder/``,
    ``student/``, ``constraints.txt``)."""
    folder = Path(autograder.__file__).resolve().parent.parent
    needed = [folder / "pyproject.toml", folder / "constraints.txt",
              folder / "student" / "pyproject.toml"]
    if not all(path.is_file() for path in needed) or Path(
            jacobian_checks.__file__).resolve().parent != folder / "student" / "jacobian_checks":
        raise CommandError(f"the Gradescope zip ships this kit's sources, but {folder} is not "
                           "the kit's folder: install the kit from its folder (make venv)")
    return folder


def grader_sources() -> Files:
    """The files ``setup.sh`` installs the grader and the checks from, by path in
    ``grader/``: of the case folders (``cases/``), the math alone, which the grader reads --
    not a case's notebook text or answers (:data:`NOT_THE_GRADERS`)."""
    folder = kit_folder()
    files = {name: (folder / name).read_bytes() for name in ("pyproject.toml", "README.md")}
    for package in (folder / "autograder", folder / "cases", folder / "student"):
        for path in sorted(path for path in package.rglob("*") if path.is_file()):
            relative = path.relative_to(folder)
            if not any(part.endswith(SKIPPED) for part in relative.parts) and not (
                    relative.parts[0] == "cases" and path.name in NOT_THE_GRADERS):
                files[relative.as_posix()] = path.read_bytes()
    return files


def write_zip(path: Path, files: Files, executable: Iterable[str] = ()) -> None:
    """Write ``files`` into a new zip at ``path`` (mode 0600), the ``executable`` ones with
    mode 0755 and the others 0644, as Gradescope unpacks them."""
    scripts = set(executable)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # also if it existed
    with os.fdopen(descriptor, "wb") as stream, zipfile.ZipFile(
            stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            entry = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            entry.external_attr = (0o100000 | (EXECUTABLE if name in scripts else PLAIN)) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)


def format_autograder_zip(written: AutograderZip) -> str:
    """What was written, and what to do with it."""
    return "\n".join([
        f"Wrote the Gradescope autograder of {written.assignment} to {written.path} "
        f"({len(written.notebooks)} notebooks: {', '.join(written.notebooks)}).",
        "It holds the tests and the course secret: keep it private. Upload it as the "
        "programming assignment's autograder (Configure Autograder > Zip file upload); "
        "students submit the notebooks under these names."])
