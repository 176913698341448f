"""The grader-side handle on a zygote process (see :mod:`.zygote`).

One :class:`ZygoteClient` owns one zygote subprocess and its control socket.  A daemon
reader thread turns the zygote's replies into :class:`concurrent.futures.Future` results
(awaitable from any event loop with :func:`asyncio.wrap_future`) and records the exit
status of every kernel the zygote reaps, so ``poll()`` needs no ``waitpid`` of ours.

Protocol: newline-delimited JSON both ways.  Requests carry an ``id`` that the reply echoes:

* ``{"op": "fork", "jail": bool, "nfds": 1}``, with one end of a new socket pair attached
  (SCM_RIGHTS)  ->  ``{"pid": 1234}`` (the forked child) or ``{"error"}``;
* ``{"op": "signal", "pid", "signum"}`` (to the kernel's process group, or to the jail below
  a jailed child)  ->  ``{"ok": bool}``.

Events: ``{"event": "ready", "pid", "preloaded", "errors", "output", "env_changes"}`` once,
and ``{"event": "exit", "pid", "returncode"}`` per reaped child (``-N``: killed by signal N).

The zygote never learns what a kernel is for: :meth:`ZygoteClient.spawn` sends the kernel's
request -- ``{"module", "args", "cmd", "cwd", "env"}`` with its stdout and stderr
descriptors, or ``{"module", "args", "cmd", "jail"}`` (a jail spec, which holds the
environment) with its stdout, stderr and work directory -- on the other end of the socket
pair, to the forked child alone, which answers there ``{"pid": N}`` (itself, or the top
process of its jail) or ``{"error"}``.

Zygotes are shared per process through :func:`get_zygote`, keyed by the interpreter, the
preload list and the zygote's whole environment, which the caller chooses and which holds
nothing else: no variable of the grader's reaches a zygote unless the caller passes it (for
an unjailed kernel, :func:`startup_env` picks those that act at interpreter start-up or
import time, ``PYTHON*``, ``OMP_*``...). :func:`shutdown_zygotes` (also run at exit) closes
them all; a grader process forked after a zygote was started forgets the parent's zygotes
and starts its own.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from concurrent.futures import Future, InvalidStateError
from typing import Any

#: Run as a script (not ``-m``): the zygote then imports nothing but the stdlib and its preloads.
ZYGOTE_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "zygote.py")

#: Environment variables with these prefixes are read when the interpreter starts or when
#: the preload modules are imported, so they select (or start) a zygote of their own.
STARTUP_ENV_PREFIXES = (
    "PYTHON", "LD_", "OPENBLAS", "OMP_", "MKL_", "NPY_", "NUMPY_", "IPYTHON", "TRAITLETS_",
    "PYZMQ", "TORNADO", "PYDEVD", "DEBUGPY", "JUPYTER_PLATFORM_DIRS",
)


class ZygoteError(RuntimeError):
    """The zygote could not be started, died, or refused a request."""


class ZygoteClient:
    """A zygote subprocess and the socket that controls it (thread-safe)."""

    def __init__(self, python: str, preload: list[str], env: dict[str, str]) -> None:
        self.python = python
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        cmd = [python, ZYGOTE_SCRIPT, str(theirs.fileno()), ",".join(preload)]
        try:
            self.proc = subprocess.Popen(cmd, pass_fds=[theirs.fileno()], env=env, cwd="/",
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        except OSError as exc:
            ours.close()
            raise ZygoteError(f"cannot start the kernel zygote {cmd}: {exc}") from exc
        finally:
            theirs.close()
        self.sock = ours
        self.alive = True
        self.ready: Future[dict[str, Any]] = Future()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pending: dict[int, Future[dict[str, Any]]] = {}
        self._exits: dict[int, int] = {}
        self._reader = threading.Thread(target=self._read_loop, daemon=True,
                                        name=f"forkkernel-zygote-{self.proc.pid}")
        self._reader.start()

    @property
    def pid(self) -> int:
        """The zygote's process id."""
        return self.proc.pid

    def request(self, op: str, fds: list[int] | tuple[int, ...] = (), **fields: Any) -> Future:
        """Send a request (with file descriptors to pass); the Future gets the reply dict."""
        fut: Future[dict[str, Any]] = Future()
        with self._lock:
            if not self.alive:
                raise ZygoteError(f"the kernel zygote (pid {self.pid}) is not running")
            rid = next(self._ids)
            data = json.dumps({"op": op, "id": rid, "nfds": len(fds), **fields}).encode() + b"\n"
            self._pending[rid] = fut
            try:
                sent = socket.send_fds(self.sock, [data], list(fds)) if fds else 0
                self.sock.sendall(data[sent:])
            except OSError as exc:
                del self._pending[rid]
                raise ZygoteError(f"lost the kernel zygote (pid {self.pid}): {exc}") from exc
        return fut

    def spawn(self, request: dict[str, Any], fds: tuple[int, ...], *, jail: bool) -> Future:
        """Have the zygote fork a child that receives ``request`` and the kernel's (stdout,
        stderr[, work directory]) ``fds`` on a channel of its own; the Future gets ``{"pid":
        the zygote's child, "kernel": the kernel's pid (the jail's top process for a jail)}``.

        Raises :class:`ZygoteError` at once if the zygote is gone; the Future's exception is
        one if the zygote or the child failed.
        """
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            forked = self.request("fork", (theirs.fileno(),), jail=jail)
            data = json.dumps(request).encode() + b"\n"
            sent = socket.send_fds(ours, [data], list(fds))  # kept until the child reads it
            ours.sendall(data[sent:])
        except (OSError, ZygoteError) as exc:
            ours.close()
            raise ZygoteError(f"cannot send a kernel's request: {exc}") from exc
        finally:
            theirs.close()
        result: Future[dict[str, Any]] = Future()
        threading.Thread(target=self._await_child, args=(forked, ours, result), daemon=True,
                         name=f"forkkernel-spawn-{self.proc.pid}").start()
        return result

    def _await_child(self, forked: Future, channel: socket.socket, result: Future) -> None:
        """Wait for the zygote's reply, then for the child's; resolve ``result``."""
        with channel:
            try:
                reply = forked.result()
                if "pid" not in reply:
                    raise ZygoteError(f"the kernel zygote could not fork: {reply.get('error')}")
                answer = _read_line(channel)
            except (ZygoteError, OSError, ValueError) as exc:
                _resolve(result, exception=exc if isinstance(exc, ZygoteError)
                         else ZygoteError(f"the zygote's child did not answer: {exc}"))
                return
        if "pid" not in answer:
            _resolve(result, exception=ZygoteError(str(answer.get("error"))))
        elif not _resolve(result, result={"pid": reply["pid"], "kernel": answer["pid"]}):
            # Nobody waits for this kernel any more (launch timed out): don't leak it.
            try:
                self.request("signal", pid=reply["pid"], signum=int(signal.SIGKILL))
            except ZygoteError:
                pass  # the zygote is gone, and takes its kernels with it

    def returncode(self, pid: int) -> int | None:
        """The exit status of a kernel the zygote has reaped, else None."""
        with self._lock:
            return self._exits.get(pid)

    def forget(self, pid: int) -> None:
        """Drop the recorded exit status of a kernel nobody will ask about again."""
        with self._lock:
            self._exits.pop(pid, None)

    def _read_loop(self) -> None:
        buf = b""
        while True:
            try:
                data = self.sock.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                break
            *lines, buf = (buf + data).split(b"\n")
            for line in lines:
                self._dispatch(json.loads(line))
        try:
            status: int | None = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            status = None
        error = ZygoteError(f"the kernel zygote (pid {self.pid}) exited with status {status}"
                            " (see its stderr)")
        with self._lock:
            self.alive = False
            pending, self._pending = list(self._pending.values()), {}
        for fut in [*pending, self.ready]:
            _resolve(fut, exception=error)

    def _dispatch(self, msg: dict[str, Any]) -> None:
        if msg.get("event") == "exit":
            with self._lock:
                self._exits[msg["pid"]] = msg["returncode"]
        elif msg.get("event") == "ready":
            _resolve(self.ready, result=msg)
        else:
            with self._lock:
                fut = self._pending.pop(msg["id"], None)
            if fut is not None:
                _resolve(fut, result=msg)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the zygote (it terminates its remaining kernels) and reap it."""
        with self._lock:
            self.alive = False
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # EOF for the zygote, wakes our reader
        except OSError:
            pass
        if self._reader.is_alive() and self._reader is not threading.current_thread():
            self._reader.join(timeout)
        self.sock.close()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def abandon(self) -> None:
        """In a forked grader child: close our copy of the socket, leave the zygote alone."""
        self.alive = False
        self.sock.close()


def _read_line(channel: socket.socket, limit: int = 1 << 16) -> dict[str, Any]:
    """One JSON line from ``channel`` (a child's answer); ValueError at EOF or past ``limit``."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = channel.recv(limit)
        if not chunk or len(data) + len(chunk) > limit:
            raise ValueError("it ended before it answered" if not chunk else "answer too long")
        data += chunk
    return json.loads(data)


def _resolve(fut: Future, result: Any = None, exception: BaseException | None = None) -> bool:
    """Complete a Future unless it is already done or cancelled; True if this did it."""
    try:
        if exception is not None:
            fut.set_exception(exception)
        else:
            fut.set_result(result)
    except InvalidStateError:
        return False
    return True


_zygotes: dict[tuple, ZygoteClient] = {}
_abandoned: list[ZygoteClient] = []  # kept referenced so their Popen is never finalized
_registry_lock = threading.Lock()


def startup_env(env: dict[str, str]) -> dict[str, str]:
    """The part of a kernel's environment that must match its zygote's."""
    return {k: v for k, v in env.items() if k.startswith(STARTUP_ENV_PREFIXES)}


def get_zygote(python: str, preload: list[str], env: dict[str, str]) -> ZygoteClient:
    """This process's zygote for (python, preload, env), started on first use with exactly
    ``env`` as its environment."""
    key = (python, tuple(preload), tuple(sorted(env.items())))
    with _registry_lock:
        zygote = _zygotes.get(key)
        if zygote is None or not zygote.alive:
            if zygote is not None:
                zygote.close()  # reap the dead one before replacing it
            zygote = _zygotes[key] = ZygoteClient(python, list(preload), env)
        return zygote


def running_zygotes() -> list[ZygoteClient]:
    """The zygotes this process currently owns."""
    with _registry_lock:
        return list(_zygotes.values())


def shutdown_zygotes() -> None:
    """Close every zygote of this process (and with them any kernels still running)."""
    with _registry_lock:
        zygotes = list(_zygotes.values())
        _zygotes.clear()
    for zygote in zygotes:
        zygote.close()


def _after_fork_in_child() -> None:
    global _registry_lock
    _registry_lock = threading.Lock()
    for zygote in _zygotes.values():
        zygote.abandon()
    _abandoned.extend(_zygotes.values())
    _zygotes.clear()


atexit.register(shutdown_zygotes)
if sys.platform != "win32":
    os.register_at_fork(after_in_child=_after_fork_in_child)
