"""``ForkProvisioner``: a jupyter_client kernel provisioner that forks kernels from a zygote.

Registered as the ``autograder-fork`` entry point of ``jupyter_client.kernel_provisioners``.
It is a :class:`~jupyter_client.provisioning.LocalProvisioner` (same ports, connection file,
env and cmd from ``pre_launch``) whose ``launch_kernel`` asks this process's zygote to fork
the kernel when the command is ``[python, -m, ipykernel_launcher|ipykernel, ...]``.  Any
other command, ``independent=True``, ``stdout``/``stderr`` pipes or other Popen options fall
back to the normal LocalProvisioner launch (stdin is always ``/dev/null``, as good as
LocalProvisioner's closed pipe).  If the zygote cannot be started or dies during
the launch, the launch fails with :class:`ZygoteError` (no silent fallback); the next
launch starts a new zygote.

The kernel is the zygote's child (a jailed kernel: the jail's, whose parent is the zygote's
child): its exit status comes from the zygote, which reaps it, and signals are delivered by
the zygote to the kernel's process group (or the jail's top process), so there is no pid
reuse race.  If the zygote itself dies, unjailed kernels exit through ipykernel's parent
poller and are then signalled/polled directly (through a pidfd where available); jails die
with it.

The zygote is started with an environment of its own, which is all its kernels find in
``/proc/self/environ``: a jailed kernel's (:meth:`JailSpec.environment`), or for an unjailed
kernel only the variables that act at start-up (:func:`.client.startup_env`).
"""

from __future__ import annotations

import asyncio
import errno
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Dict, Float, List, Unicode

from ...sandbox.spec import Limits
from ..jailed import KernelLog, host_ip, kernel_command, kernel_jail
from .client import ZygoteClient, ZygoteError, get_zygote, startup_env

#: Kernel modules the zygote can run (``python -m <module> ...``).
KERNEL_MODULES = ("ipykernel_launcher", "ipykernel")
#: ``launch_kernel`` keyword arguments the fork path understands.
_FORK_KWARGS = {"env", "cwd", "stdin", "stdout", "stderr", "independent"}


class ForkProvisioner(LocalProvisioner):
    """Launch ipykernel kernels as fork children of a warm zygote process."""

    preload_modules = List(
        Unicode(),
        default_value=[
            "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "numpy",
            "jacobian_checks", "jacobian_checks.probe",
            "jacobian_checks.stored:read_stored_data",
            # What a graded notebook imports after the fork (the checks' random inputs, the
            # kernel's first execution), ~10 ms each time:
            "numpy.random", "secrets", "IPython.core.logger", "zmq.utils.garbage",
            # What a kernel imports as it starts (IPKernelApp.initialize), ~20 ms each time:
            "psutil", "sqlite3", "pdb", "faulthandler", "tornado.platform.asyncio",
            "IPython.core.completerlib", "IPython.core.debugger", "IPython.core.oinspect",
            "IPython.extensions.storemagic",
            # What the first error a cell raises imports (IPython's traceback formatting),
            # 0.1-0.2 s in every kernel where a check fails:
            "stack_data", "executing", "asttokens", "pure_eval", "fractions",
            "pygments.lexers.python", "pygments.formatters.terminal256",
            "pygments.formatters.html", "pygments.styles", "pygments.console",
        ],
        config=True,
        help="Modules the zygote imports before it forks kernels; for module:function, it "
             "then calls function() (to read data every kernel would read).",
    )
    zygote_timeout = Float(
        60.0, config=True, help="Seconds to wait for the zygote to start or to answer a request."
    )
    jail = Dict(
        default_value=None, allow_none=True, config=True,
        help="Fork each kernel into its own jail: {'limits': Limits fields, 'protected': host "
             "paths no jail may show}; None forks it unjailed.",
    )

    _zygote: ZygoteClient | None = None
    _pidfd: int | None = None
    _kernel_log: KernelLog | None = None

    @property
    def has_process(self) -> bool:
        return self._zygote is not None or super().has_process

    @staticmethod
    def kernel_module(cmd: list[str]) -> str | None:
        """The module of a ``[python, -m, <module>, ...]`` kernel command we can fork, else None."""
        if len(cmd) >= 3 and cmd[1] == "-m" and cmd[2] in KERNEL_MODULES:
            return cmd[2]
        return None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        """Fork the kernel from the zygote (or fall back to a normal launch, see module doc)."""
        cmd = [os.path.expanduser(arg) for arg in cmd]
        module = self.kernel_module(cmd)
        options = self._scrub_kwargs(kwargs)
        pipes = {options.get("stdout"), options.get("stderr")} & {subprocess.PIPE}
        stdin = options.get("stdin") not in (None, subprocess.PIPE, subprocess.DEVNULL)
        unsupported = set(options) - _FORK_KWARGS or options.get("independent") or pipes or stdin
        if module is None or unsupported or sys.platform == "win32":
            if self.jail is not None:  # never a silent launch without the jail
                raise ZygoteError(f"cannot fork {cmd} with {sorted(options)} into a jail")
            self.log.info("ForkProvisioner: normal launch for %s (%s)", cmd, sorted(options))
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(options.get("env") or os.environ)
        cwd = os.fspath(options.get("cwd") or os.getcwd())
        if not os.path.isdir(cwd):  # what Popen(cwd=...) would raise
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), cwd)
        request: dict[str, Any] = {"module": module, "args": cmd[3:], "cmd": cmd}
        if self.jail is not None:
            spec = kernel_jail(self.connection_info, workdir=cwd,
                               limits=Limits(**self.jail.get("limits", {})), env=env,
                               protected=self.jail.get("protected", []))
            zygote_env = spec.environment()  # the jail's, and nothing of the grader's
            cmd = kernel_command(cmd)
            # The work directory goes as a descriptor: no host path in the kernel's memory.
            spec = replace(spec, workdir_source=None)
            request.update(cmd=cmd, args=cmd[3:], jail=spec.to_json())
            self._kernel_log = KernelLog()
            options = {**options, "stdout": self._kernel_log.fd, "stderr": self._kernel_log.fd}
        else:
            zygote_env = startup_env(env)
            request.update(cwd=cwd, env=env)
        zygote = get_zygote(cmd[0], list(self.preload_modules), zygote_env)
        try:
            ready = await self._await(zygote.ready, "start")
        except ZygoteError:
            zygote.close()  # a zygote stuck in its preloads must not be reused
            raise
        if ready["errors"]:
            self.log.warning("ForkProvisioner: zygote preload problems: %s", ready["errors"])
        if ready["output"]:
            self.log.debug("ForkProvisioner: zygote preload output: %s", ready["output"])
        with _stdio_fds(options) as fds, ExitStack() as stack:
            if self.jail is not None:
                workdir = os.open(cwd, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
                stack.callback(os.close, workdir)
                fds = (*fds, workdir)
            spawned = zygote.spawn(request, fds, jail=self.jail is not None)
        reply = await self._await(spawned, "fork a kernel")
        self._zygote, self.pid, self.pgid, self.cwd = zygote, reply["pid"], reply["pid"], cwd
        if self.jail is not None:
            self.connection_info = {**self.connection_info, "ip": host_ip(reply["kernel"])}
        self._pidfd = _pidfd_open(self.pid)
        self.log.debug("ForkProvisioner: kernel %s forked by zygote %s", self.pid, zygote.pid)
        return self.connection_info

    async def _await(self, fut: Any, what: str) -> dict[str, Any]:
        try:
            return await asyncio.wait_for(asyncio.wrap_future(fut), self.zygote_timeout)
        except TimeoutError:
            raise ZygoteError(f"the kernel zygote did not {what} within "
                              f"{self.zygote_timeout} s") from None

    async def poll(self) -> int | None:
        """None while the kernel runs, else its exit status (as reported by the zygote)."""
        if self._zygote is None:
            return await super().poll()
        assert self.pid is not None
        status = self._zygote.returncode(self.pid)
        if status is None and not self._zygote.alive and not self._orphan_alive():
            status = 1  # the zygote died and someone else reaped the kernel: status unknown
        return status

    async def wait(self) -> int | None:
        """Wait until the kernel has exited, then release it (``has_process`` turns False)."""
        if self._zygote is None:
            return await super().wait()
        while (status := await self.poll()) is None:
            await asyncio.sleep(0.02)
        self._release()
        return status

    async def send_signal(self, signum: int) -> None:
        """Signal the kernel's process group (through the zygote while it lives)."""
        if self._zygote is None:
            return await super().send_signal(signum)
        assert self.pid is not None
        if self._zygote.returncode(self.pid) is not None:
            return  # already exited and reaped
        if self._zygote.alive:
            try:
                await self._await(self._zygote.request("signal", pid=self.pid, signum=signum),
                                  "deliver a signal")
                return
            except ZygoteError:
                if self._zygote.alive:
                    raise
        if self._orphan_alive():  # the pidfd guarantees the pid still names our kernel
            try:
                os.killpg(self.pid, signum)
            except ProcessLookupError:
                pass

    async def kill(self, restart: bool = False) -> None:
        """SIGKILL the kernel's process group and wait (up to 2 s) until the zygote reaped it.

        Waiting here, in steps of 5 ms, spares the kernel manager its own wait, which checks
        whether the kernel is alive only every 100 ms.
        """
        if self._zygote is None:
            return await super().kill(restart)
        await self.send_signal(signal.SIGKILL)
        deadline = time.monotonic() + 2.0
        while await self.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.005)

    async def terminate(self, restart: bool = False) -> None:
        """SIGTERM the kernel's process group."""
        if self._zygote is None:
            return await super().terminate(restart)
        await self.send_signal(signal.SIGTERM)

    async def cleanup(self, restart: bool = False) -> None:
        """Return cached ports (LocalProvisioner), forget the kernel, remove its log."""
        await super().cleanup(restart)
        self._release()
        if self._kernel_log is not None:
            self._kernel_log.remove()
            self._kernel_log = None

    async def get_provisioner_info(self) -> dict[str, Any]:
        """LocalProvisioner's info plus whether (and by which zygote) the kernel was forked."""
        info = await super().get_provisioner_info()
        info["zygote_pid"] = self._zygote.pid if self._zygote is not None else None
        return info

    async def load_provisioner_info(self, provisioner_info: dict) -> None:
        """Like LocalProvisioner: the kernel is known by pid but not managed by this instance."""
        await super().load_provisioner_info(provisioner_info)
        self._zygote = None

    def _orphan_alive(self) -> bool:
        """Is the kernel still running, now that the zygote cannot tell us?"""
        assert self.pid is not None
        if self._pidfd is not None:
            return not select.select([self._pidfd], [], [], 0)[0]
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True

    def _release(self) -> None:
        if self._zygote is not None and self.pid is not None:
            self._zygote.forget(self.pid)
        self._zygote = None
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None


def _pidfd_open(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


@contextmanager
def _stdio_fds(options: dict[str, Any]) -> Iterator[tuple[int, ...]]:
    """The (stdout, stderr) descriptors a Popen with these options would give the kernel."""
    with ExitStack() as stack:

        def resolve(value: Any, default: int) -> int:
            if value is None:
                return default
            if value == subprocess.DEVNULL:
                return stack.enter_context(open(os.devnull, "wb")).fileno()
            return value if isinstance(value, int) else value.fileno()

        out = resolve(options.get("stdout"), 1)
        err = resolve(options.get("stderr"), 2)
        yield out, (out if err == subprocess.STDOUT else err)
