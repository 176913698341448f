"""Which protection the student's kernels get on Gradescope, and the fallback without a sandbox.

Gradescope runs the autograder as root in a Docker container, which may allow no user
namespaces, and so no sandbox (:mod:`autograder.sandbox`). :func:`choose` takes the best of:

``sandbox``
    The kit's jail works here: every kernel runs as on an instructor's machine.
``unprivileged user, no sandbox``
    No jail, but the grader is root: every kernel runs as an unused user id (``kernel_uid``,
    else drawn for the run: :func:`free_uid`), with the same group id, no supplementary
    groups, no capabilities, ``no_new_privs``, the jail's resource limits, and a private
    scratch folder as its home and working directory (:mod:`.provisioner`,
    :mod:`.unprivileged`). Before that, :func:`lock_down` makes root's
    alone what the kernel must not reach -- ``/autograder/source`` (the course's config,
    tests and secret), ``/autograder/results``, ``/autograder/submission`` and
    ``submission_metadata.json`` (whose earlier results hold hidden-run messages) -- and the
    copy of the course the grader works in is a private temporary folder. :func:`self_test`
    then runs a process as that user and checks that it has no groups or capabilities and
    can read or write none of it; otherwise this protection is not given.
``none``
    Neither: the grader refuses to run student code unless the course's configuration says
    ``c.GradescopeRun.allow_unprotected = True``.

What an unprivileged kernel can still do, unlike a jailed one: read what every user of the
container may read (the system, Python and the kit's installed code, all public; other
processes' command lines, which hold no secret), use the container's network, and write to
``/tmp``, ``/var/tmp`` and ``/dev/shm``. It cannot signal or trace the grader, read its
memory, or outlive its notebook: after each kernel, every process of its user is killed
(:func:`end_processes`) and what it left in those folders is deleted
(:func:`remove_files`).
"""

from __future__ import annotations

import json
import os
import pwd
import random
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from traitlets import Bool, Integer
from traitlets.config import Configurable

from ..kernels.preflight import SandboxUnavailable
from ..kernels.preflight import check as check_sandbox
from .unprivileged import User, command

SANDBOX, UNPRIVILEGED, NONE = "sandbox", "unprivileged user, no sandbox", "none"
KERNEL_UIDS = range(60001, 65534)
"""Where a run draws its kernels' user id: above the ids of accounts (Debian and Ubuntu give
users 1000-59999), below ``nobody`` (65534), inside the 65536 ids a container may map. Drawn,
so that the containers of one machine rarely share one: the processes of a user id count
together towards the kernels' limit on processes."""
SHARED_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")
"""Folders every user may write to, cleaned of the kernel user's files after each kernel."""


class GradescopeRun(Configurable):
    """Settings of a Gradescope run, read from the course's ``nbgrader_config.py``."""

    kernel_uid = Integer(None, allow_none=True, help="The user (and group) id kernels run as "
                         "where no sandbox can be set up but the grader is root; default: one "
                         "drawn for each run (:data:`KERNEL_UIDS`). No account or process of "
                         "the container may use it: every process of it is killed after each "
                         "kernel.").tag(config=True)
    allow_unprotected = Bool(False, help="Grade even where kernels can have neither the "
                             "sandbox nor an unprivileged user: student code then runs as "
                             "root and can read the course's tests and secret and write its "
                             "own results (unsafe).").tag(config=True)


@dataclass(frozen=True)
class Protection:
    """What protects the grader from a student's kernel.

    ``kind`` is :data:`SANDBOX`, :data:`UNPRIVILEGED` or :data:`NONE`; ``uid`` the kernel's
    user id in the unprivileged fallback; ``why`` says why nothing better was possible.
    """

    kind: str
    uid: int | None = None
    why: str = ""

    def describe(self) -> str:
        """One line for the student's output and the instructor's log."""
        text = f"Protection: {self.kind}"
        if self.kind == UNPRIVILEGED:
            text += f" (the kernel ran as user id {self.uid}, without the sandbox's isolation)"
        return text + (f". {self.why}" if self.why else ".")


def lock_down(root: Path) -> None:
    """Make what a kernel must not reach under the Gradescope folder ``root`` root's alone."""
    for name in ("source", "results", "submission"):
        (root / name).mkdir(exist_ok=True)
        os.chmod(root / name, 0o700)
    metadata = root / "submission_metadata.json"
    if metadata.exists():
        os.chmod(metadata, 0o600)


def choose(settings: GradescopeRun, private: list[Path], unwritable: list[Path]) -> Protection:
    """The best protection here; ``private`` and ``unwritable`` are what the unprivileged
    fallback's :func:`self_test` checks a kernel's user cannot read, and cannot write into."""
    try:
        check_sandbox()
        return Protection(SANDBOX)
    except SandboxUnavailable as exc:
        no_sandbox = exc.reason
    if os.geteuid() != 0:
        return Protection(NONE, why=f"{no_sandbox} The grader does not run as root, so it "
                                    "cannot run kernels as another user either.")
    uid = settings.kernel_uid if settings.kernel_uid is not None else free_uid()
    problem = self_test(uid, private, unwritable)
    if problem:
        return Protection(NONE, why=f"{no_sandbox} The unprivileged fallback fails its "
                                    f"self-test: {problem}")
    return Protection(UNPRIVILEGED, uid, why=no_sandbox)


def free_uid(attempts: int = 100) -> int:
    """A user id of :data:`KERNEL_UIDS` that no account and no process here uses."""
    draw = random.SystemRandom()
    for _ in range(attempts):
        uid = draw.choice(KERNEL_UIDS)
        try:
            pwd.getpwuid(uid)
        except KeyError:
            if not processes_of(uid):
                return uid
    raise RuntimeError(f"no free user id among {attempts} drawn in {KERNEL_UIDS}")


_PROBE = """\
import json, os, sys
private, unwritable = json.loads(sys.argv[1])
reached = []
for path in private:
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, "rb").close()
        reached.append("read " + path)
    except OSError:
        pass
for path in unwritable:
    try:
        name = os.path.join(path, ".autograder-self-test")
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(name)
        reached.append("wrote into " + path)
    except OSError:
        pass
status = dict(line.split(":\\t", 1) for line in open("/proc/self/status").read().splitlines()
              if ":\\t" in line)
print(json.dumps({"ids": [os.getuid(), os.geteuid(), os.getgid(), os.getegid()],
                  "groups": os.getgroups(), "capabilities": status["CapEff"].strip(),
                  "reached": reached}))
"""


def self_test(uid: int, private: list[Path], unwritable: list[Path]) -> str | None:
    """Run a probe as the kernels' user; what is wrong, or ``None`` if it is as it must be:
    the user's ids, no groups, no capabilities, and nothing of ``private`` readable or of
    ``unwritable`` writable."""
    if processes_of(uid):
        return (f"user id {uid} already has processes here: choose another with "
                "c.GradescopeRun.kernel_uid")
    paths = json.dumps([[str(p) for p in private], [str(p) for p in unwritable]])
    probe = [sys.executable, "-I", "-S", "-c", _PROBE, paths]
    try:
        result = subprocess.run(command(User(uid, uid), probe), capture_output=True, text=True,
                                env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
                                stdin=subprocess.DEVNULL, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"the probe did not run ({exc})"
    finally:
        end_processes(uid)
    try:
        report = json.loads(result.stdout) if result.returncode == 0 else None
    except ValueError:
        report = None
    if not isinstance(report, dict):
        return (f"the probe could not run as user id {uid}: "
                f"{(result.stderr or result.stdout).strip()[-500:]}")
    if report.get("ids") != [uid, uid, uid, uid] or report.get("groups"):
        return f"the probe ran with ids {report.get('ids')} and groups {report.get('groups')}"
    if int(str(report.get("capabilities")), 16):
        return f"the probe kept capabilities {report.get('capabilities')}"
    if report.get("reached"):
        return f"as user id {uid} it could {', '.join(report['reached'])}"
    return None


def processes_of(uid: int) -> list[int]:
    """The live (not zombie) processes whose real user id is ``uid``."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as file:
                fields = dict(line.split(":", 1) for line in file if ":" in line)
        except OSError:
            continue  # it ended meanwhile
        if int(fields["Uid"].split()[0]) == uid and not fields["State"].strip().startswith("Z"):
            found.append(int(name))
    return found


_KILL_ALL = "import os, signal\nos.kill(-1, signal.SIGKILL)\n"


def end_processes(uid: int, attempts: int = 50) -> None:
    """Kill every process of ``uid``: ``kill(-1, SIGKILL)`` sent as that user reaches all of
    them at once (forks cannot outrun it), and nothing of anyone else.

    Raises
    ------
    RuntimeError
        If some are still alive after ``attempts`` rounds.
    """
    for _ in range(attempts):
        if not processes_of(uid):
            return
        subprocess.run([sys.executable, "-I", "-S", "-c", _KILL_ALL], user=uid, group=uid,
                       extra_groups=[], env={}, cwd="/", stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    left = processes_of(uid)
    if left:
        for pid in left:  # as root, one by one: what is left cannot fork any more
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if processes_of(uid):
            raise RuntimeError(f"processes of user id {uid} survive being killed: {left}")


def remove_files(uid: int, folders: tuple[str, ...] = SHARED_FOLDERS) -> None:
    """Delete what user ``uid`` left at the top of ``folders`` (its processes must be gone)."""
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)  # never follows a link out of the tree
                else:
                    os.unlink(entry.path)
            except OSError:
                continue
