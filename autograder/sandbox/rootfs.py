"""The file view of a jail, built by its init process I (see :mod:`autograder.sandbox.jail`).

A tmpfs becomes the new root. In it: the host trees of ``spec.read_only``, bound read-only
at their own paths (symlinked top-level directories such as ``/lib -> usr/lib`` recreated;
a tree inside ``/tmp`` or ``/home/student`` bound over the scratch, after it), with the
directories of ``spec.filtered`` covered by a read-only tmpfs holding only their listed
entries;
a few device nodes; a minimal ``/etc``; one scratch tmpfs for ``/home/student`` and ``/tmp``;
a small ``/run/kernel``; the files of ``spec.files``; and a copy of the workdir's regular
files. ``/proc`` is mounted before ``pivot_root`` (a user namespace may mount a proc only
while a fully visible one exists), the host root is then detached, ``spec.hidden`` paths are
covered, and the root is remounted read-only.
"""

from __future__ import annotations

import errno
import os
import socket
import stat

from . import syscalls as sc
from .spec import GID, HOME, UID, JailSpec, MiB, in_scratch, is_within, outermost
from .steps import step

_DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
_HOST_ETC = ("/etc/ld.so.cache", "/etc/localtime")  #: bound read-only when present
_ETC = {
    "passwd": "root:x:0:0:root:/root:/usr/sbin/nologin\n"
    f"student:x:{UID}:{GID}::{HOME}:/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
    "group": f"root:x:0:\nstudent:x:{GID}:\nnogroup:x:65534:\n",
    "hosts": "127.0.0.1 localhost sandbox\n::1 localhost\n",
    "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\n",
    "hostname": "sandbox\n",
}
#: Where the new root's tmpfs is mounted (any directory will do: every host source is opened
#: before it is covered).
_ROOT_MOUNTPOINTS = ("/tmp", "/mnt", "/var/tmp", "/opt", "/srv", "/usr")
_COPY_MAX_FILES, _COPY_MAX_DEPTH = 4096, 16
_READ_ONLY = sc.MOUNT_ATTR_RDONLY | sc.MOUNT_ATTR_NOSUID | sc.MOUNT_ATTR_NODEV


def build_root(spec: JailSpec, workdir_fd: int | None = None) -> None:
    """Replace this mount namespace's root by the jail's file view (see the module doc);
    ``workdir_fd``, an open directory, is copied in place of ``spec.workdir_source`` (and
    closed)."""
    with step("make mounts private", "/"):
        sc.mount(None, "/", None, sc.MS_REC | sc.MS_PRIVATE)  # nothing propagates to the host
    # 1. Open every host source while the host view is intact.
    trees = outermost(spec.read_only)
    links: dict[str, str] = {}
    sources: dict[str, int] = {}
    for path in trees:
        if os.path.islink(path) and any(
            is_within(os.path.realpath(path), tree) for tree in trees if tree != path
        ):
            links[path] = os.readlink(path)  # e.g. /lib -> usr/lib: recreate the link
            continue
        with step("open read-only path", path):
            sources[path] = os.open(path, os.O_PATH | os.O_CLOEXEC)
    shown = {directory: _open_entries(directory, entries)
             for directory, entries in spec.filtered.items()}
    devices = {p: os.open(p, os.O_PATH | os.O_CLOEXEC) for p in _DEVICES if os.path.exists(p)}
    etc = {p: os.open(p, os.O_PATH | os.O_CLOEXEC) for p in _HOST_ETC if os.path.exists(p)}
    workdir = workdir_fd
    if spec.workdir_source is not None:
        with step("open workdir", spec.workdir_source):
            workdir = os.open(spec.workdir_source, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    # 2. A tmpfs becomes the new root; everything below is made in it, then it is pivoted to.
    root = next(p for p in _ROOT_MOUNTPOINTS if os.path.isdir(p))
    with step("mount root tmpfs", root):
        sc.mount("tmpfs", root, "tmpfs", sc.MS_NOSUID | sc.MS_NODEV, "size=16m,mode=0755")
    for path, link in links.items():
        with step("link", path):
            os.makedirs(os.path.dirname(root + path), exist_ok=True)
            os.symlink(link, root + path)
    for path, fd in sources.items():
        if not in_scratch(path):
            _bind(fd, root + path, path, _READ_ONLY)
    _make_dev(root, devices, spec.limits.scratch_bytes)
    with step("make /etc"):
        os.mkdir(root + "/etc")
        for name, text in _ETC.items():
            _write_file(f"{root}/etc/{name}", text, 0o644, owner=False)
    for path, fd in etc.items():
        _bind(fd, root + path, path, _READ_ONLY)
    _make_scratch(root, spec.limits.scratch_bytes, spec.limits.scratch_inodes)
    for path, fd in sources.items():
        if in_scratch(path):  # e.g. a virtualenv under /tmp: over the scratch, read-only
            _bind(fd, root + path, path, _READ_ONLY)
    for directory, entries in shown.items():
        _show_only(root, directory, entries)
    for path, text in sorted(spec.files.items()):
        with step("write file", path):
            _makedirs_owned(os.path.dirname(root + os.path.normpath(path)))
            _write_file(root + os.path.normpath(path), text, 0o600, owner=True)
    _makedirs_owned(root + HOME + "/work")
    if workdir is not None:
        with step("copy workdir", spec.workdir_source):
            budget = [_COPY_MAX_FILES, spec.limits.scratch_bytes // 2]
            _copy_tree(workdir, root + HOME + "/work", _COPY_MAX_DEPTH, budget,
                       spec.workdir_skip)
            os.close(workdir)
    for fd in [*sources.values(), *devices.values(), *etc.values(),
               *(fd for entries in shown.values() for fd in entries.values())]:
        os.close(fd)
    # 3. proc must be mounted before the old root goes: a user namespace may only mount a
    # proc while a fully visible one exists in its mount namespace.
    with step("mount proc", "/proc"):
        os.mkdir(root + "/proc")
        sc.mount("proc", root + "/proc", "proc", sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC)
    with step("pivot_root", root):
        os.mkdir(root + "/.old")
        sc.pivot_root(root, root + "/.old")
        os.chdir("/")
        sc.umount2("/.old", sc.MNT_DETACH)
        os.rmdir("/.old")
    # 4. In the new view: hide what must not be seen, name the host, freeze the root.
    for path in map(os.path.normpath, spec.hidden):
        if os.path.lexists(path) and any(is_within(path, tree) for tree in trees):
            with step("hide", path):
                if os.path.isdir(path):
                    flags = sc.MS_RDONLY | sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC
                    sc.mount("tmpfs", path, "tmpfs", flags, "size=4k,nr_inodes=2,mode=0555")
                else:
                    sc.mount("/dev/null", path, None, sc.MS_BIND)
    with step("sethostname"):
        socket.sethostname("sandbox")
    with step("remount read-only", "/"):
        sc.mount(None, "/", None, sc.MS_REMOUNT | sc.MS_BIND | _READ_ONLY)
        flags = sc.MS_REMOUNT | sc.MS_BIND | sc.MS_RDONLY | sc.MS_NOSUID | sc.MS_NOEXEC
        sc.mount(None, "/dev", None, flags)


def _bind(fd: int, target: str, label: str, attrs: int) -> None:
    """Bind the host file or tree open as ``fd`` (O_PATH) at ``target``, with ``attrs``."""
    with step("bind", label):
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            os.makedirs(target, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644))
        sc.mount(f"/proc/self/fd/{fd}", target, None, sc.MS_BIND | sc.MS_REC)
        try:
            sc.mount_setattr_recursive(target, attrs)  # every mount of the tree
        except OSError as exc:
            if exc.errno != errno.ENOSYS:
                raise
            # Linux < 5.12: remount the top mount only, repeating the flags a user namespace
            # locks (a remount that would clear them is refused).
            have = os.statvfs(target).f_flag
            keep = [
                (os.ST_NOEXEC, sc.MS_NOEXEC),
                (os.ST_NOATIME, sc.MS_NOATIME),
                (os.ST_NODIRATIME, sc.MS_NODIRATIME),
                (os.ST_RELATIME, sc.MS_RELATIME),
            ]
            flags = sum(ms for st, ms in keep if have & st)
            sc.mount(None, target, None, sc.MS_REMOUNT | sc.MS_BIND | attrs | flags)


def _open_entries(directory: str, entries: tuple[str, ...]) -> dict[str, int]:
    """O_PATH descriptors of the ``entries`` of host ``directory`` that exist and are no
    symbolic links (those are left out)."""
    opened = {}
    with step("open filtered directory", directory):
        fd = os.open(directory, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for entry in entries:
            try:
                opened[entry] = os.open(entry, os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC,
                                        dir_fd=fd)
            except OSError:
                continue  # gone since the spec was made
            if stat.S_ISLNK(os.fstat(opened[entry]).st_mode):
                os.close(opened.pop(entry))
    finally:
        os.close(fd)
    return opened


def _show_only(root: str, directory: str, entries: dict[str, int]) -> None:
    """Cover ``directory`` with an empty tmpfs, bind ``entries`` into it, freeze it."""
    with step("mount filtered tmpfs", directory):
        sc.mount("tmpfs", root + directory, "tmpfs", sc.MS_NOSUID | sc.MS_NODEV,
                 "size=1m,mode=0755")
    for entry, fd in entries.items():
        _bind(fd, f"{root}{directory}/{entry}", f"{directory}/{entry}", _READ_ONLY)
    with step("remount filtered read-only", directory):
        flags = sc.MS_REMOUNT | sc.MS_RDONLY | sc.MS_NOSUID | sc.MS_NODEV
        sc.mount(None, root + directory, None, flags)


def _make_dev(root: str, devices: dict[str, int], scratch_bytes: int) -> None:
    """A tmpfs /dev with the harmless host devices bound in, fd links and a small /dev/shm."""
    with step("mount /dev"):
        os.mkdir(root + "/dev")
        sc.mount("tmpfs", root + "/dev", "tmpfs", sc.MS_NOSUID | sc.MS_NOEXEC, "size=64k,mode=0755")
        for path, fd in devices.items():
            # No MS_NODEV here, or the devices could not be opened; read-only mounts still
            # let device nodes be written.
            _bind(fd, root + path, path, sc.MOUNT_ATTR_RDONLY | sc.MOUNT_ATTR_NOSUID)
        for name in ("fd", "stdin", "stdout", "stderr"):
            target = {"fd": "", "stdin": "/0", "stdout": "/1", "stderr": "/2"}[name]
            os.symlink("/proc/self/fd" + target, f"{root}/dev/{name}")
        os.mkdir(root + "/dev/shm")
        size = min(64 * MiB, scratch_bytes)
        flags = sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC
        sc.mount("tmpfs", root + "/dev/shm", "tmpfs", flags, f"size={size},mode=1777")


def _make_scratch(root: str, size: int, inodes: int) -> None:
    """``/home/student`` and ``/tmp`` share one tmpfs of ``size`` bytes; /run/kernel is apart."""
    with step("mount scratch tmpfs", f"{HOME} and /tmp"):
        scratch = root + "/.scratch"
        os.mkdir(scratch)
        options = f"size={size},nr_inodes={inodes},mode=0755"
        sc.mount("tmpfs", scratch, "tmpfs", sc.MS_NOSUID | sc.MS_NODEV, options)
        for name, mode, target in (("home", 0o700, HOME), ("tmp", 0o1777, "/tmp")):
            os.mkdir(f"{scratch}/{name}")
            os.chmod(f"{scratch}/{name}", mode)
            if name == "home":
                os.chown(f"{scratch}/{name}", UID, GID)
            os.makedirs(root + target)
            sc.mount(f"{scratch}/{name}", root + target, None, sc.MS_BIND)
        sc.umount2(scratch, sc.MNT_DETACH)  # the two binds keep the tmpfs alive
        os.rmdir(scratch)
    with step("mount /run/kernel tmpfs"):
        os.makedirs(root + "/run/kernel")
        options = f"size={4 * MiB},nr_inodes=256,mode=0700,uid={UID},gid={GID}"
        sc.mount("tmpfs", root + "/run/kernel", "tmpfs", sc.MS_NOSUID | sc.MS_NODEV, options)


def _makedirs_owned(path: str) -> None:
    """Like ``os.makedirs``, but the directories it creates are the student's (mode 0700)."""
    if not os.path.isdir(path):
        _makedirs_owned(os.path.dirname(path))
        os.mkdir(path, 0o700)
        os.chown(path, UID, GID)


def _write_file(path: str, text: str, mode: int, *, owner: bool) -> None:
    """Create ``path`` with ``text``; ``owner`` makes it the student's."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    try:
        if owner:
            os.fchown(fd, UID, GID)
        os.fchmod(fd, mode)
        _write_all(fd, text.encode())
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _copy_tree(src: int, dst: str, depth: int, budget: list[int],
               skip: tuple[str, ...]) -> None:
    """Copy the directories and regular files below the directory fd ``src`` into ``dst``.

    Never symlinks, devices, fifos or sockets, nor files whose names end with one of
    ``skip``; anything unreadable is skipped, and so is everything beyond ``depth`` levels or
    the ``budget`` of [files, bytes] (which it spends).
    """
    with os.scandir(src) as entries:
        for entry in entries:
            target = f"{dst}/{entry.name}"
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode) and depth > 0:
                    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
                    sub = os.open(entry.name, flags, dir_fd=src)
                    try:
                        _makedirs_owned(target)
                        _copy_tree(sub, target, depth - 1, budget, skip)
                    finally:
                        os.close(sub)
                elif stat.S_ISREG(mode) and not entry.name.endswith(skip):
                    _copy_file(src, entry.name, target, budget)
            except OSError:
                continue


def _copy_file(src: int, name: str, target: str, budget: list[int]) -> None:
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC  # a fifo must not block
    fd = os.open(name, flags, dir_fd=src)
    try:
        info = os.fstat(fd)  # the file opened, not the name scanned
        if not stat.S_ISREG(info.st_mode) or budget[0] < 1 or info.st_size > budget[1]:
            return
        budget[0] -= 1
        budget[1] -= info.st_size
        mode = 0o755 if info.st_mode & 0o100 else 0o644
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
        try:
            os.fchown(out, UID, GID)
            left = info.st_size  # a file that grows meanwhile is cut at its size when opened
            while left > 0 and (chunk := os.read(fd, min(left, MiB))):
                _write_all(out, chunk)
                left -= len(chunk)
        finally:
            os.close(out)
    finally:
        os.close(fd)
