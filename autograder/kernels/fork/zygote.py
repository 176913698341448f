"""The zygote: a warm, single-threaded Python process that forks fresh IPython kernels.

Started by :mod:`.client` as a fresh interpreter (never via ``multiprocessing``, so it
inherits no threads, zmq contexts or event loops), with an environment of its own that holds
nothing of the grader's (the one its kernels see in ``/proc/self/environ``), and as a script
rather than with ``-m`` so that it imports nothing but the stdlib and its preloads::

    python .../kernels/fork/zygote.py N ipykernel.kernelapp,numpy,autograder

It imports the preloads, then serves the requests of :mod:`.client` (whose docstring
describes the protocol) on the AF_UNIX socket inherited as fd ``N``.  It never runs user
code, and it never sees what a kernel is for: a request only says "fork", with a channel of
the new child's own, on which the child alone receives its kernel's command, working
directory, environment and jail.  So nothing of one kernel (a student's id, paths, keys) is
in the memory the next kernel inherits.  It reaps its children as soon as SIGCHLD wakes it
and reports their exit status.  On EOF of its socket, on SIGTERM or when its parent
changes, it terminates the kernels it still has (SIGTERM, then SIGKILL) and exits.

A forked child (:func:`run_child`) receives its request and turns itself into ``python -m
<module> <args>``; for a jailed kernel, it first spawns the jail
(:func:`autograder.sandbox.jail.spawn`), whose program becomes the kernel, and itself stays
outside as the jail's parent: it waits for the jail, releases its control groups and exits
with the jail's status.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import runpy
import select
import signal
import socket
import sys
import tempfile
import threading
import time
from typing import Any, NamedTuple

#: Signals whose dispositions the zygote changes; each child restores the originals.
_OWN_SIGNALS = (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM)
#: The largest request a child accepts on its channel (a jail spec is a few KiB).
_MAX_REQUEST = 16 << 20


class Child(NamedTuple):
    """What a freshly forked child knows: its channel, and what it inherits of the zygote."""

    channel: socket.socket  # where its request comes from, and its reply goes
    jailed: bool  # whether the request holds a jail
    saved_signals: dict  # the signal dispositions the zygote found at start-up
    env_changes: dict[str, tuple[str | None, str | None]]  # see preload()


class Zygote:
    """The request loop of the zygote process (single-threaded, ``select.poll`` based)."""

    def __init__(self, sock: socket.socket, ready: dict[str, Any]) -> None:
        self.sock = sock
        self.env_changes: dict[str, tuple[str | None, str | None]] = ready["env_changes"]
        self.buf = b""
        self.fds: list[int] = []  # fds received ahead of the request that claims them
        self.children: set[int] = set()
        self.jails: set[int] = set()  # the children that are the parents of a jail
        self.pid, self.ppid = os.getpid(), os.getppid()
        self.stopping = False
        self.saved_signals = {sig: signal.getsignal(sig) for sig in _OWN_SIGNALS}
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake the poll via the pipe
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader handles ^C, not us
        signal.signal(signal.SIGTERM, self._on_sigterm)
        self.poller = select.poll()
        self.poller.register(self.sock, select.POLLIN)
        self.poller.register(self.wake_r, select.POLLIN)
        self.send(ready)

    def _on_sigterm(self, *_: object) -> None:
        self.stopping = True

    def send(self, msg: dict[str, Any]) -> None:
        """Send one message to the client; a vanished client makes the zygote stop."""
        try:
            self.sock.sendall(json.dumps(msg).encode() + b"\n")
        except OSError:
            self.stopping = True

    def serve(self) -> Child | None:
        """Serve until told to stop (returns None) or until a forked child returns itself."""
        while not self.stopping:
            for fd, _ in self.poller.poll(1000):
                if fd == self.wake_r:
                    _drain(self.wake_r)
                else:
                    self._receive()
            self.reap()
            while not self.stopping and b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                child = self.handle(json.loads(line))
                if child is not None:
                    return child
            if os.getppid() != self.ppid:
                self.stopping = True
        self.shutdown()
        return None

    def _receive(self) -> None:
        try:
            data, fds, _, _ = socket.recv_fds(self.sock, 1 << 16, 16)
        except OSError:
            data, fds = b"", []
        self.fds.extend(fds)
        self.stopping |= not data  # EOF: the client closed its end or died
        self.buf += data

    def handle(self, msg: dict[str, Any]) -> Child | None:
        """Handle one request; returns a Child only in a freshly forked child."""
        op, reply = msg.get("op"), {"id": msg.get("id")}
        if op == "fork":
            nfds = int(msg.get("nfds", 0))
            fds, self.fds = self.fds[:nfds], self.fds[nfds:]
            jailed = bool(msg.get("jail"))
            if jailed:
                _prepare_jails()
            sys.stdout.flush()
            sys.stderr.flush()
            # The child starts with our signals blocked, so that a signal sent before it has
            # restored the original dispositions is not lost in our handlers (or SIG_IGN).
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, _OWN_SIGNALS)
            try:
                if len(fds) != 1:
                    raise OSError(f"expected the child's channel, got {len(fds)} descriptors")
                pid = os.fork()
            except OSError as exc:
                pid, reply["error"] = -1, f"cannot fork a kernel: {exc}"
            if pid == 0:
                return self._enter_child(fds[0], jailed)
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            for fd in fds:
                os.close(fd)
            if pid > 0:
                self.children.add(pid)
                if jailed:
                    self.jails.add(pid)
                reply["pid"] = pid
        elif op == "signal":
            pid, signum = int(msg["pid"]), int(msg["signum"])
            if pid in self.jails:
                reply["ok"] = signal_jail(pid, signum, self.children)
            else:
                reply["ok"] = signal_group(pid, signum, self.children)
        else:
            reply["error"] = f"unknown op {op!r}"
        self.send(reply)
        return None

    def _enter_child(self, channel: int, jailed: bool) -> Child:
        """In the child: drop everything that belongs to the zygote."""
        signal.set_wakeup_fd(-1)
        for fd in (self.wake_r, self.wake_w, *self.fds):
            os.close(fd)
        self.sock.close()
        if jailed:  # the jail dies with its parent, and its parent with the zygote
            _die_with(self.pid)
        return Child(socket.socket(fileno=channel), jailed, self.saved_signals,
                     self.env_changes)

    def reap(self) -> None:
        """Reap every exited child and report its exit status."""
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.children.clear()
                return
            if pid == 0:
                return
            self.children.discard(pid)
            self.jails.discard(pid)
            code = os.waitstatus_to_exitcode(status)
            self.send({"event": "exit", "pid": pid, "returncode": code})

    def shutdown(self, grace: float = 2.0) -> None:
        """Terminate the remaining kernels (SIGTERM, then SIGKILL) and reap them."""
        for sig, deadline in ((signal.SIGTERM, time.monotonic() + grace), (signal.SIGKILL, None)):
            for pid in list(self.children):
                if pid in self.jails:
                    signal_jail(pid, sig, self.children)
                else:
                    signal_group(pid, sig, self.children)
            while self.children and (deadline is None or time.monotonic() < deadline):
                self.reap()
                time.sleep(0.01)
        self.sock.close()


def signal_group(pid: int, signum: int, children: set[int]) -> bool:
    """Signal the process group of a kernel that is still our unreaped child (no pid reuse)."""
    if pid not in children:
        return False
    try:
        os.killpg(pid, signum)  # the kernel called setsid(), so its pgid is its pid...
    except OSError:
        try:
            os.kill(pid, signum)  # ...unless it has not got that far yet
        except OSError:
            return False
    return True


def signal_jail(pid: int, signum: int, children: set[int]) -> bool:
    """Signal the jail below our child ``pid`` (its top process, which takes the jail with it
    when it dies), or ``pid`` itself while it has no jail yet.

    The jail's parent stays alive to release the jail's control groups once it has ended. Its
    child is signalled through a pidfd, opened while the child is still listed as ``pid``'s:
    the pid cannot name another process by then.
    """
    if pid not in children:
        return False
    tops = _children_of(pid)
    if not tops:
        return signal_group(pid, signum, children)
    sent = False
    for top in tops:
        try:
            pidfd = os.pidfd_open(top)
        except OSError:
            continue  # it has just ended
        try:
            if top in _children_of(pid):
                signal.pidfd_send_signal(pidfd, signum)
                sent = True
        except OSError:
            pass
        finally:
            os.close(pidfd)
    return sent


def _children_of(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as file:
            return [int(child) for child in file.read().split()]
    except OSError:
        return []


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 512):
            pass
    except BlockingIOError:
        pass


def preload(modules: list[str]) -> dict[str, Any]:
    """Import the preload modules (for ``module:function``, then call ``function()``); report
    errors, their output and any threads they started."""
    loaded, errors, env_before = [], {}, dict(os.environ)
    with tempfile.TemporaryFile() as capture:  # e.g. debugpy's "frozen modules" warning
        saved = [os.dup(1), os.dup(2)]
        os.dup2(capture.fileno(), 1)
        os.dup2(capture.fileno(), 2)
        try:
            for name in modules:
                module_name, _, function = name.partition(":")
                try:
                    module = importlib.import_module(module_name)
                    if function:
                        getattr(module, function)()
                    loaded.append(name)
                except Exception as exc:  # reported to the client, which logs it
                    errors[name] = f"{type(exc).__name__}: {exc}"
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            for fd, copy in ((1, saved[0]), (2, saved[1])):
                os.dup2(copy, fd)
                os.close(copy)
        capture.seek(0)
        output = capture.read().decode(errors="replace")
    if threading.active_count() != 1:
        errors["threads"] = f"preloading started threads: {threading.enumerate()}"
    gc.collect()
    gc.freeze()  # keep the shared heap out of the children's garbage collections (fewer COW faults)
    # Import-time changes to os.environ (debugpy sets PYDEVD_USE_FRAME_EVAL if unset), which
    # the children re-apply to their own environment: {name: (before, after)}, None = unset.
    env_changes = {k: (env_before.get(k), os.environ.get(k)) for k in {*env_before, *os.environ}
                   if env_before.get(k) != os.environ.get(k)}
    return {"event": "ready", "pid": os.getpid(), "preloaded": loaded, "errors": errors,
            "output": output, "env_changes": env_changes}


def _prepare_jails() -> None:
    """Before the first jail: import the sandbox of this script's own tree, and find its
    control groups once, here, rather than in every child."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.path.insert(0, root)
    try:
        from autograder.sandbox import cgroups, jail  # noqa: F401 - imported for the children
    finally:
        sys.path.remove(root)
    cgroups.prepare()


def _die_with(parent: int) -> None:
    """Have this process killed when ``parent`` (the zygote) dies; exit if it already has."""
    from autograder.sandbox import syscalls

    syscalls.set_pdeathsig(signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def receive_request(channel: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """The child's request (one JSON line) and the descriptors that came with it."""
    data, fds = b"", []
    while not data.endswith(b"\n"):
        chunk, more, _, _ = socket.recv_fds(channel, 1 << 16, 4)
        fds += more
        if not chunk or len(data) + len(chunk) > _MAX_REQUEST:
            raise OSError("the grader sent no complete request")
        data += chunk
    return json.loads(data), fds


def run_child(child: Child) -> None:
    """In a forked child: receive the request, then become the kernel (through a jail if it
    asks for one); the child that stays outside a jail never returns."""
    try:
        request, fds = receive_request(child.channel)
        if len(fds) != 2 + child.jailed:
            raise OSError(f"expected {2 + child.jailed} descriptors, got {len(fds)}")
        if child.jailed:
            from autograder.sandbox.jail import SandboxError, spawn
            from autograder.sandbox.spec import JailSpec

            try:
                top = spawn(JailSpec.from_json(request["jail"]), stdout_fd=fds[0],
                            stderr_fd=fds[1], workdir_fd=fds[2])
            except (SandboxError, ValueError) as exc:
                raise OSError(str(exc)) from None
            if top:
                _reply(child.channel, {"pid": top})
                for fd in fds:
                    os.close(fd)
                _parent_of_jail(top)
            child.channel.detach()  # in the jail: every descriptor but 0-2 is closed already
        else:
            _reply(child.channel, {"pid": os.getpid()})
            child.channel.close()
    except (OSError, ValueError, KeyError) as exc:
        _reply(child.channel, {"error": f"cannot start the kernel: {exc}"})
        os._exit(1)
    become_kernel(request, fds, child)


def _reply(channel: socket.socket, message: dict[str, Any]) -> None:
    try:
        channel.sendall(json.dumps(message).encode() + b"\n")
    except OSError:
        pass  # the grader gave up on this kernel; it is signalled through the zygote


def _parent_of_jail(top: int) -> None:
    """Outside the jail whose top process is ``top``: wait for it, have its control groups
    released, and end as it ended (killed by the same signal, or with its exit code)."""
    from autograder.sandbox import cgroups

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    status = os.waitpid(top, 0)[1]
    # The jail's init and program die just after its top: a child of ours releases the
    # groups once they are gone, so that the kernel's end is not delayed (the grader waits).
    if os.fork() == 0:
        cgroups.release(top, grace=1.0)
        os._exit(0)
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code if code >= 0 else 128 - code)


def become_kernel(request: dict[str, Any], fds: list[int], child: Child) -> None:
    """Turn a forked child into ``python -m <module> <args>`` with the request's env and cwd
    (a jailed child has its jail's environment and working directory)."""
    if not child.jailed:
        os.setsid()  # own session and process group, like Popen(start_new_session=True)
    for sig, handler in child.saved_signals.items():
        signal.signal(sig, handler)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())  # pending signals are delivered now
    if not child.jailed:
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # everything else (close_range(2))
    env = dict(os.environ if child.jailed else request["env"])
    for name, (before, after) in child.env_changes.items():
        if env.get(name) == before:  # what the preloads' import would have done to this env
            if after is None:
                env.pop(name, None)
            else:
                env[name] = after
    if not child.jailed:
        env["JPY_PARENT_PID"] = str(os.getppid())  # the parent poller watches the zygote
        os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, os.getcwd())  # what `python -m` puts first (the zygote removed its own)
    sys.argv = [request["cmd"][0], *request["args"]]  # runpy replaces argv[0] with the module
    if child.jailed:  # its parent is the jail's init: no parent poller (see main())
        sys.argv.append("--IPKernelApp.parent_handle=0")
    sys.orig_argv = list(request["cmd"])
    if "numpy.random" in sys.modules:
        sys.modules["numpy.random"].seed()  # fork duplicated the legacy global RandomState
    runpy.run_module(request["module"], run_name="__main__", alter_sys=True)


def main(argv: list[str]) -> int:
    """Entry point: ``python zygote.py FD [MODULE,MODULE...]``."""
    del sys.path[0]  # this script's directory: the preloads must not come from there
    sock = socket.socket(fileno=int(argv[0]))
    # Every kernel's parent is this process; ipykernel reads JPY_PARENT_PID at *import* time
    # (the default of IPKernelApp.parent_handle), so it must be set before the preloads.
    os.environ["JPY_PARENT_PID"] = str(os.getpid())
    ready = preload([m for m in (argv[1] if len(argv) > 1 else "").split(",") if m])
    child = Zygote(sock, ready).serve()
    if child is not None:  # only in a forked child: run the kernel, then exit like
        run_child(child)  # `python -m ipykernel_launcher` does
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
