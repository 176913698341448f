"""A sandbox for one Jupyter kernel (or any program), built on Linux namespaces with ctypes.

:func:`spawn` forks a child into its own user, mount, PID, network, IPC and UTS namespaces,
with a read-only view of a few host trees, a small scratch space, resource limits and a
seccomp filter, and returns 0 in that child (like ``os.fork``), so a warm zygote can run
preloaded code in it; ``python -m autograder.sandbox.launch`` execs a command in one
instead. Killing the pid that :func:`spawn` returns in the parent kills every process of the
jail. (:mod:`autograder.kernels.preflight` tells an instructor, before grading, what this
machine lacks for a kernel's jail.)
Only the standard library is imported here.
"""

from .jail import SandboxError, host_uid, spawn
from .spec import JailSpec, Limits, default_env, default_read_only

__all__ = [
    "JailSpec",
    "Limits",
    "SandboxError",
    "default_env",
    "default_read_only",
    "host_uid",
    "spawn",
]
