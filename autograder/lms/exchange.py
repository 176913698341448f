"""``nbgrader collect`` that copies what students submitted, and nothing a link points to.

A student can write into the exchange's ``inbound/`` folder: their submission there is
theirs. nbgrader's ``ExchangeCollect`` copies it with ``shutil.copytree``, which follows
symbolic links: a link planted there to ``course_secret.key``, ``/etc/shadow`` or
``/dev/zero`` would bring that file's content (or no end of zeros) into ``submitted/``, with
the instructor's rights. :class:`LinkFreeExchangeCollect`, the course's collect step
(``c.ExchangeFactory.collect`` in ``nbgrader_config.py``), copies regular files only, opened
without following links, and every directory without following links either; a link, a
hard link (another name of a file elsewhere), a special file, or a submission that is itself
a link is left out and reported. nbgrader's own limits still apply (``CourseDirectory.ignore``,
``include``, ``max_file_size``), and ``max_dir_size`` bounds what is read of a submission:
files past it are left out and reported, instead of stopping the whole collection.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import ignore_patterns

from ..terminal import printable

MAX_DEPTH = 16
"""Folders nested deeper in a submission are not copied."""
CHUNK = 1 << 20


class LinkFreeExchangeCollect(ExchangeCollect):
    """nbgrader's ``ExchangeCollect``, copying submissions without following any link."""

    def do_copy(self, src: str, dest: str, log: object = None) -> None:
        """Copy the submission ``src`` to ``dest`` as nbgrader does, links left out."""
        if os.path.islink(src):
            self._refuse(src, "the submission is a symbolic link: nothing of it is collected")
            return
        ignore = ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                 max_file_size=self.coursedir.max_file_size, log=self.log)
        budget = [1000 * self.coursedir.max_dir_size]
        source = os.open(src, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        try:
            self._copy_folder(source, src, dest, ignore, budget, depth=0)
        finally:
            os.close(source)
        if self.coursedir.groupshared:  # as nbgrader's own copy: ug+rwx folders, ug+rw files
            for folder, _, names in os.walk(dest):
                os.chmod(folder, (os.stat(folder).st_mode | 0o2770) & 0o2777)
                for name in names:
                    path = os.path.join(folder, name)
                    os.chmod(path, (os.stat(path).st_mode | 0o660) & 0o777)

    def _copy_folder(self, folder: int, shown: str, dest: str,
                     ignore: Callable[[str, list[str]], list[str]], budget: list[int],
                     depth: int) -> None:
        """Copy the open directory ``folder`` (shown as ``shown``) into ``dest``."""
        os.makedirs(dest, exist_ok=True)
        names = sorted(os.listdir(folder))
        skipped = set(ignore(shown, names))
        for name in names:
            if name in skipped:
                continue
            where = os.path.join(shown, name)
            info = os.stat(name, dir_fd=folder, follow_symlinks=False)
            if stat.S_ISLNK(info.st_mode):
                target = os.readlink(name, dir_fd=folder)
                self._refuse(where, f"it is a symbolic link (to {target!r}): what it points to "
                                    "is not collected")
            elif stat.S_ISDIR(info.st_mode):
                if depth >= MAX_DEPTH:
                    self._refuse(where, f"it is nested more than {MAX_DEPTH} folders deep")
                    continue
                inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW,
                                dir_fd=folder)
                try:
                    self._copy_folder(inner, where, os.path.join(dest, name), ignore, budget,
                                      depth + 1)
                finally:
                    os.close(inner)
            elif stat.S_ISREG(info.st_mode):
                self._copy_file(folder, name, where, os.path.join(dest, name), budget)
            else:
                self._refuse(where, "it is not a regular file (a device, pipe or socket)")

    def _copy_file(self, folder: int, name: str, shown: str, dest: str,
                   budget: list[int]) -> None:
        """Copy a regular file, opened without following a link and checked once open (the
        student may swap it meanwhile); at most what is left of the submission's budget."""
        try:
            source = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
        except OSError as exc:  # a link swapped in after the listing: ELOOP
            self._refuse(shown, f"it could not be opened as a file ({exc.strerror})")
            return
        with os.fdopen(source, "rb") as reader:
            info = os.fstat(reader.fileno())
            reason = ("it is not a regular file (a device, pipe or socket)"
                      if not stat.S_ISREG(info.st_mode) else
                      "it is a hard link: another name of a file that may not be the "
                      "student's" if info.st_nlink > 1 else
                      "the submission is larger than CourseDirectory.max_dir_size"
                      if info.st_size > budget[0] else None)
            if reason is not None:
                self._refuse(shown, reason)
                return
            with open(dest, "wb") as writer:
                while budget[0] > 0 and (chunk := reader.read(min(CHUNK, budget[0]))):
                    writer.write(chunk)
                    budget[0] -= len(chunk)
            os.chmod(dest, stat.S_IMODE(info.st_mode) & 0o777)
            os.utime(dest, ns=(info.st_atime_ns, info.st_mtime_ns))

    def _refuse(self, path: str, reason: str) -> None:
        self.log.warning("Not collected: %s: %s", printable(path), printable(reason))
