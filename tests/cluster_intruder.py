"""Another user of the grading machine, trying the ports of a Dask cluster (tests/test_cluster.py).

Run as ``python -m tests.cluster_intruder UID`` by root, with ``{"ports": [...], "secret":
PATH}`` on stdin. It loads its code, then becomes user ``UID`` (no groups, no capabilities)
before it touches the network (the interpreter itself may live where that user cannot read, as
pyenv's under ``/root`` does). It prints whether it could read ``secret`` itself, and, for every
port, what it got: whether an HTTP server answered, and for each way of speaking Dask's
protocol (plain TCP; TLS with a certificate of its own) whether the port answered and ran the
intruder's code -- a function reading ``secret`` in the process behind the port (a scheduler's
``run_function``, a worker's or nanny's ``run``).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from typing import Any

from distributed.core import rpc
from distributed.protocol.pickle import dumps
from distributed.security import Security


def read(path: str) -> str:
    with open(path) as file:
        return file.read()


def http_answer(port: int) -> str | None:
    """What an HTTP request to ``port`` got back, if it looked like HTTP."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(b"GET /info/main/workers.html HTTP/1.0\r\nHost: x\r\n\r\n")
            reply = connection.recv(64)
    except OSError:
        return None
    return reply.decode("latin-1") if reply.startswith(b"HTTP/") else None


async def dask_attempt(address: str, connection_args: dict[str, Any], secret: str) -> str:
    """``ran: <what the code read>``, or why the port refused."""
    remote = rpc(address, connection_args=connection_args, timeout=5)
    try:
        who = await asyncio.wait_for(remote.identity(), 10)  # an HTTP server never answers
        op = "run_function" if who.get("type") == "Scheduler" else "run"
        reply = await asyncio.wait_for(
            getattr(remote, op)(function=dumps(read), args=dumps((secret,))), 10)
        return f"ran: {reply.get('result')}" if reply.get("status") == "OK" else f"{reply}"
    except Exception as exc:  # what refused is the finding
        return f"refused: {type(exc).__name__}: {exc}"
    finally:
        await remote.close_rpc()


def direct_read(path: str) -> str:
    try:
        return read(path)
    except OSError as exc:
        return f"refused: {exc.strerror}"


async def intrude(ports: list[int], secret: str,
                  own_certificate: dict[str, Any]) -> list[dict[str, Any]]:
    findings = []
    for port in ports:
        http = http_answer(port)
        if http is not None:  # an HTTP server, which would keep a Dask client waiting
            findings.append({"port": port, "http": http, "tcp": "not tried", "tls": "not tried"})
            continue
        findings.append({
            "port": port, "http": None,
            "tcp": await dask_attempt(f"tcp://127.0.0.1:{port}", {}, secret),
            "tls": await dask_attempt(f"tls://127.0.0.1:{port}", own_certificate, secret),
        })
    return findings


def become(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


if __name__ == "__main__":
    request = json.load(sys.stdin)
    own_certificate = Security.temporary().get_connection_args("client")
    become(int(sys.argv[1]))
    print(json.dumps({
        "uid": os.getuid(), "direct_read": direct_read(request["secret"]),
        "ports": asyncio.run(intrude(request["ports"], request["secret"], own_certificate))}))
