"""Kernels forked from a warm "zygote" process, for fast parallel autograding.

Starting ``python -m ipykernel_launcher`` costs ~0.5 s of imports per notebook.  The
``autograder-fork`` kernel provisioner (:class:`ForkProvisioner`) instead asks a zygote
process, which has already imported ipykernel, numpy and ``autograder``, to ``fork()`` a
fresh kernel process for every notebook.  Each kernel is still a new process with fresh
state; the zygote never runs user code.

Modules:

* :mod:`.zygote` -- the zygote process (serving loop, and the child's set-up as a kernel);
* :mod:`.client` -- the grader's handle on a zygote (started lazily, one per process);
* :mod:`.provisioner` -- ``ForkProvisioner``, the jupyter_client provisioner.

Selecting it, in one of three ways:

* a kernelspec with ``"metadata": {"kernel_provisioner": {"provisioner_name": "autograder-fork"}}``;
* the environment variable ``JUPYTER_DEFAULT_PROVISIONER_NAME=autograder-fork``;
* traitlets config ``c.KernelProvisionerFactory.default_provisioner_name = "autograder-fork"``,
  **plus** a call to :func:`apply_factory_config` with that config in the grading process.
  jupyter_client creates its provisioner factory singleton with the kernel manager's *parent*,
  and nbclient (hence nbgrader's ``Execute``) creates kernel managers with ``config=`` but no
  parent, so on its own that config section never reaches the factory and is ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from traitlets.config import Config

__all__ = ["ForkProvisioner", "ZygoteError", "apply_factory_config", "shutdown_zygotes"]


def apply_factory_config(config: Config) -> None:
    """Apply ``config``'s ``KernelProvisionerFactory`` section to this process's factory.

    Call it once in the grading process with the config you pass to nbgrader (or from
    ``nbgrader_config.py``); it affects every kernel manager created afterwards in the process.
    """
    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    KernelProvisionerFactory.instance().update_config(config)


def __getattr__(name: str) -> Any:
    # Lazy, so that the zygote (which imports this package) does not import jupyter_client.
    if name == "ForkProvisioner":
        from .provisioner import ForkProvisioner

        return ForkProvisioner
    if name in ("ZygoteError", "shutdown_zygotes"):
        from . import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
