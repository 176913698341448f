"""``SandboxKernelManager``: the kernel manager of every notebook the grader runs.

It chooses how the kernel starts -- jailed or not, forked from a warm process or fresh --
through the kernelspec's provisioner stanza, and, for a jailed kernel, uses Unix sockets
(the jail has no network) and interrupts by message: a SIGINT would reach the jail's
launcher, not the kernel, and ipykernel turns an ``interrupt_request`` into a
``KeyboardInterrupt`` in the running cell.
"""

from __future__ import annotations

from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Dict, DottedObjectName, Integer, List, Type, Unicode

from .channels import BoundedChannels, BoundedKernelClient
from .jailed import IPC_PREFIX


class SandboxKernelManager(BoundedChannels, AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernels run in a jail and/or are forked, and whose
    sockets to them are bounded (:mod:`.channels`), its clients' too."""

    client_class = DottedObjectName("autograder.kernels.channels.BoundedKernelClient",
                                    config=True)
    client_factory = Type(BoundedKernelClient, klass=AsyncKernelClient, config=True)
    sandbox = Bool(True, help="Run the kernel in a jail (autograder.sandbox).")
    fork = Bool(False, help="Fork the kernel from a warm zygote process.")
    limits = Dict(help="Fields of autograder.sandbox.spec.Limits.")
    protected = List(Unicode(), help="Host paths no jail may show.")
    # The fallback where no jail can be set up but the grader is root (a Gradescope
    # container): autograder/gradescope/protection.py sets it.
    unprivileged_uid = Integer(None, allow_none=True, help="Without the sandbox, run the "
                               "kernel as this unprivileged user id (the grader must be root)."
                               ).tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.sandbox:
            self.transport = "ipc"
            self.ip = IPC_PREFIX  # the path inside the jail; the provisioner gives the host's

    @property
    def kernel_spec(self) -> KernelSpec | None:
        spec = super().kernel_spec
        if spec is not None and not spec.metadata.get("autograder"):
            spec.metadata["autograder"] = True
            jail = {"limits": dict(self.limits), "protected": list(self.protected)}
            if self.unprivileged_uid is not None and not self.sandbox:  # never forked
                spec.metadata["kernel_provisioner"] = {
                    "provisioner_name": "autograder-unprivileged",
                    "config": {"uid": self.unprivileged_uid, "limits": dict(self.limits)}}
            elif self.fork:
                spec.metadata["kernel_provisioner"] = {
                    "provisioner_name": "autograder-fork",
                    "config": {"jail": jail} if self.sandbox else {}}
            elif self.sandbox:
                spec.metadata["kernel_provisioner"] = {
                    "provisioner_name": "autograder-jail", "config": jail}
            if self.sandbox:
                spec.interrupt_mode = "message"
        return spec
