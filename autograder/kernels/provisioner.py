"""``JailProvisioner``: fresh kernels, each in its own jail.

Registered as the ``autograder-jail`` entry point of ``jupyter_client.kernel_provisioners``.
Instead of the kernel command it starts ``python -m autograder.sandbox.launch``, which builds
the jail (:func:`autograder.kernels.jailed.kernel_jail`) and execs the kernel inside as the
jail's pid 2, then reports the jail's pid; the grader reaches the kernel's sockets through
``/proc/<jail pid>/root``. Killing the launcher ends the jail and everything in it. The
kernel's stdout and stderr go to a private :class:`~autograder.kernels.jailed.KernelLog`.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Dict, Float, List, Unicode

from ..sandbox.spec import Limits
from .jailed import KernelLog, host_ip, kernel_command, kernel_jail


class JailProvisioner(LocalProvisioner):
    """Launch each kernel in a new jail, through the sandbox's launcher."""

    limits = Dict(help="Fields of autograder.sandbox.spec.Limits.").tag(config=True)
    protected = List(Unicode(), help="Host paths no jail may show (the course directory, "
                     "the gradebook, the course secret).").tag(config=True)
    launch_timeout = Float(30.0, help="Seconds to wait for the jail to be set up.").tag(
        config=True)

    _log: KernelLog | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        spec = kernel_jail(self.connection_info, workdir=kwargs.get("cwd"),
                           limits=Limits(**self.limits), env=kwargs.get("env") or os.environ,
                           protected=self.protected)
        self._log = log = KernelLog()
        spec_file = os.path.join(log.directory, "jail.json")
        with open(os.open(spec_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as file:
            file.write(spec.to_json())
        read_end, write_end = os.pipe()
        command = [sys.executable, "-m", "autograder.sandbox.launch", spec_file,
                   str(write_end), "--", *kernel_command(cmd)]
        try:
            self.process = process = subprocess.Popen(
                command, pass_fds=[write_end], stdin=subprocess.DEVNULL, stdout=log.fd,
                stderr=log.fd, env=kwargs.get("env"), cwd=log.directory,
                start_new_session=True)
        finally:
            os.close(write_end)
        try:
            jail = await self._read_pid(read_end, process, log)
        finally:
            os.close(read_end)
        self.pid = self.pgid = process.pid
        self.cwd = kwargs.get("cwd")
        self.connection_info = {**self.connection_info, "ip": host_ip(jail)}
        return self.connection_info

    async def _read_pid(self, descriptor: int, process: subprocess.Popen,
                        log: KernelLog) -> int:
        """The jail's pid, as the launcher writes it; a clear error if the jail failed."""
        os.set_blocking(descriptor, False)
        data, deadline = b"", time.monotonic() + self.launch_timeout
        while b"\n" not in data:
            try:
                chunk = os.read(descriptor, 64)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    process.kill()
                    raise RuntimeError("the kernel's sandbox was not ready within "
                                       f"{self.launch_timeout:g} s") from None
                await asyncio.sleep(0.005)
                continue
            if not chunk:
                code = process.wait()
                raise RuntimeError(f"the kernel's sandbox could not be set up (exit status "
                                   f"{code}): {log.tail()}")
            data += chunk
        return int(data.split(b"\n")[0])

    async def cleanup(self, restart: bool = False) -> None:
        await super().cleanup(restart)
        if self._log is not None:
            self._log.remove()
            self._log = None
