"""Run a command in a jail: ``python -m autograder.sandbox.launch SPEC_JSON_FILE PID_FD -- CMD...``

A kernel manager starts this launcher in place of the kernel. The launcher

1. arms PR_SET_PDEATHSIG=SIGKILL, so that it dies with the process that started it (and the
   jail dies with the launcher);
2. reads a :class:`~autograder.sandbox.spec.JailSpec` (JSON) and spawns a jail in which CMD is
   exec'd, as pid 2 of the jail, with the launcher's stdout and stderr;
3. writes the jail's top pid (decimal and a newline) to the inherited descriptor PID_FD and
   closes it: ``/proc/PID/root`` is the jail's file view (e.g. its kernel's IPC sockets) and
   ``kill(PID, SIGKILL)`` ends the jail;
4. waits for the jail and exits with its status (128 + N when it died of signal N).

SIGINT is forwarded to CMD, for kernels interrupted by signal; SIGTERM or SIGKILL of the
launcher ends the jail. Exit status 125 means the jail could not be set up (see stderr).
"""

from __future__ import annotations

import os
import signal
import sys

from . import cgroups, syscalls
from .jail import SandboxError, spawn
from .spec import JailSpec

USAGE = "usage: python -m autograder.sandbox.launch SPEC_JSON_FILE PID_FD -- CMD..."


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run :func:`launch`."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 4 or args[2] != "--" or not args[1].isdigit():
        print(USAGE, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as file:
        spec = JailSpec.from_json(file.read())
    return launch(spec, pid_fd=int(args[1]), command=args[3:])


def launch(spec: JailSpec, *, pid_fd: int, command: list[str]) -> int:
    """Run ``command`` in a jail made from ``spec``; returns the exit status of the jail."""
    parent = os.getppid()
    syscalls.set_pdeathsig(signal.SIGKILL)
    if os.getppid() != parent:
        return 125  # the parent died before PDEATHSIG was armed
    try:
        pid = spawn(spec, stdout_fd=1, stderr_fd=2)
    except SandboxError as exc:
        print(f"autograder.sandbox.launch: {exc}", file=sys.stderr)
        os.close(pid_fd)
        return 125
    if pid == 0:  # in the jail, as pid 2
        for signum in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT):
            signal.signal(signum, signal.SIG_DFL)  # Python's choices, not the command's
        try:
            os.execv(command[0], command)
        except OSError as exc:
            print(f"autograder.sandbox.launch: cannot run {command[0]}: {exc}", file=sys.stderr)
        os._exit(127)
    os.write(pid_fd, f"{pid}\n".encode())
    os.close(pid_fd)
    signal.signal(signal.SIGINT, lambda *_: _signal_program(pid, signal.SIGINT))
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    cgroups.release(pid)
    return code if code >= 0 else 128 - code


def _signal_program(top: int, signum: int) -> None:
    """Send ``signum`` to pid 2 of the jail below U ``top`` (found through /proc)."""
    try:
        with open(f"/proc/{top}/task/{top}/children") as file:
            init = int(file.read().split()[0])
        with open(f"/proc/{init}/task/{init}/children") as file:
            children = [int(pid) for pid in file.read().split()]
        for child in children:
            with open(f"/proc/{child}/status") as file:
                nspid = next(line for line in file if line.startswith("NSpid:"))
            if nspid.split()[-1] == "2":
                os.kill(child, signum)
    except (OSError, ValueError, IndexError, StopIteration):
        pass  # the jail is starting or ending


if __name__ == "__main__":
    sys.exit(main())
