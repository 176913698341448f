"""What travels through the cluster: the grading kit of a course, and students' files.

No shared file system is needed. The instructor's process packs, once per run, what a worker
needs to grade an assignment (the kit), and, for each student, the files of the submission;
results come back the same way (:mod:`.station`). Files travel as ``{relative path: bytes}``.
Where the kit is unpacked (a cluster worker, a Gradescope container), the copy of the course
gets a gradebook of its own (:func:`make_local_gradebook`).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import tarfile
import warnings
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from ..course_config import load_course_config
from ..course_secret import SECRET_FILE
from ..grading.warm_nbgrader import warm_nbgrader
from ..grading.worker import LOGGER
from ..submission_files import RefusedFile, read_file, walk

Files = dict[str, bytes]
"""Regular files under a folder, by path relative to it (``"sub/name.ipynb"``)."""


def read_files(folder: Path) -> Files:
    """The regular files under ``folder`` that :func:`autograder.submission_files.walk`
    admits, read without following a link; links, special files and files beyond its bounds
    are left behind (the scan reports them), and so is a file that changed since it was
    listed."""
    files = {}
    for path in walk(folder).files:
        try:
            files[path] = read_file(folder, path)
        except RefusedFile:
            continue
    return files


def read_links(folder: Path) -> list[str]:
    """The symbolic links under ``folder`` (not under a linked folder), relative to it."""
    return [link.path for link in walk(folder).links]


def write_files(files: Files, folder: Path) -> None:
    """Write ``files`` under ``folder``, refusing any path that would leave it."""
    for name, data in files.items():
        path = _inside(folder, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def write_links(links: Iterable[str], folder: Path) -> None:
    """Make each of ``links`` under ``folder`` a symbolic link to nowhere: a submission's
    links are refused wherever it is graded, whatever they pointed to."""
    for name in links:
        path = _inside(folder, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(LINK_TARGET)


LINK_TARGET = "/nonexistent/left-behind-by-the-grader"
"""Where a link of a submission points on a cluster worker."""


def _inside(folder: Path, name: str) -> Path:
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ValueError(f"refused to write {name!r} outside {folder}")
    return folder.joinpath(*relative.parts)


def kit_files(root: Path, assignment: str) -> Files:
    """What grading ``assignment`` needs of the course at ``root``: its ``nbgrader_config.py``,
    its source notebooks (the tests) and its secret (the hidden inputs), by path relative to
    the course directory."""
    files = {"nbgrader_config.py": (root / "nbgrader_config.py").read_bytes(),
             SECRET_FILE: (root / SECRET_FILE).read_bytes()}
    return files | {f"source/{assignment}/{name}": data
                    for name, data in read_files(root / "source" / assignment).items()}


def pack_kit(root: Path, assignment: str) -> bytes:
    """The kit of ``assignment`` (:func:`kit_files`) as a tar (the same bytes for the same
    files)."""
    files = kit_files(root, assignment)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in sorted(files.items()):
            entry = tarfile.TarInfo(name)
            entry.size, entry.mode = len(data), 0o600
            archive.addfile(entry, io.BytesIO(data))
    return buffer.getvalue()


def unpack_kit(kit: bytes, folder: Path) -> None:
    """Write the kit's files under ``folder``."""
    with tarfile.open(fileobj=io.BytesIO(kit), mode="r") as archive:
        files = {entry.name: archive.extractfile(entry).read()  # type: ignore[union-attr]
                 for entry in archive.getmembers() if entry.isfile()}
    write_files(files, folder)


def kit_id(kit: bytes) -> str:
    """A name of the kit's content, for workers to keep one course copy per kit."""
    return hashlib.sha256(kit).hexdigest()[:16]


def local_gradebook(root: Path) -> Config:
    """The configuration that points the copy of a course at ``root`` (its kit's files) to a
    gradebook of its own, ``root/gradebook.db`` (the course's own may be a database server),
    over the copy's ``nbgrader_config.py``."""
    config = Config()
    config.CourseDirectory.db_url = "sqlite:///" + str(root / "gradebook.db")
    return config


def local_course(root: Path) -> CourseDirectory:
    """The course directory of the copy at ``root``, on its own gradebook."""
    config = load_course_config(root)
    config.merge(local_gradebook(root))
    return CourseDirectory(config=config)


def make_local_gradebook(root: Path, assignment: str) -> CourseDirectory:
    """Make the copy of a course at ``root`` gradable here: its own gradebook
    (:func:`local_gradebook`) holding ``assignment``, made by nbgrader's
    ``generate_assignment`` from the kit's source notebooks, and ``release/``. Returns the
    copy's course directory; nbgrader's log goes to the :data:`LOGGER` of grading.

    nbgrader runs warm (:func:`~autograder.grading.warm_nbgrader.warm_nbgrader`): the new
    gradebook is stamped with its schema version read in this process, not by the new
    interpreter nbgrader starts for it."""
    coursedir = local_course(root)
    coursedir.assignment_id = assignment
    with warm_nbgrader(), warnings.catch_warnings():  # nbgrader's warnings: logged only
        warnings.simplefilter("ignore")
        GenerateAssignment(coursedir=coursedir, config=coursedir.config, force=True,
                           log=logging.getLogger(LOGGER)).start()
    return coursedir


def cells_fingerprint(db_url: str, assignment: str) -> str:
    """A digest of what a gradebook holds of ``assignment``'s notebooks: every cell nbgrader
    keeps (its kind, name, source and checksum, and each graded cell's points). Two
    gradebooks made from the same source notebooks have the same; ``""`` if the gradebook
    does not hold the assignment."""
    with Gradebook(db_url) as gradebook:
        try:
            found = gradebook.find_assignment(assignment)
        except MissingEntry:
            return ""
        notebooks = sorted(found.notebooks, key=lambda notebook: notebook.name)
        held = [[notebook.name,
                 sorted([cell.name, cell.cell_type, cell.locked, cell.source, cell.checksum]
                        for cell in notebook.source_cells),
                 sorted([cell.name, cell.cell_type, float(cell.max_score)]
                        for cell in notebook.grade_cells),
                 sorted(cell.name for cell in notebook.solution_cells),
                 sorted([cell.name, float(cell.max_score)] for cell in notebook.task_cells)]
                for notebook in notebooks]
    return hashlib.sha256(json.dumps(held).encode()).hexdigest()
