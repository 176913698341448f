"""The jail of one kernel: what it sees, what it is told, and how the grader reaches it.

A kernel in a jail binds its ZeroMQ sockets as Unix sockets in the jail's own ``/run/kernel``
(a small tmpfs nothing outside can write to); the grader connects to them through
``/proc/<jail pid>/root/run/kernel``, the jail's file view as seen from the host. The kernel
reads its connection file from ``/run/kernel/kernel.json``, which the jail writes before it
starts.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..sandbox.spec import JailSpec, Limits, default_env, default_read_only, is_within, outermost
from .python_view import python_view

KERNEL_DIR = "/run/kernel"
CONNECTION_FILE = f"{KERNEL_DIR}/kernel.json"
IPC_PREFIX = f"{KERNEL_DIR}/ipc"

PASSED_ENV = ("NBGRADER_EXECUTION", "NBGRADER_VALIDATING")
"""Variables of the kernel manager's environment that reach the kernel; nothing else does."""


class JailPolicyError(RuntimeError):
    """The jail would expose what it must hide; the message says what."""


def student_packages() -> list[str]:
    """Directories a student's kernel needs besides the interpreter's: the checks package."""
    import jacobian_checks

    return [os.path.dirname(os.path.realpath(jacobian_checks.__file__))]


def grader_packages() -> list[str]:
    """The grader's own package directory, and that of the case folders (the Jacobians' layouts
    and the solutions' texts), which a kernel must not find even if they are installed among
    the interpreter's packages."""
    import autograder
    import cases

    return [os.path.dirname(os.path.realpath(package.__file__ or ""))
            for package in (autograder, cases)]


def kernel_jail(connection: Mapping[str, Any], *, workdir: str | None, limits: Limits,
                env: Mapping[str, str], protected: Iterable[str]) -> JailSpec:
    """The jail of a kernel whose host-side connection info is ``connection``.

    It is :func:`kernel_base_jail` with the notebook's files and the connection file.

    Parameters
    ----------
    connection : mapping
        The kernel manager's connection info (``transport`` must be ``ipc``).
    workdir : str or None
        The notebook's directory; its regular files, notebooks excepted (the grader's copies
        of them hold its records), are copied into the jail's working directory.
    limits : Limits
    env : mapping of str to str
        The kernel manager's environment; only :data:`PASSED_ENV` are kept.
    protected : iterable of str
        Host paths that must not be visible inside (the course directory, the gradebook, the
        secret): a read-only tree that contains one is a :class:`JailPolicyError`.
    """
    if connection.get("transport") != "ipc":
        raise JailPolicyError("a jailed kernel needs the ipc transport (its network is off)")
    base = kernel_base_jail(env)
    for path in protected:
        real = os.path.realpath(path)
        exposing = [tree for tree in base.read_only if is_within(real, tree)]
        if exposing:
            raise JailPolicyError(
                f"the sandbox would show {path} to student code, since it lies inside "
                f"{exposing[0]}, which kernels need: keep the course directory outside the "
                "Python installation and /usr")
    inside = {key: value.decode() if isinstance(value, bytes) else value
              for key, value in connection.items()}
    inside["ip"] = IPC_PREFIX
    return replace(base, workdir_source=workdir, workdir_skip=(".ipynb",),
                   files={CONNECTION_FILE: json.dumps(inside)}, limits=limits)


def kernel_base_jail(env: Mapping[str, str]) -> JailSpec:
    """What the jail of every kernel holds: the system, the Python installation with only the
    kernel's own packages (:func:`~autograder.kernels.python_view.python_view`), the
    student package, and :func:`kernel_env`; no work directory, files or connection.

    Raises
    ------
    PythonViewError
        This interpreter's packages cannot be shown that way; the message says what to do.
    """
    view = python_view()
    return JailSpec(read_only=outermost([*default_read_only(), *student_packages()]),
                    hidden=(*grader_packages(), *view.hidden), filtered=view.filtered,
                    env=kernel_env(env))


def kernel_env(env: Mapping[str, str]) -> dict[str, str]:
    """A jailed kernel's environment: :func:`~autograder.sandbox.spec.default_env`, the
    :data:`PASSED_ENV` of ``env`` (the kernel manager's), and the student package's path."""
    kernel_env = default_env()
    kernel_env.update({name: env[name] for name in PASSED_ENV if name in env})
    # The kernel imports the checks the jail shows, the grader's own, before any other copy.
    kernel_env["PYTHONPATH"] = os.pathsep.join(map(os.path.dirname, student_packages()))
    return kernel_env


def kernel_command(cmd: list[str]) -> list[str]:
    """The kernel's command with its connection file argument (``-f FILE``, ``--f=FILE``)
    pointing inside the jail."""
    command: list[str] = []
    for argument in cmd:
        if command and command[-1] in ("-f", "--f"):
            argument = CONNECTION_FILE
        elif argument.startswith(("-f=", "--f=")):
            argument = argument.split("=", 1)[0] + "=" + CONNECTION_FILE
        command.append(argument)
    return command


class KernelLog:
    """A private file for a jailed kernel's stdout and stderr (and its launcher's messages).

    Each kernel gets its own, so that what student code writes to its raw descriptors reaches
    neither the instructor's terminal nor a shared log, and is bounded by the jail's file size
    limit; :meth:`tail` shows its end when a kernel fails to start. :meth:`remove` deletes it.
    """

    TAIL = 2000

    def __init__(self) -> None:
        self.directory = tempfile.mkdtemp(prefix="autograder-kernel-")
        self.path = Path(self.directory) / "kernel.log"
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def tail(self) -> str:
        """The last characters written, on one line."""
        try:
            with open(self.path, "rb") as file:
                file.seek(max(0, os.fstat(file.fileno()).st_size - self.TAIL))
                return " ".join(file.read().decode(errors="replace").split())
        except OSError:
            return ""

    def remove(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        shutil.rmtree(self.directory, ignore_errors=True)


def host_ip(jail_pid: int) -> str:
    """Where the grader finds the jail's IPC sockets: inside the jail's root, from the host."""
    return str(Path(f"/proc/{jail_pid}/root") / IPC_PREFIX.lstrip("/"))
