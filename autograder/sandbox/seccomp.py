"""The system calls a jail's program may not make: a seccomp filter, built here as classic BPF.

Once the jail is set up, its program (K in :mod:`autograder.sandbox.jail`) installs
:func:`install`'s filter, which it and everything it starts keep for good (``execve`` cannot
drop it, and ``PR_SET_NO_NEW_PRIVS`` is set). Refused, with ``EPERM`` (Python raises a plain
``PermissionError``):

- new namespaces: ``unshare``, ``setns``, and ``clone`` with any ``CLONE_NEW*`` flag, so no
  user namespace in which a student would hold capabilities again (a plain ``fork``, a
  thread, ``subprocess`` are allowed); ``clone3``, whose flags lie in memory a filter cannot
  read, fails with ``ENOSYS``, so that the C library falls back to ``clone``;
- reaching into other processes: ``ptrace``, ``process_vm_readv/writev``, ``kcmp``,
  ``pidfd_getfd``, ``process_madvise``, ``move_pages``, ``migrate_pages``;
- large kernel attack surfaces a kernel never needs: ``io_uring_*``, ``bpf``,
  ``perf_event_open``, ``userfaultfd``, the key rings (``add_key``, ``request_key``,
  ``keyctl``), ``open_by_handle_at``, ``fanotify_init``, ``lookup_dcookie``;
- mounts: ``mount``, ``umount2``, ``pivot_root``, ``chroot`` and the new mount API
  (``open_tree``, ``move_mount``, ``fsopen``, ``fsconfig``, ``fsmount``, ``fspick``,
  ``mount_setattr``, ``open_tree_attr``);
- the machine's: kernel modules, ``kexec_*``, ``reboot``, ``swapon/off``, ``acct``,
  quotas, ``syslog``, the clocks, ``vhangup``, and on x86-64 ``iopl``, ``ioperm``,
  ``uselib`` and every x32 system call.

The filter checks the architecture of each call first: a call of another ABI than the
jail's own (e.g. 32-bit ``int 0x80`` on x86-64) kills the process. Only x86-64 and AArch64
are known; elsewhere :func:`program` raises, and no jail is set up.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

from . import syscalls as sc

# BPF instruction classes and fields (linux/filter.h), seccomp return values (linux/seccomp.h)
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ, _JGE, _JSET = 0x15, 0x35, 0x45  # BPF_JMP | BPF_JEQ / BPF_JGE / BPF_JSET | BPF_K
_RET = 0x06  # BPF_RET | BPF_K
RET_KILL_PROCESS = 0x80000000
RET_ERRNO = 0x00050000
RET_ALLOW = 0x7FFF0000
_NR, _ARCH, _ARG0 = 0, 4, 16  # offsets in struct seccomp_data (args[0]'s low word: LE)
_X32_SYSCALL_BIT = 0x40000000

#: CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET (CLONE_NEWTIME is clone3's)
CLONE_NEW_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 \
    | 0x20000000 | 0x40000000

_COMMON_DENIED = (
    "unshare", "setns", "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
    "pidfd_getfd", "process_madvise", "move_pages", "migrate_pages",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "bpf", "perf_event_open",
    "userfaultfd", "add_key", "request_key", "keyctl", "open_by_handle_at", "fanotify_init",
    "lookup_dcookie",
    "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen",
    "fsconfig", "fsmount", "fspick", "mount_setattr", "open_tree_attr",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
    "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "syslog", "settimeofday",
    "clock_settime", "clock_adjtime", "vhangup",
)  # fmt: skip


class Architecture:
    """One ABI: its ``AUDIT_ARCH_*`` value and its system call numbers."""

    def __init__(self, audit_arch: int, numbers: dict[str, int], *, x32: bool = False) -> None:
        self.audit_arch, self.numbers, self.x32 = audit_arch, numbers, x32


#: Numbers from the kernel's unistd_64.h (x86-64) and asm-generic/unistd.h (AArch64).
ARCHITECTURES = {
    "x86_64": Architecture(0xC000003E, {
        "clone": 56, "clone3": 435,
        "unshare": 272, "setns": 308, "ptrace": 101, "process_vm_readv": 310,
        "process_vm_writev": 311, "kcmp": 312, "pidfd_getfd": 438, "process_madvise": 440,
        "move_pages": 279, "migrate_pages": 256, "io_uring_setup": 425, "io_uring_enter": 426,
        "io_uring_register": 427, "bpf": 321, "perf_event_open": 298, "userfaultfd": 323,
        "add_key": 248, "request_key": 249, "keyctl": 250, "open_by_handle_at": 304,
        "fanotify_init": 300, "lookup_dcookie": 212, "mount": 165, "umount2": 166,
        "pivot_root": 155, "chroot": 161, "open_tree": 428, "move_mount": 429, "fsopen": 430,
        "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442,
        "open_tree_attr": 467, "init_module": 175, "finit_module": 313, "delete_module": 176,
        "kexec_load": 246, "kexec_file_load": 320, "reboot": 169, "swapon": 167,
        "swapoff": 168, "acct": 163, "quotactl": 179, "quotactl_fd": 443, "syslog": 103,
        "settimeofday": 164, "clock_settime": 227, "clock_adjtime": 305, "vhangup": 153,
        "iopl": 172, "ioperm": 173, "uselib": 134,
    }, x32=True),
    "aarch64": Architecture(0xC00000B7, {
        "clone": 220, "clone3": 435,
        "unshare": 97, "setns": 268, "ptrace": 117, "process_vm_readv": 270,
        "process_vm_writev": 271, "kcmp": 272, "pidfd_getfd": 438, "process_madvise": 440,
        "move_pages": 239, "migrate_pages": 238, "io_uring_setup": 425, "io_uring_enter": 426,
        "io_uring_register": 427, "bpf": 280, "perf_event_open": 241, "userfaultfd": 282,
        "add_key": 217, "request_key": 218, "keyctl": 219, "open_by_handle_at": 265,
        "fanotify_init": 262, "lookup_dcookie": 18, "mount": 40, "umount2": 39,
        "pivot_root": 41, "chroot": 51, "open_tree": 428, "move_mount": 429, "fsopen": 430,
        "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442,
        "open_tree_attr": 467, "init_module": 105, "finit_module": 273, "delete_module": 106,
        "kexec_load": 104, "kexec_file_load": 294, "reboot": 142, "swapon": 224,
        "swapoff": 225, "acct": 89, "quotactl": 60, "quotactl_fd": 443, "syslog": 116,
        "settimeofday": 170, "clock_settime": 112, "clock_adjtime": 266, "vhangup": 58,
    }),
}
_X86_ONLY = ("iopl", "ioperm", "uselib")


def denied(machine: str | None = None) -> dict[str, int]:
    """The refused system calls of ``machine`` (default: this one), by name."""
    arch = _architecture(machine)
    names = _COMMON_DENIED + (_X86_ONLY if arch.x32 else ())
    return {name: arch.numbers[name] for name in names}


def _architecture(machine: str | None) -> Architecture:
    machine = machine or platform.machine()
    if machine not in ARCHITECTURES:
        raise OSError(errno.ENOSYS, f"the sandbox's seccomp filter knows the system calls of "
                      f"{', '.join(ARCHITECTURES)} only, not of {machine}: grade on one of "
                      "those (or with --no-sandbox, unsafe)")
    return ARCHITECTURES[machine]


def program(machine: str | None = None) -> list[tuple[int, int, int, int]]:
    """The filter for ``machine`` (default: this one), as BPF (code, jt, jf, k) instructions."""
    arch = _architecture(machine)
    numbers = sorted(set(denied(machine).values()))
    head = [(_LD_W_ABS, 0, 0, _ARCH), (_JEQ, 1, 0, arch.audit_arch),
            (_RET, 0, 0, RET_KILL_PROCESS), (_LD_W_ABS, 0, 0, _NR)]
    # Jumps count from the next instruction; every target lies after the checks.
    checks = len(numbers) + 2 + (1 if arch.x32 else 0)
    allow = len(head) + checks  # ret ALLOW, then clone's check, then the two refusals
    clone_check, refuse, nosys = allow + 1, allow + 4, allow + 5
    body: list[tuple[int, int, int, int]] = []

    def jump(code: int, value: int, target: int) -> None:
        body.append((code, target - (len(head) + len(body) + 1), 0, value))

    if arch.x32:
        jump(_JGE, _X32_SYSCALL_BIT, refuse)
    jump(_JEQ, arch.numbers["clone3"], nosys)
    jump(_JEQ, arch.numbers["clone"], clone_check)
    for number in numbers:
        jump(_JEQ, number, refuse)
    tail = [
        (_RET, 0, 0, RET_ALLOW),
        (_LD_W_ABS, 0, 0, _ARG0),  # clone(flags, ...): flags are its first argument
        (_JSET, 1, 0, CLONE_NEW_FLAGS),
        (_RET, 0, 0, RET_ALLOW),
        (_RET, 0, 0, RET_ERRNO | errno.EPERM),
        (_RET, 0, 0, RET_ERRNO | errno.ENOSYS),
    ]
    return head + body + tail


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install() -> None:
    """Install the filter in this thread (and what it will start), for good.

    Call it single-threaded: threads that exist already keep running without it.
    """
    instructions = program()
    code = b"".join(struct.pack("=HBBI", *instruction) for instruction in instructions)
    buffer = ctypes.create_string_buffer(code, len(code))
    fprog = _SockFprog(len(instructions), ctypes.addressof(buffer))
    sc.set_no_new_privs()  # required to install a filter without CAP_SYS_ADMIN
    sc.set_seccomp_filter(ctypes.addressof(fprog))
