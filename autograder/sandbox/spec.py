"""What one jail looks like: its file view, its files, its environment and its limits.

Both classes are frozen and cross process boundaries as plain JSON (never pickles): the
grader writes a :class:`JailSpec` to a file that :mod:`autograder.sandbox.launch` reads.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields

MiB = 1 << 20
GiB = 1 << 30

UID = GID = 1000  #: the student's uid and gid inside every jail
HOME = "/home/student"  #: the student's home: scratch space, with the work directory in it
#: Paths every jail makes itself: a read-only tree may neither lie in one nor contain one,
#: except that it may lie in the scratch space (:data:`SCRATCH_PATHS`).
JAIL_PATHS = ("/proc", "/dev", "/etc", "/tmp", HOME, "/run/kernel")
#: Scratch paths a read-only tree may lie in (e.g. a virtualenv under /tmp): it is bound over
#: the jail's scratch, which stays writable around it; never in the work directory's copy.
SCRATCH_PATHS = ("/tmp", HOME)
#: Directories :attr:`JailSpec.files` may be written to.
WRITABLE_PATHS = ("/etc", "/tmp", HOME, "/run/kernel")


@dataclass(frozen=True)
class Limits:
    """Resource limits of the jailed program (and of every process it starts).

    Attributes
    ----------
    memory_bytes : int
        RLIMIT_AS of each process: address space, so allocations beyond it raise MemoryError;
        and, where control groups allow it (:mod:`.cgroups`), the memory of the whole jail,
        beyond which the out-of-memory killer ends one of its processes.
    processes : int
        RLIMIT_NPROC: tasks (processes and threads) the jail's user may have at once,
        counting the jail's init (and, when the grader does not run as root, the process
        above it).
    file_size_bytes : int
        RLIMIT_FSIZE: the largest file a process may write (EFBIG beyond it).
    open_files : int
        RLIMIT_NOFILE: open file descriptors per process.
    scratch_bytes : int
        Total size of the writable scratch space, shared by ``/home/student`` and ``/tmp``.
    scratch_inodes : int
        Files and directories the scratch space may hold.
    cpus : int
        Cores the whole jail may keep busy at once, where control groups allow it
        (:mod:`.cgroups`, which also gives every jail an equal share beside the others).
    """

    memory_bytes: int = 2 * GiB
    processes: int = 64
    file_size_bytes: int = 64 * MiB
    open_files: int = 256
    scratch_bytes: int = 256 * MiB
    scratch_inodes: int = 16384
    cpus: int = 1

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"limits.{item.name} must be a positive integer, not {value!r}")


def default_read_only() -> tuple[str, ...]:
    """The host trees a Python kernel needs: the system and this interpreter's environment.

    ``/usr``, ``/bin``, ``/lib``, ``/lib64`` and ``/sbin`` (those that exist),
    ``sys.base_prefix`` and ``sys.prefix``; duplicates and nested paths dropped.
    """
    candidates = ["/usr", "/bin", "/lib", "/lib64", "/sbin", sys.base_prefix, sys.prefix]
    return outermost(p for p in candidates if os.path.lexists(p))


def outermost(paths: Iterable[str]) -> tuple[str, ...]:
    """Normalised absolute ``paths``, sorted, without duplicates or paths inside another one."""
    kept: list[str] = []
    for path in sorted({os.path.normpath(os.path.abspath(p)) for p in paths}):
        if not any(is_within(path, outer) for outer in kept):
            kept.append(path)
    return tuple(kept)


def in_scratch(path: str) -> bool:
    """Whether ``path`` lies strictly inside the jail's scratch space, but not in its copy of
    the work directory."""
    return (any(is_within(path, place) and path != place for place in SCRATCH_PATHS)
            and not is_within(path, HOME + "/work"))


def is_within(path: str, tree: str) -> bool:
    """Whether ``path`` is ``tree`` or lies inside it (both normalised absolute paths)."""
    return path == tree or path.startswith(tree.rstrip("/") + "/")


def default_env() -> dict[str, str]:
    """A small environment: a system PATH, UTF-8, and one thread per numeric library.

    One BLAS/OpenMP thread keeps the kernel's address space (RLIMIT_AS) small and the
    timings of a grading run comparable between students.
    """
    return {
        "PATH": os.pathsep.join([os.path.join(sys.prefix, "bin"), "/usr/local/bin", "/usr/bin"]),
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


@dataclass(frozen=True)
class JailSpec:
    """The file view and settings of one jail, see :func:`autograder.sandbox.spawn`.

    Attributes
    ----------
    read_only : tuple of str
        Host paths bound read-only at the same path inside. Nothing else of the host's
        file system is visible (apart from a few device nodes and /etc files).
    hidden : tuple of str
        Paths inside the read-only trees that must look empty inside (e.g. the grader's own
        package in site-packages).
    filtered : dict of str to tuple of str
        Directories inside the read-only trees that show only some of their entries
        (relative paths, e.g. ``numpy`` or ``__pycache__/six.cpython-311.pyc``), read-only;
        every other entry looks absent. E.g. a site-packages with only the kernel's
        packages.
    workdir_source : str or None
        A host directory whose directories and regular files (never symlinks, devices or
        fifos; at most 4096 files, 16 levels and half the scratch space; anything unreadable
        skipped) are copied to ``/home/student/work``.
    workdir_skip : tuple of str
        File name endings left out of that copy (e.g. ``".ipynb"``).
    files : dict of str to str
        In-jail path -> text, written mode 0600 for the student before the program starts,
        e.g. ``{"/run/kernel/kernel.json": ...}``; paths must lie in ``/run/kernel``,
        ``/home/student``, ``/tmp`` or ``/etc``.
    env : dict of str to str
        The whole environment; HOME and IPYTHONDIR are always set to the scratch home and
        JPY_PARENT_PID is always removed.
    cwd : str
        The working directory the program starts in.
    limits : Limits
        Resource limits.
    """

    read_only: tuple[str, ...] = field(default_factory=default_read_only)
    hidden: tuple[str, ...] = ()
    filtered: dict[str, tuple[str, ...]] = field(default_factory=dict)
    workdir_source: str | None = None
    workdir_skip: tuple[str, ...] = ()
    files: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=default_env)
    cwd: str = "/home/student/work"
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ValueError on paths a jail cannot honour (run on construction, and by spawn)."""
        paths = [*self.read_only, *self.hidden, *self.filtered, *self.files, self.cwd]
        if self.workdir_source is not None:
            paths.append(self.workdir_source)
        for path in paths:
            if not isinstance(path, str) or not os.path.isabs(path):
                raise ValueError(f"jail paths must be absolute path strings, not {path!r}")
        for path in outermost(self.read_only):
            for own in JAIL_PATHS:
                if is_within(path, own) and not in_scratch(path) or is_within(own, path):
                    raise ValueError(f"read-only path {path} overlaps the jail's own {own}")
        for directory, entries in self.filtered.items():
            if not any(is_within(os.path.normpath(directory), tree) for tree in self.read_only):
                raise ValueError(f"filtered directory {directory} is not in a read-only path")
            for entry in entries:
                if (not isinstance(entry, str) or os.path.isabs(entry) or not entry
                        or os.path.normpath(entry) != entry or entry.split("/")[0] == ".."):
                    raise ValueError(f"entries of {directory} must be plain relative paths, "
                                     f"not {entry!r}")
        for path in map(os.path.normpath, self.files):
            if not any(is_within(path, place) and path != place for place in WRITABLE_PATHS):
                raise ValueError(f"file {path} is not inside {', '.join(WRITABLE_PATHS)}")

    def environment(self) -> dict[str, str]:
        """The program's whole environment: ``env`` with the scratch home, without
        JPY_PARENT_PID."""
        env = {k: v for k, v in self.env.items() if k != "JPY_PARENT_PID"}
        env.update(HOME=HOME, IPYTHONDIR=HOME + "/.ipython")
        return env

    def to_json(self) -> str:
        """This spec as a JSON object (tuples become lists)."""
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> JailSpec:
        """Parse and validate :meth:`to_json` output; raises ValueError on anything else."""
        data = json.loads(text)
        if not isinstance(data, dict) or set(data) - {f.name for f in fields(cls)}:
            raise ValueError(f"a jail spec must be an object with keys of JailSpec: {text!r}")
        limits = data.pop("limits", {})
        if not isinstance(limits, dict) or set(limits) - {f.name for f in fields(Limits)}:
            raise ValueError(f"limits must be an object with keys of Limits: {limits!r}")
        for key in ("read_only", "hidden", "workdir_skip"):
            if key in data:
                if not isinstance(data[key], list):
                    raise ValueError(f"{key} must be a list, not {data[key]!r}")
                data[key] = tuple(data[key])
        for key in ("files", "env"):
            value = data.get(key, {})
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ValueError(f"{key} must be an object of strings, not {value!r}")
        filtered = data.get("filtered", {})
        if not isinstance(filtered, dict) or not all(isinstance(v, list)
                                                     for v in filtered.values()):
            raise ValueError(f"filtered must be an object of lists, not {filtered!r}")
        data["filtered"] = {key: tuple(value) for key, value in filtered.items()}
        return cls(limits=Limits(**limits), **data)  # the constructor validates the rest
