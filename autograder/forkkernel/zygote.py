"""The zygote: a warm, single-threaded Python process that forks fresh IPython kernels.

Started by :mod:`.client` as a fresh interpreter (never via ``multiprocessing``, so it
inherits no threads, zmq contexts or event loops), and as a script rather than with ``-m``
so that it imports nothing but the stdlib and its preloads::

    python .../forkkernel/zygote.py N ipykernel.kernelapp,numpy,autograder

It imports the preloads, then serves the requests of :mod:`.client` (whose docstring
describes the protocol) on the AF_UNIX socket inherited as fd ``N``.  It never runs user
code.  It reaps its children as soon as SIGCHLD wakes it and reports their exit status.
On EOF of its socket, on SIGTERM or when its parent changes, it terminates the kernels it
still has (SIGTERM, then SIGKILL) and exits.  A forked child leaves the serving loop and
turns itself into ``python -m <module> <args>`` (:func:`become_kernel`); when the kernel
returns it exits through the normal interpreter shutdown, like any kernel process.
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


class Spawn(NamedTuple):
    """What a forked child needs to become a kernel."""

    request: dict[str, Any]  # the spawn request: module, args, cmd, env, cwd[, jail]
    fds: list[int]  # its stdout and stderr
    saved_signals: dict  # the signal dispositions the zygote found at start-up
    env_changes: dict[str, tuple[str | None, str | None]]  # see preload()

    @property
    def jailed(self) -> bool:
        """The child is the program of a jail, which already set its session, descriptors,
        environment and working directory (:func:`autograder.sandbox.jail.spawn`)."""
        return "jail" in self.request


class Zygote:
    """The request loop of the zygote process (single-threaded, ``select.poll`` based)."""

    def __init__(self, sock: socket.socket, ready: dict[str, Any]) -> None:
        self.sock = sock
        self.env_changes: dict[str, tuple[str | None, str | None]] = ready["env_changes"]
        self.buf = b""
        self.fds: list[int] = []  # fds received ahead of the request that claims them
        self.children: set[int] = set()
        self.jails: set[int] = set()  # the children that are jails
        self.ppid = os.getppid()
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

    def serve(self) -> Spawn | None:
        """Serve until told to stop (returns None) or until a forked child returns its Spawn."""
        while not self.stopping:
            for fd, _ in self.poller.poll(1000):
                if fd == self.wake_r:
                    _drain(self.wake_r)
                else:
                    self._receive()
            self.reap()
            while not self.stopping and b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                spawn = self.handle(json.loads(line))
                if spawn is not None:
                    return spawn
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

    def handle(self, msg: dict[str, Any]) -> Spawn | None:
        """Handle one request; returns a Spawn only in a freshly forked child."""
        op, reply = msg.get("op"), {"id": msg.get("id")}
        if op == "spawn":
            nfds = int(msg.get("nfds", 0))
            fds, self.fds = self.fds[:nfds], self.fds[nfds:]
            sys.stdout.flush()
            sys.stderr.flush()
            # The child starts with our signals blocked, so that a signal sent before it has
            # restored the original dispositions is not lost in our handlers (or SIG_IGN).
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, _OWN_SIGNALS)
            try:
                if len(fds) != 2:
                    raise OSError(f"expected stdout and stderr descriptors, got {len(fds)}")
                pid = _fork(msg, fds)
            except (OSError, RuntimeError) as exc:  # SandboxError is a RuntimeError
                pid, reply["error"] = -1, f"cannot fork a kernel: {exc}"
            if pid == 0:
                return self._enter_child(msg, fds)
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            for fd in fds:
                os.close(fd)
            if pid > 0:
                self.children.add(pid)
                if "jail" in msg:
                    self.jails.add(pid)
                reply["pid"] = pid
        elif op == "signal":
            reply["ok"] = signal_group(int(msg["pid"]), int(msg["signum"]), self.children)
        else:
            reply["error"] = f"unknown op {op!r}"
        self.send(reply)
        return None

    def _enter_child(self, msg: dict[str, Any], fds: list[int]) -> Spawn:
        """In the child: drop everything that belongs to the zygote (a jail closed it all)."""
        signal.set_wakeup_fd(-1)
        spawn = Spawn(msg, fds, self.saved_signals, self.env_changes)
        if spawn.jailed:
            self.sock.detach()
        else:
            for fd in (self.wake_r, self.wake_w, *self.fds):
                os.close(fd)
            self.sock.close()
        return spawn

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
            if pid in self.jails:
                self.jails.discard(pid)
                from autograder.sandbox.cgroups import release

                release(pid)  # its memory group (a jail imported the module already)
            code = os.waitstatus_to_exitcode(status)
            self.send({"event": "exit", "pid": pid, "returncode": code})

    def shutdown(self, grace: float = 2.0) -> None:
        """Terminate the remaining kernels (SIGTERM, then SIGKILL) and reap them."""
        for sig, deadline in ((signal.SIGTERM, time.monotonic() + grace), (signal.SIGKILL, None)):
            for pid in list(self.children):
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


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 512):
            pass
    except BlockingIOError:
        pass


def preload(modules: list[str]) -> dict[str, Any]:
    """Import the preload modules; report errors, their output and any threads they started."""
    loaded, errors, env_before = [], {}, dict(os.environ)
    with tempfile.TemporaryFile() as capture:  # e.g. debugpy's "frozen modules" warning
        saved = [os.dup(1), os.dup(2)]
        os.dup2(capture.fileno(), 1)
        os.dup2(capture.fileno(), 2)
        try:
            for name in modules:
                try:
                    importlib.import_module(name)
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


def _fork(msg: dict[str, Any], fds: list[int]) -> int:
    """``os.fork()``, or for a request with a jail spec, a fork into a new jail."""
    if "jail" not in msg:
        return os.fork()
    from autograder.sandbox.jail import spawn
    from autograder.sandbox.spec import JailSpec

    return spawn(JailSpec.from_json(msg["jail"]), stdout_fd=fds[0], stderr_fd=fds[1])


def become_kernel(spawn: Spawn) -> None:
    """Turn a freshly forked child into ``python -m <module> <args>`` with the given env and cwd
    (a jailed child has its jail's environment and working directory)."""
    req = spawn.request
    if not spawn.jailed:
        os.setsid()  # own session and process group, like Popen(start_new_session=True)
    for sig, handler in spawn.saved_signals.items():
        signal.signal(sig, handler)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())  # pending signals are delivered now
    if not spawn.jailed:
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(spawn.fds[0], 1)
        os.dup2(spawn.fds[1], 2)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # everything else (close_range(2))
    env = dict(os.environ if spawn.jailed else req["env"])
    for name, (before, after) in spawn.env_changes.items():
        if env.get(name) == before:  # what the preloads' import would have done to this env
            if after is None:
                env.pop(name, None)
            else:
                env[name] = after
    if not spawn.jailed:
        env["JPY_PARENT_PID"] = str(os.getppid())  # the parent poller watches the zygote
        os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, os.getcwd())  # what `python -m` puts first (the zygote removed its own)
    sys.argv = [req["cmd"][0], *req["args"]]  # runpy replaces argv[0] with the module's path
    if spawn.jailed:  # its parent is the jail's init: no parent poller (see main())
        sys.argv.append("--IPKernelApp.parent_handle=0")
    sys.orig_argv = list(req["cmd"])
    if "numpy.random" in sys.modules:
        sys.modules["numpy.random"].seed()  # fork duplicated the legacy global RandomState
    runpy.run_module(req["module"], run_name="__main__", alter_sys=True)


def main(argv: list[str]) -> int:
    """Entry point: ``python zygote.py FD [MODULE,MODULE...]``."""
    del sys.path[0]  # this script's directory: the preloads must not come from there
    sock = socket.socket(fileno=int(argv[0]))
    # Every kernel's parent is this process; ipykernel reads JPY_PARENT_PID at *import* time
    # (the default of IPKernelApp.parent_handle), so it must be set before the preloads.
    os.environ["JPY_PARENT_PID"] = str(os.getpid())
    ready = preload([m for m in (argv[1] if len(argv) > 1 else "").split(",") if m])
    spawn = Zygote(sock, ready).serve()
    if spawn is not None:  # only in a forked child: run the kernel, then exit like
        become_kernel(spawn)  # `python -m ipykernel_launcher` does
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
