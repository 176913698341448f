"""The cluster of ``grade --scheduler local``: one only the instructor's grading process can use.

A Dask scheduler or worker runs whatever a client that reaches it asks (``run_on_scheduler``,
a worker's ``run``), and every task carries the course secret and the tests; on a shared
machine (a JupyterHub server gives every student an account) any user can reach a port on
127.0.0.1. So this cluster

- speaks TLS only, with a certificate and key made for this run (``Security.temporary``):
  they exist in this process's memory and are handed to the worker processes it starts, never
  written where another user could read them, and every connection must present that
  certificate -- a process without it cannot complete a handshake, let alone send a request;
- opens no HTTP server at all: Dask starts one on every scheduler (port 8787) and worker, even
  without a dashboard, serving its state, logs and metrics to anyone who asks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from distributed import Client, Nanny, Scheduler, SpecCluster, Worker
from distributed.security import Security


class SchedulerWithoutHTTP(Scheduler):
    """A Dask scheduler that opens no HTTP server (no dashboard, no JSON, logs or metrics)."""

    def start_http_server(self, *args: Any, **kwargs: Any) -> None:
        """Open nothing (the base class listens on port 8787 even without a dashboard)."""


class WorkerWithoutHTTP(Worker):
    """A Dask worker that opens no HTTP server (no metrics, health or dashboard)."""

    def start_http_server(self, *args: Any, **kwargs: Any) -> None:
        """Open nothing."""


@contextmanager
def private_local_cluster(workers: int) -> Iterator[Client]:
    """A client of a new cluster of ``workers`` single-threaded worker processes on this
    machine, reachable over TLS only by holders of this run's certificate; closed on exit."""
    security = Security.temporary()
    listening = {"host": "127.0.0.1", "protocol": "tls://", "security": security}
    scheduler = {"cls": SchedulerWithoutHTTP,
                 "options": {**listening, "port": 0, "dashboard": False,
                             "dashboard_address": None}}
    worker = {"cls": Nanny,
              "options": {**listening, "nthreads": 1, "worker_class": WorkerWithoutHTTP,
                          "dashboard": False, "dashboard_address": None,
                          "silence_logs": logging.WARN}}
    with SpecCluster(scheduler=scheduler, workers=dict.fromkeys(range(workers), worker),
                     worker=worker, security=security, silence_logs=logging.WARN) as cluster, \
            Client(cluster) as client:
        yield client
