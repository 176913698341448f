"""Run a command as root of a container that allows no user namespaces, as Gradescope's may:
``python tests/no_user_namespaces.py COMMAND...`` (as root; nothing of the host changes).

The command runs in a new user namespace that maps host ids 0-65535 to themselves (so that
its root can become any unprivileged user, whose files are the host's), and a mount
namespace of its own, in which:

- the namespace's own ``max_user_namespaces`` is 0 (a per-namespace limit, inherited by what
  it starts; the host's stays as it is), so the sandbox's ``unshare`` fails as in a Docker
  container whose seccomp profile forbids it;
- a folder that other users cannot enter on the way to this interpreter (pyenv's under
  ``/root``) is covered by one they can, holding only the way there: in a Gradescope image
  the grader's Python lives in ``/opt``, readable by all.

Other helpers' processes and files are untouched: the limit and the mounts exist only in
these namespaces.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
from pathlib import Path

from autograder.sandbox import syscalls

ID_RANGE = 65536
HOST_PATHS = (sys.base_prefix, sys.prefix, str(Path(__file__).resolve().parent.parent))
"""What the kernels' user must reach: this interpreter, its packages and the kit."""


def closed_ancestors(paths: tuple[str, ...]) -> dict[str, set[str]]:
    """For each path, its topmost folder others cannot enter, and the entry of it on the way
    to the path: ``{folder: {entry, ...}}``."""
    closed: dict[str, set[str]] = {}
    for path in paths:
        parts = Path(os.path.realpath(path)).parts
        for depth in range(1, len(parts) - 1):
            folder = str(Path(*parts[:depth + 1]))
            if not os.stat(folder).st_mode & stat.S_IXOTH:
                closed.setdefault(folder, set()).add(parts[depth + 1])
                break
    return closed


def open_the_way(closed: dict[str, set[str]]) -> None:
    """Cover each closed folder with a tmpfs others may enter, holding its needed entries."""
    for folder, entries in closed.items():
        sources = {entry: os.open(os.path.join(folder, entry), os.O_PATH) for entry in entries}
        syscalls.mount("tmpfs", folder, "tmpfs", 0, "mode=0755")
        for entry, descriptor in sources.items():
            target = os.path.join(folder, entry)
            if stat.S_ISDIR(os.fstat(descriptor).st_mode):
                os.mkdir(target)
            else:
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o644))
            syscalls.mount(f"/proc/self/fd/{descriptor}", target, None,
                           syscalls.MS_BIND | syscalls.MS_REC)
            os.close(descriptor)


def main(command: list[str]) -> int:
    unshared_r, unshared_w = os.pipe()
    mapped_r, mapped_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(unshared_r)
        os.close(mapped_w)
        syscalls.set_pdeathsig(signal.SIGKILL)
        syscalls.unshare(syscalls.CLONE_NEWUSER | syscalls.CLONE_NEWNS)
        os.write(unshared_w, b"u")
        os.read(mapped_r, 1)
        os.setresgid(0, 0, 0)
        os.setresuid(0, 0, 0)
        syscalls.mount(None, "/", None, syscalls.MS_REC | syscalls.MS_PRIVATE)
        open_the_way(closed_ancestors(HOST_PATHS))
        with open("/proc/sys/user/max_user_namespaces", "w") as file:
            file.write("0")
        os.execvp(command[0], command)
    os.close(unshared_w)
    os.close(mapped_r)
    if os.read(unshared_r, 1) != b"u":
        return 125
    for name in ("uid_map", "gid_map"):
        with open(f"/proc/{pid}/{name}", "w") as file:
            file.write(f"0 0 {ID_RANGE}\n")
    os.write(mapped_w, b"m")
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
