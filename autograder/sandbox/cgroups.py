"""One memory limit for a whole jail, through Linux control groups.

``RLIMIT_AS`` bounds each process of a jail, not the jail: a kernel that starts children
could hold that much in every one of them. Where the grader runs as root and the kernel has a
memory controller, each jail also gets a control group of its own, whose memory -- what its
processes hold, and what they write to their scratch tmpfs -- is capped at the same number
of bytes. Past the cap, the kernel's out-of-memory killer ends a process of that jail and of
no other.

Both kinds of hosts are served: cgroup v1's ``memory`` hierarchy (groups nest under the
grader's own group), and cgroup v2 where ``memory`` can be enabled for a group of ours (below
the grader's own group, or else below the root). Elsewhere -- not root, no controller, a
container that hides them -- :func:`confine` does nothing and each process keeps only its
``RLIMIT_AS``; :func:`jail_memory_limited` says which holds.

P, the trusted parent in :func:`autograder.sandbox.jail.spawn`, calls :func:`confine` on the
jail's top process before it has children, and :func:`release` once it has reaped it.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass

CGROUP_ROOT = "/sys/fs/cgroup"
GROUP = "autograder-jails"  #: the group that holds one group per jail


@dataclass(frozen=True)
class Hierarchy:
    """Where the jails' groups are made (``parent``), in a v1 or v2 hierarchy."""

    parent: str
    version: int

    def settings(self, limit_bytes: int) -> list[tuple[str, str]]:
        """Files of a new group to write, in order, and what to write to them."""
        if self.version == 2:
            settings = [("memory.max", str(limit_bytes))]
            if os.path.exists(os.path.join(self.parent, "memory.swap.max")):
                settings.append(("memory.swap.max", "0"))
            return settings
        settings = [("memory.limit_in_bytes", str(limit_bytes))]
        if os.path.exists(os.path.join(self.parent, "memory.memsw.limit_in_bytes")):
            settings.append(("memory.memsw.limit_in_bytes", str(limit_bytes)))  # no swap either
        return settings


def find_hierarchy(root: str = CGROUP_ROOT, own_groups: str = "/proc/self/cgroup",
                   *, as_root: bool | None = None) -> Hierarchy | None:
    """Set up the group of jails' groups; ``None`` where no memory controller is ours to use.

    ``root`` is where control groups are mounted and ``own_groups`` lists this process's
    groups (``/proc/self/cgroup``); ``as_root`` defaults to whether this process is root.
    """
    if not (os.geteuid() == 0 if as_root is None else as_root):
        return None
    own = _own_groups(own_groups)
    v1 = os.path.join(root, "memory")
    if os.path.isfile(os.path.join(v1, "memory.limit_in_bytes")):
        mount, own_group, version = v1, own.get("memory", "/"), 1
    elif "memory" in _read(os.path.join(root, "cgroup.controllers")).split():
        mount, own_group, version = root, own.get("", "/"), 2
    else:
        return None
    # Below the grader's own group, so that the grader's own limits hold its jails too; else
    # below the root (a container may list a group it does not show).
    places = [os.path.normpath(os.path.join(mount, own_group.lstrip("/"))), mount]
    for place in dict.fromkeys(p for p in places if os.path.isdir(p)):
        parent = os.path.join(place, GROUP)
        try:
            os.makedirs(parent, exist_ok=True)
            if version == 2:  # v2 limits memory only where the parent enabled the controller
                for group in (place, parent):
                    if "memory" not in _read(os.path.join(group, "cgroup.subtree_control")):
                        _write(os.path.join(group, "cgroup.subtree_control"), "+memory")
        except OSError:
            continue  # e.g. v2's "no internal processes" rule for a group that has some
        _remove_empty_groups(parent)  # left by a grader that was killed
        return Hierarchy(parent, version)
    return None


_found: list[Hierarchy | None] = []  #: this process's hierarchy, once looked for


def _hierarchy() -> Hierarchy | None:
    if not _found:
        _found.append(find_hierarchy())
    return _found[0]


def jail_memory_limited() -> bool:
    """Whether jails made by this process get a memory limit for the whole jail."""
    return _hierarchy() is not None


def confine(pid: int, limit_bytes: int, hierarchy: Hierarchy | None = None) -> bool:
    """Put process ``pid`` (and so its future children) in a new group capped at
    ``limit_bytes``; ``False`` where there is no memory controller to use.

    Raises OSError if the controller is there but refuses.
    """
    hierarchy = hierarchy or _hierarchy()
    if hierarchy is None:
        return False
    group = os.path.join(hierarchy.parent, f"jail-{pid}")
    try:
        _join(group, hierarchy.settings(limit_bytes), pid)
    except FileNotFoundError:  # another grader's clean-up removed the new group: once more
        _join(group, hierarchy.settings(limit_bytes), pid)
    return True


def _join(group: str, settings: list[tuple[str, str]], pid: int) -> None:
    os.makedirs(group, exist_ok=True)  # it may be left from an earlier jail with this pid
    for name, value in settings:
        _write(os.path.join(group, name), value)
    _write(os.path.join(group, "cgroup.procs"), str(pid))


def release(pid: int, hierarchy: Hierarchy | None = None) -> None:
    """Remove the group of the jail whose top process ``pid`` has been reaped."""
    hierarchy = hierarchy or (_found[0] if _found else None)
    if hierarchy is not None:
        _remove(os.path.join(hierarchy.parent, f"jail-{pid}"))


def _remove_empty_groups(parent: str) -> None:
    for name in os.listdir(parent):
        if name.startswith("jail-"):
            _remove(os.path.join(parent, name))


def _remove(group: str) -> None:
    try:
        os.rmdir(group)
    except OSError as exc:  # gone already, or still has processes: left for a later sweep
        if exc.errno not in (errno.ENOENT, errno.EBUSY, errno.ENOTEMPTY):
            raise


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
