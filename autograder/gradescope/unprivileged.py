"""Run a command as an unprivileged user, where no sandbox can be set up but we are root:
``python -m autograder.gradescope.unprivileged USER_JSON -- CMD...``.

The fallback of :mod:`.protection` starts every student kernel (and its self-test) through
this launcher, as root. The launcher

1. arms PR_SET_PDEATHSIG=SIGKILL, so that the command dies with the grader that started it;
2. gives itself the jail's resource limits (:class:`autograder.sandbox.spec.Limits`: address
   space, processes, file size, open files, no core dumps) and the out-of-memory killer's
   first pick;
3. drops to the user: ``uid`` and ``gid`` of ``USER_JSON``, no supplementary groups, an empty
   capability bounding set (where root may empty it), no capabilities, and
   ``PR_SET_NO_NEW_PRIVS`` (no set-user-id program or file capability gives any back), then
   checks that root cannot be regained;
4. changes to ``cwd`` and execs CMD with the launcher's environment (the caller's choice).

``USER_JSON`` is ``{"uid": ..., "gid": ..., "cwd": ..., "limits": {Limits fields}}``. Exit
status 125 means the user could not be set up (see stderr). Only the standard library and
:mod:`autograder.sandbox`'s system calls are imported: this runs before every kernel.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
from dataclasses import asdict, dataclass, field

from ..sandbox import syscalls
from ..sandbox.spec import Limits

USAGE = "usage: python -m autograder.gradescope.unprivileged USER_JSON -- CMD..."


@dataclass(frozen=True)
class User:
    """Who the command runs as, where, and with which limits."""

    uid: int
    gid: int
    cwd: str = "/"
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        for name in ("uid", "gid"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
                raise ValueError(f"{name} must be a positive user id, not {value!r}")

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> User:
        data = json.loads(text)
        if not isinstance(data, dict) or set(data) - {"uid", "gid", "cwd", "limits"}:
            raise ValueError(f"not a user of the launcher: {text!r}")
        return cls(**{**data, "limits": Limits(**data.get("limits", {}))})


def command(user: User, program: list[str]) -> list[str]:
    """The command line that runs ``program`` as ``user`` through this launcher."""
    return [sys.executable, "-I", "-m", __name__, user.to_json(), "--", *program]


def drop_privileges(user: User) -> None:
    """Become ``user`` for good (steps 1-3 of the module docstring), from root."""
    parent = os.getppid()
    syscalls.set_pdeathsig(signal.SIGKILL)
    if os.getppid() != parent:
        raise OSError("the grader ended before the command started")
    with open("/proc/self/oom_score_adj", "w") as file:
        file.write("1000")  # the out-of-memory killer picks a student's process first
    limits = user.limits
    for name, value in [("RLIMIT_AS", limits.memory_bytes),
                        ("RLIMIT_NPROC", limits.processes),  # every task of the uid counts
                        ("RLIMIT_FSIZE", limits.file_size_bytes),
                        ("RLIMIT_NOFILE", limits.open_files),
                        ("RLIMIT_CORE", 0)]:
        which = getattr(resource, name)
        hard = resource.getrlimit(which)[1]
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))  # hard = soft: no raising it back
    try:
        syscalls.drop_bounding_set(syscalls.last_cap())  # needs CAP_SETPCAP: before the uid
    except PermissionError:
        pass  # no_new_privs, below, keeps exec from giving any capability back anyway
    os.setgroups([])
    os.setresgid(user.gid, user.gid, user.gid)
    os.setresuid(user.uid, user.uid, user.uid)
    syscalls.clear_capabilities()
    syscalls.set_no_new_privs()
    syscalls.set_pdeathsig(signal.SIGKILL)  # the credential change cleared it
    if os.getppid() != parent:
        raise OSError("the grader ended before the command started")
    try:
        os.setresuid(0, 0, 0)
    except PermissionError:
        return
    raise OSError("root could be regained after dropping to the user")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 3 or args[1] != "--":
        print(USAGE, file=sys.stderr)
        return 2
    try:
        user = User.from_json(args[0])
        drop_privileges(user)
        os.chdir(user.cwd)
    except (OSError, ValueError, TypeError) as exc:
        print(f"autograder.gradescope.unprivileged: cannot run as the student's user: {exc}",
              file=sys.stderr)
        return 125
    for signum in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)  # Python's choices, not the command's
    try:
        os.execv(args[2], args[2:])
    except OSError as exc:
        print(f"autograder.gradescope.unprivileged: cannot run {args[2]}: {exc}",
              file=sys.stderr)
    return 127


if __name__ == "__main__":
    sys.exit(main())
