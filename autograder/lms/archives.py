"""Screen an LMS download before nbgrader extracts it, and keep a clean copy of it.

nbgrader's extractor (setuptools' ``unpack_zipfile``) silently skips ``..`` paths, reads a
member whole into memory, restores the Unix mode bits the zip claims, and unpacks archives
inside archives; Python's ``zipfile`` reads the whole list of members before anything else. A
download is not trusted: the size of its list of members is checked first, every member is
checked here (:func:`screen`, pure), and only the accepted ones are copied, in bounded chunks
and without mode bits, into the zip that nbgrader then extracts (:func:`clean_copy`); a
member's declared size bounds what is read of it, however much its data would inflate. What
is left out is returned with the reason, for the instructor. Whose file each accepted member
is, is decided from its whole path by the collector (:mod:`.collector_plugins`).
"""

from __future__ import annotations

import shutil
import stat
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..command_error import CommandError

MIB = 2**20
PLAIN_FILE = stat.S_IFREG | 0o644
"""What every extracted file becomes: a regular file, ``rw-r--r--``."""
NESTED_ARCHIVES = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar")
"""Suffixes of archives inside a download; nbgrader would try to unpack ``.zip`` and ``.gz``."""


@dataclass(frozen=True)
class Limits:
    """What one download may hold; a notebook of this course is well under 1 MiB.

    ``max_total_bytes`` and ``max_members`` concern the download as a whole, and refuse it
    whole: leaving out whatever came last would let a few students' files crowd others out.
    """

    max_file_bytes: int = 25 * MIB
    max_total_bytes: int = 4096 * MIB
    max_members: int = 100_000
    max_directory_bytes_per_member: int = 1024
    """An honest entry of the zip's list of members takes under 400 bytes."""


DEFAULT_LIMITS = Limits()
END_RECORD, ZIP64_LOCATOR, ZIP64_END_RECORD = 22, 20, 56
"""Sizes of a zip's end record, of the Zip64 locator before it, and of the Zip64 end record."""


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
    (or the other way round), or larger than ``limits.max_file_bytes``. Directories are
    skipped without a word (their files carry their paths).
    """
    accepted: list[zipfile.ZipInfo] = []
    left_out: list[LeftOut] = []
    seen: set[str] = set()
    folders: set[str] = set()
    for member in members:
        if member.is_dir():
            continue
        name = member.filename
        parents = {name.rsplit("/", depth)[0] for depth in range(1, name.count("/") + 1)}
        reason = (_unsafe(member, limits)
                  or ("appears twice in the zip" if name in seen else None)
                  or ("it clashes with a folder of the same name"
                      if name in folders or parents & seen else None))
        seen.add(name)
        if reason is None:
            accepted.append(member)
            folders |= parents
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
        If ``download`` is not a readable zip, declares more than ``limits.max_members``
        members or a larger list of them than that many honest ones take (checked before the
        list is read), or if the files to copy add up to more than ``limits.max_total_bytes``.
    """
    try:
        _check_directory(download, limits)
        with zipfile.ZipFile(download) as source:
            screened = screen(source.infolist(), label, limits)
            total = sum(member.file_size for member in screened.accepted)
            if total > limits.max_total_bytes:
                raise CommandError(
                    f"the files of {download} add up to {total / MIB:.0f} MiB, more than the "
                    f"{limits.max_total_bytes // MIB} MiB a submissions download can hold: "
                    "download it in parts (e.g. one per section)")
            with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as copy:
                damaged = [_copy_member(source, copy, member, label)
                           for member in screened.accepted]
    except zipfile.BadZipFile as error:
        raise CommandError(f"{download} is not a zip file ({error}): pass the zip the LMS "
                           "downloaded, as it is") from None
    except OSError as error:
        raise CommandError(f"cannot read {download}: {error.strerror or error}") from None
    return screened.left_out + [problem for problem in damaged if problem is not None]


def _check_directory(download: Path, limits: Limits) -> None:
    """Refuse a zip whose list of members is too long to read (as its end record says)."""
    members, size = _declared_directory(download)
    if members > limits.max_members or size > (limits.max_members
                                               * limits.max_directory_bytes_per_member):
        raise CommandError(f"{download} declares {members} files in a list of {size} bytes, "
                           f"more than the {limits.max_members} files a submissions download "
                           "can have")


def _declared_directory(download: Path) -> tuple[int, int]:
    """The number of members and the size of their list that a zip's end record declares
    (the Zip64 one where the classic record cannot hold them)."""
    with download.open("rb") as file:
        size = file.seek(0, 2)
        tail_size = min(size, END_RECORD + 0xFFFF)  # the record, then a comment
        file.seek(size - tail_size)
        tail = file.read(tail_size)
        end = tail.rfind(b"PK\x05\x06")
        if end < 0 or len(tail) - end < END_RECORD:
            raise zipfile.BadZipFile("File is not a zip file")
        members, directory_size = struct.unpack_from("<HI", tail, end + 10)
        if members != 0xFFFF and directory_size != 0xFFFFFFFF:
            return members, directory_size
        locator = end - ZIP64_LOCATOR
        if locator < 0 or tail[locator:locator + 4] != b"PK\x06\x07":
            raise zipfile.BadZipFile("a Zip64 end record is missing")
        (record,) = struct.unpack_from("<Q", tail, locator + 8)
        file.seek(record)
        zip64 = file.read(ZIP64_END_RECORD)
        if len(zip64) < ZIP64_END_RECORD or zip64[:4] != b"PK\x06\x06":
            raise zipfile.BadZipFile("a Zip64 end record is damaged")
        members64, directory_size64 = struct.unpack_from("<QQ", zip64, 32)
        return members64, directory_size64


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
