"""Screen an LMS download before nbgrader extracts it, and keep a clean copy of it.

nbgrader's extractor (setuptools' ``unpack_zipfile``) silently skips ``..`` paths, reads a
member whole into memory, restores the Unix mode bits the zip claims, and unpacks archives
inside archives. A download is not trusted: every member is checked here (:func:`screen`,
pure), and only the accepted ones are copied, in bounded chunks and without mode bits, into
the zip that nbgrader then extracts (:func:`clean_copy`). What is left out is returned with
the reason, for the instructor.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..course_config import CommandError

MIB = 2**20
PLAIN_FILE = stat.S_IFREG | 0o644
"""What every extracted file becomes: a regular file, ``rw-r--r--``."""
NESTED_ARCHIVES = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar")
"""Suffixes of archives inside a download; nbgrader would try to unpack ``.zip`` and ``.gz``."""


@dataclass(frozen=True)
class Limits:
    """What one download may hold; a notebook of this course is well under 1 MiB."""

    max_file_bytes: int = 25 * MIB
    max_total_bytes: int = 1024 * MIB
    max_members: int = 20_000


DEFAULT_LIMITS = Limits()

@dataclass(frozen=True)
class LeftOut:
    """A file of a download that was not collected, and why (in words to act on).

    ``path`` is where the file was: ``<download>/<member>`` for a zip member.
    """

    path: str
    reason: str


@dataclass(frozen=True)
class Screened:
    """The members of a download to extract, and those left out."""

    accepted: list[zipfile.ZipInfo]
    left_out: list[LeftOut]


def screen(members: Iterable[zipfile.ZipInfo], label: str,
           limits: Limits = DEFAULT_LIMITS) -> Screened:
    """Check every member of a download, shown as ``<label>/<member>``; pure.

    A member is left out if its path is absolute or has ``..``, its name has a control
    character or a component longer than 255 bytes, it is a symbolic link, encrypted, an
    archive, a second member of the same name, a file where another member needs a folder
    (or the other way round), larger than ``limits.max_file_bytes``, or if the accepted
    members already add up to ``limits.max_total_bytes``. Directories are skipped without a
    word (their files carry their paths).
    """
    accepted: list[zipfile.ZipInfo] = []
    left_out: list[LeftOut] = []
    seen: set[str] = set()
    folders: set[str] = set()
    total = 0
    for member in members:
        if member.is_dir():
            continue
        name = member.filename
        parents = {name.rsplit("/", depth)[0] for depth in range(1, name.count("/") + 1)}
        reason = (_unsafe(member, limits)
                  or ("appears twice in the zip" if name in seen else None)
                  or ("it clashes with a folder of the same name"
                      if name in folders or parents & seen else None))
        if reason is None and total + member.file_size > limits.max_total_bytes:
            reason = (f"the download's files add up to more than "
                      f"{limits.max_total_bytes // MIB} MiB")
        seen.add(name)
        if reason is None:
            accepted.append(member)
            folders |= parents
            total += member.file_size
        else:
            left_out.append(LeftOut(f"{label}/{name}", reason))
    return Screened(accepted, left_out)


def _unsafe(member: zipfile.ZipInfo, limits: Limits) -> str | None:
    name = member.filename
    parts = name.split("/")
    if name.startswith("/") or ".." in parts:
        return "its path leaves the download's folder (absolute, or with '..')"
    if any(unicodedata.category(character) == "Cc" for character in name):
        return "its name has control characters"
    if any(len(part.encode()) > 255 for part in parts):
        return "its name is too long for a file system"
    if stat.S_ISLNK(member.external_attr >> 16):
        return "it is a symbolic link"
    if member.flag_bits & 0x1:
        return "it is encrypted"
    if name.lower().endswith(NESTED_ARCHIVES):
        return "it is an archive inside the download: ask the student to upload the notebooks"
    if member.file_size > limits.max_file_bytes:
        return (f"it is larger than {limits.max_file_bytes // MIB} MiB "
                f"({member.file_size / MIB:.0f} MiB)")
    return None


def clean_copy(download: Path, destination: Path, label: str,
               limits: Limits = DEFAULT_LIMITS) -> list[LeftOut]:
    """Write to ``destination`` a zip of the accepted members of ``download``, with their
    names and contents only (each a :data:`PLAIN_FILE`); return the members left out, shown
    as ``<label>/<member>``.

    Raises
    ------
    CommandError
        If ``download`` is not a readable zip or has more than ``limits.max_members`` members.
    """
    try:
        with zipfile.ZipFile(download) as source:
            members = source.infolist()
            if len(members) > limits.max_members:
                raise CommandError(f"{download} has {len(members)} files, more than the "
                                   f"{limits.max_members} a submissions download can have")
            screened = screen(members, label, limits)
            with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as copy:
                damaged = [_copy_member(source, copy, member, label)
                           for member in screened.accepted]
    except zipfile.BadZipFile as error:
        raise CommandError(f"{download} is not a zip file ({error}): pass the zip the LMS "
                           "downloaded, as it is") from None
    except OSError as error:
        raise CommandError(f"cannot read {download}: {error.strerror or error}") from None
    return screened.left_out + [problem for problem in damaged if problem is not None]


def _copy_member(source: zipfile.ZipFile, copy: zipfile.ZipFile, member: zipfile.ZipInfo,
                 download: str) -> LeftOut | None:
    """Copy one member, read in chunks through a spooled file (its declared size bounds what
    is read) and written only once it was read whole; a member that cannot be read is left
    out."""
    target = zipfile.ZipInfo(member.filename, date_time=member.date_time)
    target.compress_type = zipfile.ZIP_DEFLATED
    target.external_attr = PLAIN_FILE << 16
    with tempfile.SpooledTemporaryFile(max_size=MIB) as spool:
        try:
            with source.open(member) as reader:
                shutil.copyfileobj(reader, spool, MIB)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
                RuntimeError) as error:
            return LeftOut(f"{download}/{member.filename}",
                           f"it is damaged in the zip and could not be read ({error})")
        spool.seek(0)
        with copy.open(target, "w") as writer:
            shutil.copyfileobj(spool, writer, MIB)
    return None
