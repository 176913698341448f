"""Can this machine sandbox kernels? :func:`check` says what is missing, in actionable words.

It starts the jail a kernel gets (:func:`.jailed.kernel_base_jail`), in
which a fresh interpreter imports what a kernel needs, and translates what failed into advice
for the instructor: a jail that cannot be set up, or a Python installation whose kernel
packages cannot be shown apart from the others. The jail is started by a fresh interpreter
(``python -m autograder.kernels.preflight``), since :func:`~autograder.sandbox.jail.spawn`
needs a single-threaded parent and the caller may be a server with threads. The result is
cached for the life of the process.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys

from ..sandbox import cgroups
from ..sandbox.jail import SandboxError, spawn

#: What a kernel imports first; the probe's jailed interpreter must manage it.
KERNEL_IMPORTS = "import ipykernel.kernelapp, numpy, jacobian_checks"
_TMPFS_STEPS = {
    "make mounts private",
    "mount root tmpfs",
    "mount /dev",
    "mount scratch tmpfs",
    "mount /run/kernel tmpfs",
    "pivot_root",
}


class SandboxUnavailable(RuntimeError):
    """This machine cannot sandbox student kernels.

    ``reason`` is one plain sentence an instructor understands ("Linux user namespaces are
    turned off on this machine."); ``details`` what failed and what to change, for whoever
    fixes the host. The message is both, the reason first.
    """

    def __init__(self, reason: str, details: str = "") -> None:
        super().__init__(reason + (f"\n{details}" if details else ""))
        self.reason, self.details = reason, details

    @classmethod
    def from_message(cls, message: str) -> SandboxUnavailable:
        reason, _, details = message.partition("\n")
        return cls(reason, details)


FALLBACK = ("To grade anyway, with student code running with your rights (unsafe): "
            "{switch}.")
"""What every front end says after the reason, with its own way to turn the sandbox off."""


_cache: list[SandboxUnavailable | None] = []  # empty until the first check


def check() -> None:
    """Raise :class:`SandboxUnavailable` if a jail cannot be set up here (cached)."""
    if not _cache:
        _cache.append(_probe_in_new_process())
    if _cache[0] is not None:
        raise _cache[0]


def _probe_in_new_process() -> SandboxUnavailable | None:
    """Run :func:`_probe` in a fresh interpreter; its message comes back on stdout."""
    result = subprocess.run([sys.executable, "-m", __name__], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=60)
    if result.returncode == 0:
        return None
    if result.stdout.strip():
        return SandboxUnavailable.from_message(result.stdout.strip())
    return SandboxUnavailable("The sandbox check failed on this machine.",
                              f"exit status {result.returncode}: {result.stderr.strip()}")


def _probe() -> SandboxUnavailable | None:
    if not sys.platform.startswith("linux"):
        return SandboxUnavailable(
            f"The grader's sandbox needs Linux; this machine runs {platform.system()}.",
            "Grade on a Linux machine or virtual machine.")
    from .jailed import kernel_base_jail
    from .python_view import SETUP_ADVICE, PythonViewError

    try:
        spec = kernel_base_jail({})
    except PythonViewError as exc:
        return SandboxUnavailable("The sandbox cannot show students' kernels their own "
                                  "packages only.", str(exc))
    read, write = os.pipe()
    try:
        pid = spawn(spec, stdout_fd=write, stderr_fd=write)
        if pid == 0:  # in the jail: a kernel's imports, in a fresh interpreter as it has them
            try:
                os.execv(sys.executable, [sys.executable, "-c", KERNEL_IMPORTS])
            finally:
                os._exit(127)
        os.close(write)
        write = -1
        output = _read_end(read)
        status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        cgroups.release(pid)
    except SandboxError as exc:
        return SandboxUnavailable(*_advice(exc))
    finally:
        os.close(read)
        if write >= 0:
            os.close(write)
    if status != 0:
        return SandboxUnavailable(
            "A student's kernel cannot import what it needs in the sandbox.",
            f"In the sandbox's view of this Python, `{KERNEL_IMPORTS}` exited with status "
            f"{status}: {output}. {SETUP_ADVICE}")
    return None


def _read_end(fd: int, limit: int = 4000) -> str:
    """The last ``limit`` characters written to the pipe ``fd``, on one line."""
    data = b""
    while chunk := os.read(fd, 65536):
        data = (data + chunk)[-limit:]
    return " ".join(data.decode(errors="replace").split())


def _advice(exc: SandboxError) -> tuple[str, str]:
    """What failed, in one plain sentence; then the technical failure and what to change."""
    failed = f"(The sandbox's setup failed: {exc}.)"
    if exc.step == "unshare":
        return ("Linux user namespaces are turned off on this machine, so student kernels "
                "cannot be sandboxed.", (
            f"Check that /proc/sys/user/max_user_namespaces is above 0 (it is "
            f"{_sysctl('user/max_user_namespaces')}); that kernel.unprivileged_userns_clone "
            f"is 1 where it exists (it is {_sysctl('kernel/unprivileged_userns_clone')}); "
            f"that AppArmor does not restrict them, kernel.apparmor_restrict_unprivileged_userns"
            f"=0 (it is {_sysctl('kernel/apparmor_restrict_unprivileged_userns')}); and, in a "
            f"container, that its seccomp profile allows unshare (Docker's default does not: "
            f"--security-opt seccomp=unconfined). {failed}"))
    if exc.step == "id maps":
        return ("This machine refuses the sandbox's user ids.", failed)
    if exc.step == "mount proc":
        return ("This container hides part of /proc, which the sandbox needs.", (
            "The kernel allows mounting /proc in a sandbox only where the host's /proc is "
            "fully visible; containers usually mask parts of it (Docker/Podman: "
            f"--security-opt systempaths=unconfined). {failed}"))
    if exc.step in _TMPFS_STEPS:
        return ("This machine forbids the mounts the sandbox makes.", (
            "The kernel, a security module or the container forbids mounts in user "
            f"namespaces. {failed}"))
    if exc.step == "seccomp":
        return ("This machine cannot install the sandbox's system-call filter.", (
            "It needs Linux with seccomp filters (CONFIG_SECCOMP_FILTER) on x86-64 or "
            f"AArch64. {failed}"))
    if exc.step in ("bind", "open read-only path"):
        return (f"The sandbox could not show {exc.path} read-only.", failed)
    return ("The sandbox could not be set up on this machine.", failed)


def _sysctl(name: str) -> str:
    try:
        with open(f"/proc/sys/{name}") as file:
            return file.read().strip()
    except OSError:
        return "not present"


def main() -> int:
    """Probe in this process: print what is missing and exit 1, or exit 0."""
    problem = _probe()
    if problem is not None:
        print(problem)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
