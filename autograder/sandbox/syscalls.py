"""Thin ``ctypes`` wrappers of the Linux system calls the sandbox needs and Python lacks.

Every wrapper raises :class:`OSError` with the call's ``errno`` and a message naming the
operation and its path, e.g. ``[Errno 1] mount proc on '/tmp/proc': Operation not permitted``.
Only the standard library is imported: the zygote loads this module before forking kernels.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform

_libc = ctypes.CDLL(None, use_errno=True)

# unshare(2) flags
CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

# mount(2) flags
MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_NOATIME = 0x400
MS_NODIRATIME = 0x800
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
MS_RELATIME = 0x200000
MNT_DETACH = 0x2

# mount_setattr(2)
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
MOUNT_ATTR_RDONLY = 0x1
MOUNT_ATTR_NOSUID = 0x2
MOUNT_ATTR_NODEV = 0x4  # the MOUNT_ATTR_* bits above equal the MS_* flags of the same name

# prctl(2) options
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4

_LINUX_CAPABILITY_VERSION_3 = 0x20080522

# Syscall numbers glibc has no wrapper for. mount_setattr is 442 on every architecture.
_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}
_SYS_MOUNT_SETATTR = 442


class _MountAttr(ctypes.Structure):
    _fields_ = [
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    ]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _check(result: int, what: str) -> None:
    """Raise OSError(errno, "<what>: <strerror>") when a libc call returned -1."""
    if result == -1:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _path(value: str | None) -> bytes | None:
    return None if value is None else os.fsencode(value)


def unshare(flags: int) -> None:
    """Move the calling (single-threaded) process into new namespaces, see unshare(2)."""
    _check(_libc.unshare(ctypes.c_int(flags)), f"unshare(flags={flags:#x})")


def mount(
    source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None
) -> None:
    """mount(2); the error names the source, the target and the file system type."""
    result = _libc.mount(
        _path(source), _path(target), _path(fstype), ctypes.c_ulong(flags), _path(data)
    )
    _check(result, f"mount {source!r} on {target!r} (type {fstype}, flags {flags:#x})")


def umount2(target: str, flags: int) -> None:
    """umount2(2), e.g. with ``MNT_DETACH`` for the old root after ``pivot_root``."""
    _check(_libc.umount2(_path(target), ctypes.c_int(flags)), f"umount {target!r}")


def pivot_root(new_root: str, put_old: str) -> None:
    """pivot_root(2): make ``new_root`` the root mount, moving the old one to ``put_old``."""
    number = _SYS_PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise OSError(errno.ENOSYS, f"pivot_root: unknown on {platform.machine()}")
    result = _libc.syscall(ctypes.c_long(number), _path(new_root), _path(put_old))
    _check(result, f"pivot_root to {new_root!r}")


def mount_setattr_recursive(target: str, attr_set: int) -> None:
    """Set mount attributes on ``target`` and every mount below it (Linux >= 5.12).

    Unlike a ``MS_REMOUNT|MS_BIND`` remount it leaves the other (possibly locked) flags of
    each mount alone, which is what a user namespace requires. Raises ``ENOSYS`` on older
    kernels.
    """
    attr = _MountAttr(attr_set=attr_set, attr_clr=0, propagation=0, userns_fd=0)
    result = _libc.syscall(
        ctypes.c_long(_SYS_MOUNT_SETATTR),
        ctypes.c_int(AT_FDCWD),
        _path(target),
        ctypes.c_uint(AT_RECURSIVE),
        ctypes.byref(attr),
        ctypes.c_size_t(ctypes.sizeof(attr)),
    )
    _check(result, f"mount_setattr {target!r}")


def _prctl(option: int, arg: int, what: str) -> None:
    zero = ctypes.c_ulong(0)
    _check(_libc.prctl(ctypes.c_int(option), ctypes.c_ulong(arg), zero, zero, zero), what)


def set_pdeathsig(signum: int) -> None:
    """Have the kernel send ``signum`` to this process when its parent thread dies."""
    _prctl(PR_SET_PDEATHSIG, signum, f"prctl(PR_SET_PDEATHSIG, {signum})")


def set_no_new_privs() -> None:
    """Forbid gaining privileges through execve (setuid bits, file capabilities)."""
    _prctl(PR_SET_NO_NEW_PRIVS, 1, "prctl(PR_SET_NO_NEW_PRIVS)")


def set_dumpable(dumpable: bool) -> None:
    """Set whether others of the same uid may ptrace us and read our /proc/PID files."""
    _prctl(PR_SET_DUMPABLE, int(dumpable), f"prctl(PR_SET_DUMPABLE, {int(dumpable)})")


def set_seccomp_filter(program_address: int) -> None:
    """Install the seccomp filter whose ``struct sock_fprog`` is at ``program_address`` (needs
    no_new_privs or CAP_SYS_ADMIN)."""
    zero = ctypes.c_ulong(0)
    result = _libc.prctl(ctypes.c_int(PR_SET_SECCOMP), ctypes.c_ulong(SECCOMP_MODE_FILTER),
                         ctypes.c_ulong(program_address), zero, zero)
    _check(result, "prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER)")


def last_cap() -> int:
    """The highest capability number this kernel knows (/proc/sys/kernel/cap_last_cap)."""
    with open("/proc/sys/kernel/cap_last_cap") as file:
        return int(file.read())


def drop_bounding_set(highest: int) -> None:
    """Drop capabilities 0..``highest`` from the bounding set (needs CAP_SETPCAP)."""
    for cap in range(highest + 1):
        _prctl(PR_CAPBSET_DROP, cap, f"prctl(PR_CAPBSET_DROP, {cap})")


def clear_capabilities() -> None:
    """Empty this thread's effective, permitted, inheritable and ambient capability sets."""
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, "prctl(PR_CAP_AMBIENT_CLEAR_ALL)")
    header = _CapHeader(version=_LINUX_CAPABILITY_VERSION_3, pid=0)
    data = (_CapData * 2)()  # two 32-bit halves of each 64-bit set, all zero
    _check(_libc.capset(ctypes.byref(header), ctypes.byref(data)), "capset(empty)")
