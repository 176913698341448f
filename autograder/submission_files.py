"""A submission's files, read as files: the one walk of a student's folder, bounded.

Every step that looks at a student's files in the grader's processes -- the regrade
fingerprint, the scan for problems, the copy nbgrader makes for grading, the files sent to a
cluster worker -- lists them with :func:`walk` and reads them with :func:`read_chunks` or
:func:`read_file`. So, whatever a student submits:

- a symbolic link is listed as a link and never followed, not even to a folder (a loop of
  links costs nothing);
- a named pipe, socket or device is refused and never opened (a regular file is opened with
  ``O_NOFOLLOW | O_NONBLOCK``, and checked to be one once open);
- a file over :data:`MAX_FILE_BYTES` (a sparse file, say), the files beyond
  :data:`MAX_TOTAL_BYTES` in all, folders nested deeper than :data:`MAX_DEPTH` and the
  entries beyond :data:`MAX_ENTRIES` are refused, each with the reason, and never read;
- a file is read in chunks, and never more than the bound it was admitted with.

What is refused is that student's problem, reported with the reason; the walk itself never
raises for what a submission holds.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

MiB = 1 << 20
MAX_FILE_BYTES = 64 * MiB
"""The largest file read: as large as a file a jailed kernel may write."""
MAX_TOTAL_BYTES = 256 * MiB
"""The most bytes of files read from one submission: as much as a jail's scratch space."""
MAX_DEPTH = 16
"""Folders nested deeper than this, below the submission folder, are not looked into."""
MAX_ENTRIES = 1000
"""Files, folders and links looked at in one submission; the rest are refused."""
CHUNK_BYTES = MiB
"""Bytes read at a time."""

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class RefusedFile(Exception):
    """A file that is not read: ``path`` and ``reason`` (``"is a named pipe, not a file"``);
    the message is the two together, in words for the instructor."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path} {reason}")
        self.path, self.reason = path, reason


@dataclass(frozen=True, order=True)
class Refused:
    """Something in a submission that is neither read nor copied, and why.

    ``path`` is relative to the submission folder, ``/``-separated (``"."`` for the folder
    itself); ``reason`` goes after it (``"is a named pipe, not a file"``)."""

    path: str
    reason: str

    def __str__(self) -> str:
        """``"<path> <reason>: neither read nor copied"``, for the instructor."""
        where = "the submission folder" if self.path == "." else self.path
        ending = "" if self.reason.endswith(NOT_READ) else f": {NOT_READ}"
        return f"{where} {self.reason}{ending}"


NOT_READ = "neither read nor copied"


@dataclass(frozen=True, order=True)
class Link:
    """A symbolic link in a submission (never followed): its path and what it points to."""

    path: str
    target: str


@dataclass(frozen=True)
class SubmissionFiles:
    """What :func:`walk` found below ``folder``.

    Attributes
    ----------
    folder : Path
    files : tuple of str
        The regular files within the bounds, relative ``/``-separated paths, sorted.
    sizes : dict of str to int
        Each of ``files``' size when it was listed, in bytes.
    links : tuple of Link
        Every symbolic link, sorted (those under a linked folder are not seen: it is not
        entered).
    refused : tuple of Refused
        Everything else that is not read, sorted.
    incomplete : str or None
        Why the walk stopped before it had seen everything, if it did: the submission
        ``"nests folders more than 16 deep"`` or ``"holds more than 1000 files and
        folders"``.
    """

    folder: Path
    files: tuple[str, ...] = ()
    sizes: dict[str, int] = field(default_factory=dict)
    links: tuple[Link, ...] = ()
    refused: tuple[Refused, ...] = ()
    incomplete: str | None = None


def walk(folder: Path) -> SubmissionFiles:
    """The files, links and refused entries below ``folder`` (see the module's bounds)."""
    state = _Walk()
    try:
        root = os.open(folder, _DIRECTORY)
    except OSError as exc:
        reason = ("is a symbolic link, not a folder" if os.path.islink(folder)
                  else f"cannot be read ({exc.strerror})")
        return SubmissionFiles(folder, refused=(Refused(".", reason),), incomplete=reason)
    try:
        state.visit(root, "", 0)
    finally:
        os.close(root)
    return SubmissionFiles(folder, tuple(sorted(state.sizes)), dict(sorted(state.sizes.items())),
                           tuple(sorted(state.links)), tuple(sorted(state.refused)),
                           state.incomplete)


class _Walk:
    """The running totals of one walk."""

    def __init__(self) -> None:
        self.sizes: dict[str, int] = {}
        self.links: list[Link] = []
        self.refused: list[Refused] = []
        self.entries = 0
        self.bytes = 0
        self.incomplete: str | None = None

    def visit(self, directory: int, prefix: str, depth: int) -> None:
        """List the folder open as ``directory`` (at ``prefix``, ``depth`` levels down)."""
        try:
            names = self._names(directory, prefix)
        except OSError as exc:
            self.refused.append(Refused(prefix.rstrip("/") or ".",
                                        f"cannot be listed ({exc.strerror})"))
            return
        for name in names:
            path = prefix + name
            try:
                info = os.stat(name, dir_fd=directory, follow_symlinks=False)
                if stat.S_ISLNK(info.st_mode):
                    self.links.append(Link(path, os.readlink(name, dir_fd=directory)))
                elif stat.S_ISDIR(info.st_mode):
                    self._folder(directory, name, path, depth)
                elif stat.S_ISREG(info.st_mode):
                    self._file(path, info.st_size)
                else:
                    self.refused.append(Refused(path, f"is {_kind(info.st_mode)}, not a "
                                                      "file"))
            except OSError as exc:
                self.refused.append(Refused(path, f"cannot be read ({exc.strerror})"))

    def _names(self, directory: int, prefix: str) -> list[str]:
        """The names in a folder, at most as many as the entries left to look at."""
        names = []
        with os.scandir(directory) as entries:
            for entry in entries:
                if self.entries >= MAX_ENTRIES:
                    self.incomplete = f"holds more than {MAX_ENTRIES} files and folders"
                    self.refused.append(Refused(prefix.rstrip("/") or ".", (
                        f"is where the submission passes {MAX_ENTRIES} files and folders: the "
                        f"rest of it is {NOT_READ}")))
                    break
                self.entries += 1
                names.append(entry.name)
        return sorted(names)

    def _folder(self, directory: int, name: str, path: str, depth: int) -> None:
        if depth >= MAX_DEPTH:
            self.incomplete = f"nests folders more than {MAX_DEPTH} deep"
            self.refused.append(Refused(path, f"is nested more than {MAX_DEPTH} folders "
                                              "deep"))
            return
        inner = os.open(name, _DIRECTORY, dir_fd=directory)
        try:
            self.visit(inner, path + "/", depth + 1)
        finally:
            os.close(inner)

    def _file(self, path: str, size: int) -> None:
        if size > MAX_FILE_BYTES:
            self.refused.append(Refused(path, f"holds {_mib(size)}, over the "
                                              f"{_mib(MAX_FILE_BYTES)} a submitted file may "
                                              "hold"))
        elif self.bytes + size > MAX_TOTAL_BYTES:
            self.refused.append(Refused(path, f"holds {_mib(size)}, and the files before it "
                                              f"{_mib(self.bytes)}, over the "
                                              f"{_mib(MAX_TOTAL_BYTES)} a submission may hold "
                                              "in all"))
        else:
            self.bytes += size
            self.sizes[path] = size


def read_chunks(folder: Path, path: str, limit: int = MAX_FILE_BYTES) -> Iterator[bytes]:
    """The bytes of the regular file ``folder/path``, in chunks of at most
    :data:`CHUNK_BYTES`, without following any link on the way.

    Raises
    ------
    RefusedFile
        If it is not a regular file (or cannot be opened as one), or holds more than
        ``limit`` bytes, checked before reading and while reading (the reason says which).
    """
    descriptor = _open_beneath(folder, path)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(path, f"is {_kind(info.st_mode)}, not a file")
        if info.st_size > limit:
            raise RefusedFile(path, f"holds {_mib(info.st_size)}, over {_mib(limit)}")
        read = 0
        while chunk := os.read(descriptor, min(CHUNK_BYTES, limit + 1 - read)):
            read += len(chunk)
            if read > limit:
                raise RefusedFile(path, f"grew past {_mib(limit)} while it was read")
            yield chunk
    finally:
        os.close(descriptor)


def read_file(folder: Path, path: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``folder/path``, read as :func:`read_chunks` reads them."""
    return b"".join(read_chunks(folder, path, limit))


def _open_beneath(folder: Path, path: str) -> int:
    """A descriptor of the file ``path`` below ``folder``, opened through no link at all."""
    *parents, name = path.split("/")
    try:
        directory = os.open(folder, _DIRECTORY)
    except OSError as exc:
        raise RefusedFile(path, f"cannot be read: its folder cannot be opened "
                                f"({exc.strerror})") from None
    try:
        for parent in parents:
            inner = os.open(parent, _DIRECTORY, dir_fd=directory)
            os.close(directory)
            directory = inner
        return os.open(name, _FILE, dir_fd=directory)
    except OSError as exc:
        raise RefusedFile(path, f"cannot be opened as a file ({exc.strerror})") from None
    finally:
        os.close(directory)


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a symbolic link"))
    return next((word for test, word in kinds if test(mode)), "not a regular file")


def _mib(size: int) -> str:
    return f"{size / MiB:.0f} MiB" if size >= MiB else f"{size} bytes"
