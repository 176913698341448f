"""What travels through the cluster: the grading kit of a course, and students' files.

No shared file system is needed. The instructor's process packs, once per run, what a worker
needs to grade an assignment (the kit), and, for each student, the files of the submission;
results come back the same way (:mod:`.station`). Files travel as ``{relative path: bytes}``.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from ..course_secret import SECRET_FILE
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
