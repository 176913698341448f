"""Fork a process into a fresh jail: :func:`spawn` returns 0 in the jailed child, like fork.

Four processes take part; ``spawn()`` runs in a trusted, single-threaded parent **P**::

    P ── U (outside the new PID namespace; waits for I, exits with its status)
          └─ I (pid 1 of the jail: builds the file view, then only reaps)
               └─ K (pid 2: the caller's code continues here, as uid 1000 without privileges)

Every link dies with the one above it: U and I have PR_SET_PDEATHSIG=SIGKILL, and when I
(the init of the PID namespace) dies the kernel kills every process in the namespace, however
it detached itself (setsid, double fork, ignored signals, cleared PDEATHSIG). So killing P or
U (the pid ``spawn()`` returns) ends the whole jail.

The jail has its own user, mount, PID, network, IPC and UTS namespaces: no network but a
loopback that is down, a read-only view of the host trees of ``spec.read_only`` only, a
scratch tmpfs for ``/home/student`` and ``/tmp``, and the limits of ``spec.limits`` (its memory
limit for each process and, where control groups allow, its memory and cores for the whole
jail: :mod:`.cgroups`). I builds the file view (:func:`autograder.sandbox.rootfs.build_root`);
K installs the seccomp filter (:mod:`.seccomp`) last, so that nothing it runs may make a new
namespace, mount, ptrace, io_uring... Failures before the child is ready come back to P as
JSON over a pipe and are raised as :class:`SandboxError`.
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
import resource
import select
import signal
import sys
import time
from typing import Any

from . import cgroups, seccomp
from . import syscalls as sc
from .rootfs import build_root
from .spec import GID, UID, JailSpec, Limits
from .steps import SetupFailure, step

_HOST_ID_BASE = 0x10000000  #: a root parent maps uid 1000 to this + U's pid on the host
_NAMESPACES = (
    sc.CLONE_NEWUSER | sc.CLONE_NEWNS | sc.CLONE_NEWPID
    | sc.CLONE_NEWNET | sc.CLONE_NEWIPC | sc.CLONE_NEWUTS
)  # fmt: skip
_FAILED = 127  #: exit status of a setup process that reported a failure
_MAX_FD = max(os.sysconf("SC_OPEN_MAX"), 1024)
_Signals = tuple[dict[int, Any], set[Any]]  #: handlers by signal number, blocked signals
_role = "P"  #: which process of the module docstring this is, for failure reports


class SandboxError(RuntimeError):
    """A jail could not be set up. ``step``, ``errno`` and ``path`` say where and why."""

    def __init__(
        self, message: str, *, step: str, errno: int | None = None, path: str | None = None
    ) -> None:
        super().__init__(message)
        self.step = step
        self.errno = errno
        self.path = path


def host_uid(pid: int) -> int:
    """The host uid (and gid) of the jail whose U process is ``pid``, as P sees it.

    A root P gives each jail its own unprivileged id; any other P has only its own euid.
    """
    return _HOST_ID_BASE + pid if os.geteuid() == 0 else os.geteuid()


def spawn(spec: JailSpec, *, stdout_fd: int, stderr_fd: int, workdir_fd: int | None = None,
          timeout: float = 10.0) -> int:
    """Fork a jailed child; return 0 in the child and the jail's top pid (U) in the parent.

    Parameters
    ----------
    spec : JailSpec
        File view, files, environment and limits of the jail.
    stdout_fd, stderr_fd : int
        Open descriptors that become the child's fds 1 and 2 (stdin is /dev/null).
    workdir_fd : int, optional
        An open directory copied as ``spec.workdir_source`` would be (which must then be
        None): the jail, and the memory its program inherits, never hold its host path.
    timeout : float
        Seconds the whole setup may take before the jail is killed.

    Returns
    -------
    int
        0 in the child: uid 1000 in its own namespaces with fds 0-2 only, ready to exec or to
        run preloaded code. In the parent, U's pid once the child is ready; the caller must
        ``waitpid`` it, then call :func:`autograder.sandbox.cgroups.release` on it, and
        ``kill(pid, SIGKILL)`` ends the whole jail.

    Raises
    ------
    SandboxError
        Setup failed or timed out; the jail is gone and reaped by then. ``step`` names what
        failed (e.g. ``"unshare"``, ``"mount proc"``, ``"open read-only path"``, ``"chdir"``).

    Notes
    -----
    Call it from a single-threaded process: the forked children go on running Python. In the
    child every descriptor but 0, 1 and 2 is closed, so Python objects that wrapped one
    (sockets, epoll objects, files) must be detached or abandoned, never closed or collected
    (they would close whatever reused the number). The child gets P's signal dispositions
    and mask back, without a signal wakeup fd. ``sys.stdout`` and ``sys.stderr`` are flushed
    before the fork.
    """
    try:
        spec.validate()  # again: its dicts may have changed since it was made
    except ValueError as exc:
        raise SandboxError(str(exc), step="spec") from None
    if workdir_fd is not None and spec.workdir_source is not None:
        raise SandboxError("a jail copies one work directory, not a path and a descriptor",
                           step="spec")
    for fd in (stdout_fd, stderr_fd, *([] if workdir_fd is None else [workdir_fd])):
        os.fstat(fd)  # fail in the caller, not in the jail, on a closed descriptor
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()  # buffered output must not be written twice, once by the child
    parent = os.getpid()
    nproc_base = _tasks_counted_with_jail()
    status_r, status_w = os.pipe()  # U, I, K -> P: "U" unshared, "R" ready, "E{json}" failed
    go_r, go_w = os.pipe()  # P -> U: id maps written
    pid = os.fork()
    if pid == 0:
        try:
            os.close(status_r)
            os.close(go_w)
            _run_outer(spec, parent, status_w, go_r, (stdout_fd, stderr_fd), workdir_fd,
                       nproc_base)
        except BaseException as exc:  # noqa: B036 - a setup process must never return
            _report(status_w, exc)
            os._exit(_FAILED)
        return 0  # in K, ready
    os.close(status_w)
    os.close(go_r)
    events = _Events(status_r, time.monotonic() + timeout)
    try:
        events.expect("U")
        _write_id_maps(pid)
        _confine(pid, spec.limits)
        os.write(go_w, b"g")
        events.expect("R")
    except BaseException as exc:  # noqa: B036 - never leave a half-built jail behind
        status = _kill_and_reap(pid)
        if isinstance(exc, SandboxError):
            raise
        if isinstance(exc, _EndOfEvents):
            raise SandboxError(
                f"sandbox setup ended without a report (exit status {status})", step="exit"
            ) from None
        if isinstance(exc, OSError):
            raise SandboxError(f"sandbox setup: {exc}", step="id maps", errno=exc.errno) from exc
        raise
    finally:
        os.close(status_r)
        os.close(go_w)
    return pid


class _EndOfEvents(Exception):
    """Every setup process closed the status pipe without reporting."""


class _Events:
    """Reads the one-line reports of the setup processes, with a deadline."""

    def __init__(self, fd: int, deadline: float) -> None:
        self.fd, self.deadline, self.buffer = fd, deadline, b""
        self.poller = select.poll()  # not select(): P may have descriptors above 1023
        self.poller.register(fd, select.POLLIN)

    def expect(self, kind: str) -> None:
        """Return on the line ``kind``; raise SandboxError on a failure report or timeout."""
        while b"\n" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise SandboxError("sandbox setup timed out", step="timeout")
            if not self.poller.poll(left * 1000 + 1):
                continue
            chunk = os.read(self.fd, 65536)
            if not chunk:
                raise _EndOfEvents
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        if line[:1] == b"E":
            report = json.loads(line[1:])
            where = " ".join(filter(None, [report["step"], report["path"]]))
            raise SandboxError(
                f"sandbox setup failed in {report['process']} at {where}: {report['detail']}",
                step=report["step"],
                errno=report["errno"],
                path=report["path"],
            )
        if line.decode() != kind:
            raise SandboxError(f"sandbox setup sent {line!r}, expected {kind!r}", step="protocol")


def _tasks_counted_with_jail() -> int:
    """Host tasks that RLIMIT_NPROC counts together with the jail's own.

    Since Linux 5.14 the count is per user namespace, so only the jail's tasks count. Before,
    a non-root P's jail shares its uid, and so the count, with the instructor's processes.
    """
    release = tuple(int(part) for part in platform.release().split("-")[0].split(".")[:2])
    if os.geteuid() == 0 or release >= (5, 14):
        return 0
    count = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.stat(f"/proc/{pid}").st_uid == os.getuid():
                count += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            pass  # it exited meanwhile
    return count


def _write_id_maps(pid: int) -> None:
    """Map the jail's ids (P has the credentials U lacks).

    A root P maps 0 to 0 (so that setup can reach bind sources such as /root/...) and the
    student's 1000 to an unprivileged host id of its own; any other P maps 1000 to itself.
    """
    euid, egid = os.geteuid(), os.getegid()
    if euid == 0:
        uid_map = gid_map = f"0 0 1\n{UID} {host_uid(pid)} 1\n"
    else:
        _write_proc(pid, "setgroups", "deny")  # required before an unprivileged gid_map
        uid_map, gid_map = f"{UID} {euid} 1\n", f"{GID} {egid} 1\n"
    _write_proc(pid, "uid_map", uid_map)
    _write_proc(pid, "gid_map", gid_map)


def _write_proc(pid: int, name: str, text: str) -> None:
    fd = os.open(f"/proc/{pid}/{name}", os.O_WRONLY | os.O_CLOEXEC)
    try:
        os.write(fd, text.encode())  # one write(2), as the kernel requires
    finally:
        os.close(fd)


def _confine(pid: int, limits: Limits) -> None:
    """Cap the memory and CPU of U and all it will start, where control groups allow it."""
    try:
        cgroups.confine(pid, limits)
    except OSError as exc:
        raise SandboxError(f"sandbox memory or CPU limit: {exc}", step="cgroup",
                           errno=exc.errno, path=exc.filename) from exc


def _kill_and_reap(pid: int) -> int | str:
    """SIGKILL U (which takes I and K with it) and reap it; its exit status, if known."""
    try:
        os.kill(pid, signal.SIGKILL)
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except (ChildProcessError, ProcessLookupError):
        return "unknown"
    finally:
        cgroups.release(pid, grace=1.0)


# --- the setup processes -------------------------------------------------------------------


def _report(fd: int, exc: BaseException) -> None:
    """Send a failure to P as one line ``E{json}`` (one write, atomic below PIPE_BUF)."""
    failure = exc if isinstance(exc, SetupFailure) else SetupFailure("internal", None, exc)
    report = {"process": _role, "step": failure.step, "path": failure.path,
              "errno": failure.errno, "detail": str(failure)[:2000]}  # fmt: skip
    try:
        os.write(fd, b"E" + json.dumps(report).encode() + b"\n")
    except OSError:
        pass  # P is gone


def _run_outer(
    spec: JailSpec, parent: int, status_w: int, go_r: int, stdio: tuple[int, int],
    workdir_fd: int | None, nproc: int
) -> None:  # fmt: skip
    """U: enter the new namespaces, wait for P's id maps, fork I and wait for it."""
    global _role
    _role = "U"
    os.setsid()  # leave P's session and process group: its terminal signals are not ours
    sc.set_pdeathsig(signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(_FAILED)  # P died before PDEATHSIG was armed
    signals = _reset_signals()  # P's, for K
    _close_fds_except({status_w, go_r, *stdio, *([] if workdir_fd is None else [workdir_fd])})
    with step("unshare"):
        sc.unshare(_NAMESPACES)
    # Any change of credentials clears PDEATHSIG, and unshare's full set of capabilities in
    # the new user namespace is one (unless P was root): arm it again.
    sc.set_pdeathsig(signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(_FAILED)
    os.write(status_w, b"U\n")
    if os.read(go_r, 1) != b"g":
        os._exit(_FAILED)  # P gave up
    os.close(go_r)
    lifeline_r, lifeline_w = os.pipe()  # I sees POLLHUP on it if U is already gone
    pid = os.fork()  # I: the first process in the new PID namespace
    if pid == 0:
        os.close(lifeline_w)
        _run_init(spec, status_w, lifeline_r, stdio, workdir_fd, nproc, signals)
        return  # in K
    _close_fds_except({lifeline_w}, low=0)
    os._exit(_exit_code(os.waitpid(pid, 0)[1]))


def _run_init(
    spec: JailSpec,
    status_w: int,
    lifeline_r: int,
    stdio: tuple[int, int],
    workdir_fd: int | None,
    nproc: int,
    signals: _Signals,
) -> None:
    """I: build the file view, drop privileges, fork K, then reap until K exits."""
    global _role
    _role = "I"
    _arm_pdeathsig(lifeline_r)
    os.umask(0o022)  # directories made for the file view must be traversable by the student
    build_root(spec, workdir_fd)
    with step("drop privileges"):
        sc.drop_bounding_set(sc.last_cap())  # needs CAP_SETPCAP: before the uid change
        try:
            os.setgroups([])
        except PermissionError:
            pass  # a non-root P denied setgroups; the jail then has no supplementary groups
        os.setresgid(GID, GID, GID)
        os.setresuid(UID, UID, UID)
        sc.clear_capabilities()  # a non-root P's jail kept them across the same-uid switch
        sc.set_no_new_privs()
    _arm_pdeathsig(lifeline_r)  # the credential change above cleared it
    os.close(lifeline_r)
    pid = os.fork()  # K: pid 2, inherits the credentials above
    if pid == 0:
        _become_program(spec, status_w, stdio, nproc, signals)
        return
    sc.set_dumpable(False)  # nobody in the jail may ptrace its init
    _close_fds_except(set(), low=0)
    while True:  # a minimal init: reap orphans, leave with K (which kills the namespace)
        child, status = os.waitpid(-1, 0)
        if child == pid:
            os._exit(_exit_code(status))


def _arm_pdeathsig(lifeline_r: int) -> None:
    """I: die with U, and exit now if U is already gone (its end of the lifeline hung up)."""
    sc.set_pdeathsig(signal.SIGKILL)
    poller = select.poll()
    poller.register(lifeline_r, select.POLLIN)
    if poller.poll(0):
        os._exit(_FAILED)


def _become_program(
    spec: JailSpec, status_w: int, stdio: tuple[int, int], nproc: int, signals: _Signals
) -> None:
    """K: limits, environment, cwd, stdio and P's signal handling; then report ready."""
    global _role
    _role = "K"
    os.setsid()
    sc.set_dumpable(True)  # setresuid cleared it; /proc/self must stay the student's
    with step("oom_score_adj"), open("/proc/self/oom_score_adj", "w") as file:
        file.write("1000")  # the kernel's out-of-memory killer picks a jail first
    limits = spec.limits
    for name, value in [
        ("RLIMIT_AS", limits.memory_bytes),
        ("RLIMIT_NPROC", nproc + limits.processes),  # I and K count too
        ("RLIMIT_FSIZE", limits.file_size_bytes),
        ("RLIMIT_NOFILE", limits.open_files),
        ("RLIMIT_CORE", 0),
    ]:
        with step("setrlimit", name):
            which = getattr(resource, name)
            hard = resource.getrlimit(which)[1]
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (value, value))  # hard = soft: no raising it back
    os.environ.clear()
    os.environ.update(spec.environment())
    with step("chdir", spec.cwd):
        os.chdir(spec.cwd)
    with step("stdio"):
        # Copy to fds >= 3 first, so that e.g. stdout_fd=2, stderr_fd=1 works.
        out, err = (fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3) for fd in stdio)
        null = os.open("/dev/null", os.O_RDONLY)
        for source, target in ((null, 0), (out, 1), (err, 2)):
            os.dup2(source, target, inheritable=True)
    _restore_signals(signals)  # as P had them (but no wakeup fd: U cleared it)
    _close_fds_except({status_w})
    with step("seccomp"):
        seccomp.install()  # last: from here on, no namespace, mount, ptrace, io_uring...
    os.write(status_w, b"R\n")
    os.close(status_w)


def _reset_signals() -> _Signals:
    """Default dispositions and an empty mask; returns the old ones (P's) for K."""
    try:
        signal.set_wakeup_fd(-1)
    except ValueError:
        pass
    handlers: dict[int, Any] = {}
    for signum in signal.valid_signals():
        if signum not in (signal.SIGKILL, signal.SIGSTOP):
            try:
                handler = signal.signal(signum, signal.SIG_DFL)
            except (OSError, ValueError):
                continue
            if handler is not None:  # None: set outside Python, cannot be restored
                handlers[signum] = handler
    return handlers, signal.pthread_sigmask(signal.SIG_SETMASK, set())


def _restore_signals(signals: _Signals) -> None:
    """K: the dispositions and mask of P, e.g. Python's SIGPIPE and SIGXFSZ ignored."""
    handlers, mask = signals
    for signum, handler in handlers.items():
        signal.signal(signum, handler)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _close_fds_except(keep: set[int], low: int = 3) -> None:
    """Close every descriptor from ``low`` up, except those in ``keep``."""
    for fd in sorted(k for k in keep if k >= low):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, _MAX_FD)


def _exit_code(status: int) -> int:
    """A wait status as an exit code: the code, or 128 + the signal that killed it."""
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code
