"""Try to get out of the jail through the kernel's system calls.

Replaces the ``jacobian_shape`` cell of ``02_scalar_wrt_vector`` (student ``jail_escape``,
with ``foreign_packages``): new user and network namespaces (``unshare``, ``unshare -U -r``,
``clone`` with ``CLONE_NEWUSER``, ``clone3``), ``setns``, ``ptrace``, ``io_uring``, ``bpf``,
``perf_event_open``, ``userfaultfd``, the kernel's key rings, ``mount`` and the new mount
API, ``process_vm_readv`` into a child of its own. Prints ``hostile-syscall NAME OUTCOME``
for each (``allowed``, or the errno name), and that a plain fork still works.
``jacobian_shape`` is right. Must earn all of ``02_scalar_wrt_vector``; every call above
must be refused.
"""

import ctypes
import errno
import os
import platform
import subprocess

libc = ctypes.CDLL(None, use_errno=True)
NUMBERS = {  # x86-64, AArch64
    "clone": (56, 220), "clone3": (435, 435), "io_uring_setup": (425, 425), "bpf": (321, 280),
    "perf_event_open": (298, 241), "userfaultfd": (323, 282), "keyctl": (250, 219),
    "add_key": (248, 217), "fsopen": (430, 430), "open_tree": (428, 428),
    "process_vm_readv": (310, 270),
}
ARCH = 0 if platform.machine() == "x86_64" else 1
CLONE_NEWUSER, CLONE_NEWNET, SIGCHLD = 0x10000000, 0x40000000, 17


def outcome(result):
    return errno.errorcode.get(ctypes.get_errno(), "?") if result == -1 else "allowed"


def call(function, *args):
    ctypes.set_errno(0)
    return outcome(function(*args))


def syscall(name, *args):
    return call(libc.syscall, ctypes.c_long(NUMBERS[name][ARCH]), *map(ctypes.c_long, args))


def clone(name, *args):
    ctypes.set_errno(0)
    result = libc.syscall(ctypes.c_long(NUMBERS[name][ARCH]), *map(ctypes.c_long, args))
    if result == 0:  # a child (in new namespaces): it has done what it wanted, and leaves
        os._exit(0)
    if result > 0:
        os.waitpid(result, 0x40000000)  # __WALL: a clone3 child sends no SIGCHLD
    return outcome(result)


def cstring(text):
    return ctypes.addressof(ctypes.create_string_buffer(text))


def on_a_child(action):
    """``action(pid)`` on a child of ours that waits (as ptrace would allow a parent)."""
    go_r, go_w = os.pipe()
    child = os.fork()
    if child == 0:
        os.read(go_r, 1)
        os._exit(0)
    try:
        return action(child)
    finally:
        os.write(go_w, b"x")
        os.waitpid(child, 0)


def read_memory(pid):
    buffer = ctypes.create_string_buffer(8)
    local = (ctypes.c_void_p * 2)(ctypes.addressof(buffer), 8)
    remote = (ctypes.c_void_p * 2)(ctypes.addressof(buffer), 8)
    return syscall("process_vm_readv", pid, ctypes.addressof(local), 1,
                   ctypes.addressof(remote), 1, 0)


def attach(pid):
    result = call(libc.ptrace, 16, pid, 0, 0)  # PTRACE_ATTACH
    if result == "allowed":
        os.waitpid(pid, 0)
        libc.ptrace(17, pid, 0, 0)  # PTRACE_DETACH
    return result


zeros = ctypes.create_string_buffer(256)
cli = subprocess.run(["unshare", "-U", "-r", "id"], capture_output=True, text=True)
tried = {
    "unshare-user": call(libc.unshare, CLONE_NEWUSER),
    "unshare-net": call(libc.unshare, CLONE_NEWNET),
    "unshare-command": "allowed" if cli.returncode == 0 else "EPERM"
    if "Operation not permitted" in cli.stderr else cli.stderr.strip().replace(" ", "_"),
    "clone-newuser": clone("clone", CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0),
    "clone3": clone("clone3", ctypes.addressof(zeros), 88),
    "setns": call(libc.setns, os.open("/proc/self/ns/net", os.O_RDONLY), 0),
    "ptrace": on_a_child(attach),
    "io_uring": syscall("io_uring_setup", 8, ctypes.addressof(zeros)),
    "bpf": syscall("bpf", 5, ctypes.addressof(zeros), 72),
    "perf_event_open": syscall("perf_event_open", ctypes.addressof(zeros), 0, -1, -1, 0),
    "userfaultfd": syscall("userfaultfd", 0),
    "keyctl": syscall("keyctl", 0, -2, 1),
    "add_key": syscall("add_key", cstring(b"user"), cstring(b"hostile"), cstring(b"x"), 1, -2),
    "mount": call(libc.mount, b"none", b"/tmp", b"tmpfs", 0, None),
    "fsopen": syscall("fsopen", cstring(b"tmpfs"), 0),
    "open_tree": syscall("open_tree", -100, cstring(b"/"), 1),
    "process_vm_readv": on_a_child(read_memory),
}
for name, result in tried.items():
    print("hostile-syscall", name, result)
child = os.fork()
if child == 0:
    os._exit(3)
print("hostile-fork", os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]))


def jacobian_shape(B, D):
    return (B, 1, D)
