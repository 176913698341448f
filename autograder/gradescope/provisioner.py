"""``UnprivilegedProvisioner``: kernels as an unprivileged user, where there is no sandbox.

Registered as the ``autograder-unprivileged`` entry point of
``jupyter_client.kernel_provisioners``; :class:`autograder.kernels.manager.SandboxKernelManager`
picks it when ``unprivileged_uid`` is set (:mod:`.protection`'s fallback). It is jupyter's
``LocalProvisioner`` (a fresh ``python -m ipykernel_launcher``), with:

- a private scratch folder per kernel, ``0700`` and the kernel user's: its home, its
  working directory (empty: the kit's assignments ship no data files, and a Gradescope
  upload's other files are not graded), its connection file and its Unix sockets;
- its stdout and stderr in a private log (:class:`autograder.kernels.jailed.KernelLog`),
  not the grader's output;
- a small environment (:func:`autograder.sandbox.spec.default_env`, nbgrader's variables,
  the scratch home), none of the grader's;
- the launcher :mod:`.unprivileged` in front of the kernel's command, which drops to the user
  with the jail's limits;
- after the kernel: every process of the user killed, its files in the shared folders and
  the scratch folder deleted.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Dict, Integer

from ..kernels.jailed import PASSED_ENV, KernelLog
from ..sandbox.spec import Limits, default_env
from .protection import end_processes, remove_files
from .unprivileged import User, command

SCRATCH_PREFIX = "autograder-unprivileged-"


class UnprivilegedProvisioner(LocalProvisioner):
    """Launch each kernel as ``uid`` (user and group), in a scratch folder of its own."""

    uid = Integer(help="The user and group id the kernel runs as.").tag(config=True)
    limits = Dict(help="Fields of autograder.sandbox.spec.Limits.").tag(config=True)

    _scratch: Path | None = None
    _log: KernelLog | None = None

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        self._scratch = scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
        for folder in (scratch / "home", scratch / "work"):
            folder.mkdir(mode=0o700)
        for path in (scratch, scratch / "home", scratch / "work"):
            os.chown(path, self.uid, self.uid)
        # The connection file and the kernel's sockets in the scratch folder, which only the
        # kernel's user and root can enter.
        km = self.parent
        assert km is not None  # a provisioner is made by its kernel manager
        km.connection_file = str(scratch / "kernel.json")
        km.transport, km.ip = "ipc", str(scratch / "ipc")
        kwargs = await super().pre_launch(**kwargs)
        os.chown(scratch / "kernel.json", self.uid, self.uid)
        self._log = KernelLog()
        kwargs.update(env=kernel_env(kwargs.get("env") or os.environ, scratch / "home"),
                      cwd=str(scratch / "work"), stdout=self._log.fd, stderr=self._log.fd)
        return kwargs

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        assert self._scratch is not None
        user = User(self.uid, self.uid, str(self._scratch / "work"), Limits(**self.limits))
        return await super().launch_kernel(command(user, cmd), **kwargs)

    async def cleanup(self, restart: bool = False) -> None:
        await super().cleanup(restart)
        end_processes(self.uid)
        remove_files(self.uid)
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
        if self._log is not None:
            self._log.remove()
            self._log = None


def kernel_env(env: dict[str, str] | os._Environ[str], home: Path) -> dict[str, str]:
    """The kernel's whole environment: the jail's default, nbgrader's variables of ``env``
    (the kernel manager's), and ``home``."""
    kernel = default_env()
    kernel.update({name: env[name] for name in PASSED_ENV if name in env})
    kernel.update(HOME=str(home), IPYTHONDIR=str(home / ".ipython"), USER="student",
                  LOGNAME="student")
    return kernel
