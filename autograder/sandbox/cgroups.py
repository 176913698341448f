"""Memory and CPU limits for a whole jail, through Linux control groups.

``RLIMIT_AS`` bounds each process of a jail, not the jail: a kernel that starts children
could hold that much in every one of them, and nothing in rlimits bounds how many cores a
jail keeps busy. Where the grader runs as root and the kernel has the controllers, each jail
also gets a control group of its own:

- ``memory``: what its processes hold, and what they write to their scratch tmpfs, is capped
  at the jail's memory limit; past it, the out-of-memory killer ends a process of that jail
  and of no other;
- ``cpu``: the jail uses at most ``limits.cpus`` cores in all (cgroup v2 ``cpu.max``, v1
  ``cpu.cfs_quota_us``), however many processes it starts, and every jail weighs the same
  beside the others, so that 60 spinning processes in one jail cost a kernel beside it no
  more than one would. The group of all jails weighs as much as one busy process per core
  (the grader runs one kernel per core) beside the host's other processes.

Both kinds of hosts are served: cgroup v1 (a ``memory`` and a ``cpu`` hierarchy, groups
nested under the grader's own group in each), and cgroup v2 where the controllers can be
enabled for a group of ours (below the grader's own group, or else below the root). Elsewhere
-- not root, no controller, a container that hides them -- :func:`confine` does what it can
(possibly nothing) and each process keeps only its rlimits; :func:`limit_notes` says what is
missing, in words for the run's header.

P, the trusted parent in :func:`autograder.sandbox.jail.spawn`, calls :func:`confine` on the
jail's top process before it has children, and :func:`release` once it has reaped it.
"""

from __future__ import annotations

import errno
import os
import time
from dataclasses import dataclass

from .spec import Limits

CGROUP_ROOT = "/sys/fs/cgroup"
GROUP = "autograder-jails"  #: the group that holds one group per jail
CONTROLLERS = ("memory", "cpu")  #: what a jail's group limits, where the host has it
PERIOD_US = 100_000  #: the CPU bandwidth period, in microseconds
_V1_FILES = {"memory": "memory.limit_in_bytes", "cpu": "cpu.cfs_quota_us"}
#: The weight file of a v1 or v2 cpu group, an ordinary process's weight, and the largest.
_WEIGHTS = {1: ("cpu.shares", 1024, 262_144), 2: ("cpu.weight", 100, 10_000)}

MEMORY_NOTE = ("Note: the memory limit holds each process of a student's kernel, not the "
               "kernel and the processes it starts together; grade as root on a host with a "
               "cgroup memory controller for one limit per kernel.")
CPU_NOTE = ("Note: a student's kernel may keep every core busy (e.g. with many processes), "
            "slowing the kernels graded beside it; grade as root on a host with a cgroup cpu "
            "controller for at most one core per kernel and an equal share for each.")


@dataclass(frozen=True)
class Hierarchy:
    """Where the jails' groups are made (``parent``), in a v1 or v2 hierarchy, and which of
    :data:`CONTROLLERS` those groups limit."""

    parent: str
    version: int
    controllers: tuple[str, ...] = ("memory",)

    def settings(self, limits: Limits) -> list[tuple[str, str]]:
        """Files of a new group to write, in order, and what to write to them."""
        settings = []
        if "memory" in self.controllers:
            settings += self._memory(limits.memory_bytes)
        if "cpu" in self.controllers:
            quota = str(limits.cpus * PERIOD_US)
            settings += ([("cpu.max", f"{quota} {PERIOD_US}")] if self.version == 2 else
                         [("cpu.cfs_period_us", str(PERIOD_US)), ("cpu.cfs_quota_us", quota)])
        return settings

    def _memory(self, limit_bytes: int) -> list[tuple[str, str]]:
        if self.version == 2:
            settings = [("memory.max", str(limit_bytes))]
            if os.path.exists(os.path.join(self.parent, "memory.swap.max")):
                settings.append(("memory.swap.max", "0"))
            return settings
        settings = [("memory.limit_in_bytes", str(limit_bytes))]
        if os.path.exists(os.path.join(self.parent, "memory.memsw.limit_in_bytes")):
            settings.append(("memory.memsw.limit_in_bytes", str(limit_bytes)))  # no swap either
        return settings


def find_hierarchies(root: str = CGROUP_ROOT, own_groups: str = "/proc/self/cgroup", *,
                     as_root: bool | None = None) -> tuple[Hierarchy, ...]:
    """Set up the groups of jails' groups; one :class:`Hierarchy` per place where some of
    :data:`CONTROLLERS` are ours to use (none: an empty tuple).

    ``root`` is where control groups are mounted and ``own_groups`` lists this process's
    groups (``/proc/self/cgroup``); ``as_root`` defaults to whether this process is root.
    """
    if not (os.geteuid() == 0 if as_root is None else as_root):
        return ()
    own = _own_groups(own_groups)
    v1 = [name for name in CONTROLLERS
          if os.path.isfile(os.path.join(root, name, _V1_FILES[name]))]
    if v1:
        found = (_set_up(os.path.join(root, name), own.get(name, "/"), 1, (name,))
                 for name in v1)
        return tuple(hierarchy for hierarchy in found if hierarchy is not None)
    available = _read(os.path.join(root, "cgroup.controllers")).split()
    wanted = tuple(name for name in CONTROLLERS if name in available)
    hierarchy = _set_up(root, own.get("", "/"), 2, wanted) if wanted else None
    return () if hierarchy is None else (hierarchy,)


def _set_up(mount: str, own_group: str, version: int,
            controllers: tuple[str, ...]) -> Hierarchy | None:
    """The group of jails in the hierarchy mounted at ``mount``, below the grader's own group
    so that the grader's own limits hold its jails too; else below the root (a container may
    list a group it does not show)."""
    places = [os.path.normpath(os.path.join(mount, own_group.lstrip("/"))), mount]
    for place in dict.fromkeys(p for p in places if os.path.isdir(p)):
        parent = os.path.join(place, GROUP)
        try:
            os.makedirs(parent, exist_ok=True)
            if version == 2:  # v2 limits only where the parent enabled the controller
                for group in (place, parent):
                    enabled = _read(os.path.join(group, "cgroup.subtree_control")).split()
                    if missing := [name for name in controllers if name not in enabled]:
                        _write(os.path.join(group, "cgroup.subtree_control"),
                               " ".join(f"+{name}" for name in missing))
            if "cpu" in controllers:  # all jails together: one busy process per core
                name, one, most = _WEIGHTS[version]
                _write(os.path.join(parent, name), str(min(one * (os.cpu_count() or 1), most)))
        except OSError:
            continue  # e.g. v2's "no internal processes" rule for a group that has some
        _remove_empty_groups(parent)  # left by a grader that was killed
        return Hierarchy(parent, version, controllers)
    return None


_found: list[tuple[Hierarchy, ...]] = []  #: this process's hierarchies, once looked for


def prepare() -> None:
    """Find (and set up) this process's hierarchies now, e.g. before forking jails' parents."""
    if not _found:
        _found.append(find_hierarchies())


def _hierarchies() -> tuple[Hierarchy, ...]:
    prepare()
    return _found[0]


def jail_memory_limited() -> bool:
    """Whether jails made by this process get a memory limit for the whole jail."""
    return any("memory" in h.controllers for h in _hierarchies())


def jail_cpu_limited() -> bool:
    """Whether jails made by this process get a CPU limit and an equal share each."""
    return any("cpu" in h.controllers for h in _hierarchies())


def limit_notes() -> list[str]:
    """What the jails of this process cannot limit on this host, one note each."""
    return ([] if jail_memory_limited() else [MEMORY_NOTE]) + (
        [] if jail_cpu_limited() else [CPU_NOTE])


def confine(pid: int, limits: Limits,
            hierarchies: tuple[Hierarchy, ...] | None = None) -> bool:
    """Put process ``pid`` (and so its future children) in a new group of every hierarchy,
    limited as ``limits`` say; ``False`` where there is no controller to use.

    Raises OSError if a controller is there but refuses.
    """
    hierarchies = _hierarchies() if hierarchies is None else hierarchies
    for hierarchy in hierarchies:
        group = os.path.join(hierarchy.parent, f"jail-{pid}")
        for attempt in range(_JOIN_ATTEMPTS):
            try:
                _join(group, hierarchy.settings(limits), pid)
                break
            except OSError as exc:
                if exc.errno not in _REMOVED or attempt == _JOIN_ATTEMPTS - 1:
                    raise
    return bool(hierarchies)


_REMOVED = (errno.ENOENT, errno.ENODEV)
"""What writing into a new jail's group raises when another grading process starting up
swept it away as empty (:func:`_remove_empty_groups`), before the jail's first process joined
it: gone (``ENOENT``), or being removed (``ENODEV``). The group is made again."""

_JOIN_ATTEMPTS = 3


def _join(group: str, settings: list[tuple[str, str]], pid: int) -> None:
    os.makedirs(group, exist_ok=True)  # it may be left from an earlier jail with this pid
    for name, value in settings:
        _write(os.path.join(group, name), value)
    _write(os.path.join(group, "cgroup.procs"), str(pid))


def release(pid: int, hierarchies: tuple[Hierarchy, ...] | None = None, *,
            grace: float = 0.0) -> None:
    """Remove the groups of the jail whose top process ``pid`` has been reaped; a group whose
    processes are still exiting (the jail's init and program die just after its top) is
    tried again for ``grace`` seconds, then left for a later sweep."""
    if hierarchies is None:
        hierarchies = _found[0] if _found else ()
    deadline = time.monotonic() + grace
    for hierarchy in hierarchies:
        group = os.path.join(hierarchy.parent, f"jail-{pid}")
        while not _remove(group) and time.monotonic() < deadline:
            time.sleep(0.005)


def _remove_empty_groups(parent: str) -> None:
    for name in os.listdir(parent):
        if name.startswith("jail-"):
            _remove(os.path.join(parent, name))


def _remove(group: str) -> bool:
    """Remove an empty group; False if it still has processes (left for a later sweep)."""
    try:
        os.rmdir(group)
    except OSError as exc:
        if exc.errno in (errno.EBUSY, errno.ENOTEMPTY):
            return False
        if exc.errno != errno.ENOENT:  # ENOENT: gone already
            raise
    return True


def _own_groups(path: str) -> dict[str, str]:
    """``{controller: path}`` from ``/proc/self/cgroup``; v2's unified group under ``""``."""
    groups = {}
    for line in _read(path).splitlines():
        _, controllers, group = line.split(":", 2)
        for controller in controllers.split(","):
            groups[controller] = group
    return groups


def _read(path: str) -> str:
    try:
        with open(path) as file:
            return file.read()
    except OSError:
        return ""


def _write(path: str, text: str) -> None:
    with open(path, "w") as file:
        file.write(text)
