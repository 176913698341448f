"""Kernels forked from a warm "zygote" process, for fast parallel autograding.

Starting ``python -m ipykernel_launcher`` costs ~0.5 s of imports per notebook.  The
``autograder-fork`` kernel provisioner (:class:`ForkProvisioner`) instead asks a zygote
process, which has already imported ipykernel, numpy and the student package
``jacobian_checks``, to ``fork()`` a fresh kernel process for every notebook -- into a new
jail of its own (:mod:`autograder.sandbox`) when the provisioner's ``jail`` is set.  Each
kernel is still a new process with fresh state; the zygote never runs user code, is started
with the kernels' environment rather than the grader's, and never sees what a kernel is for
(each forked child alone receives its kernel's request), so that no kernel inherits anything
of the grader or of another kernel.

Modules:

* :mod:`.zygote` -- the zygote process (serving loop, and the child's set-up as a kernel);
* :mod:`.client` -- the grader's handle on a zygote (started lazily, one per process);
* :mod:`.provisioner` -- ``ForkProvisioner``, the jupyter_client provisioner.

Selecting it: a kernelspec with ``"metadata": {"kernel_provisioner": {"provisioner_name":
"autograder-fork"}}``, as :class:`autograder.kernels.manager.SandboxKernelManager` writes it,
or the environment variable ``JUPYTER_DEFAULT_PROVISIONER_NAME=autograder-fork``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ForkProvisioner", "ZygoteError", "shutdown_zygotes"]


def __getattr__(name: str) -> Any:
    # Lazy, so that the zygote (which imports this package) does not import jupyter_client.
    if name == "ForkProvisioner":
        from .provisioner import ForkProvisioner

        return ForkProvisioner
    if name in ("ZygoteError", "shutdown_zygotes"):
        from . import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
