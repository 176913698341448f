"""A Jupyter server for a test, and the distribution's Chromium to look at it.

Used by tests/student_lab.py (the student's JupyterLab), tests/test_browser.py and
tests/test_offline_pages.py (the instructor's formgrader). ``make test`` installs Chromium
(``make browser``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright

TEST_ONLY = ["--no-browser", "--ServerApp.token=", "--ServerApp.password=", "--allow-root",
             "--ServerApp.disable_check_xsrf=True"]
"""What a test adds to a server's command: no browser, no password, a port of its own."""

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(command: Sequence[str], cwd: Path, env: Mapping[str, str],
                   logs: Path) -> Iterator[str]:
    """Run ``python -m <command...>`` (a Jupyter server) in ``cwd`` with :data:`TEST_ONLY`
    and a free port, its output to a log file in ``logs``; its URL once it answers."""
    port = free_port()
    log = (logs / f"{command[0]}-{port}.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", *command, *TEST_ONLY, f"--port={port}"],
                              cwd=cwd, env=dict(env), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"the Jupyter server did not start: see {log.name}"
                                       ) from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()  # it shuts its kernels down first: slow on a loaded machine
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()  # its kernels exit when they find their parent gone
            server.wait()
        log.close()


def chromium(playwright: Playwright) -> Browser:
    """Headless Chromium, the distribution's, without its own network chatter."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed: run `make browser` (Debian's chromium package)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"])
