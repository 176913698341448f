"""The student's path in a real browser: JupyterLab with the bundle's notebooks and wheel.

A JupyterLab server runs in the unzipped student bundle, with the bundle's wheel as the only
``jacobian_checks`` its kernels can import; headless Chromium (the distribution's, driven by
Playwright) opens a notebook, types a wrong answer, runs its test cells and finds the
diagnosis as the first line of the failed cell's output; then types right answers, presses
Validate and finds success. ``make test`` installs Chromium (``make browser``).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from course.bundle import bundle_folder, write_bundle
from jacobian_checks.assignments.jacobians import ASSIGNMENT

pytestmark = pytest.mark.nbgrader

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NOTEBOOK = f"{ASSIGNMENT}/02_scalar_wrt_vector.ipynb"
SIGN_FLIPPED = ('import numpy as np\n\ndef dloss_dyhat(y, yhat):\n'
                '    return np.einsum("i,bj->bij", np.ones(1), y - yhat)\n')
RIGHT = {"def jacobian_shape": "def jacobian_shape(B, D):\n    return (B, 1, D)\n",
         "def dloss_dyhat": "def dloss_dyhat(y, yhat):\n    return (yhat - y)[:, None, :]\n"}
SETTINGS = {  # no news pop-up over the page; every cell rendered (no virtual scrolling)
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[str]:
    """The URL of a JupyterLab serving the unzipped bundle, its kernels seeing only the wheel."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed: run `make browser` (Debian's chromium package)")
    root = tmp_path_factory.mktemp("student")
    with zipfile.ZipFile(write_bundle(ASSIGNMENT, root / "bundle.zip")) as bundle:
        bundle.extractall(root)
    folder = root / bundle_folder(ASSIGNMENT)
    (wheel,) = folder.glob("*.whl")
    site = root / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--disable-pip-version-check", "--target", str(site), str(wheel)],
                   check=True)
    settings = root / "settings"
    for name, values in SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(site), "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTER_RUNTIME_DIR": str(root / "runtime")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
         "--ServerApp.token=", "--ServerApp.password=", "--allow-root",
         "--ServerApp.disable_check_xsrf=True"],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("JupyterLab did not start")
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture()
def page(lab) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{lab}/lab/tree/{NOTEBOOK}")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                                   timeout=60000)
            yield page
        finally:
            browser.close()


def replace_cell(page: Page, containing: str, code: str) -> None:
    """Replace the source of the code cell that contains ``containing`` by ``code``."""
    page.locator(".jp-CodeCell", has_text=containing).first.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(code)  # no auto-indent or auto-closed brackets


def test_a_wrong_answer_shows_its_diagnosis_first(page):
    replace_cell(page, "def dloss_dyhat", SIGN_FLIPPED)
    page.get_by_role("menuitem", name="Run", exact=True).click()  # the answer and its tests
    page.get_by_role("menuitem", name="Run Selected Cell and All Below").click()
    values = page.locator(".jp-CodeCell", has_text="check_jacobian_values(dloss_dyhat").first
    error = values.locator(".jp-OutputArea-output").first
    expect(error).to_contain_text("JacobianCheckError", timeout=60000)
    assert error.inner_text().splitlines()[0] == (
        "JacobianCheckError: Your Jacobian has the wrong sign: its negative is right.")
    shape = page.locator(".jp-CodeCell", has_text="check_jacobian_shape(dloss_dyhat").first
    passed = " ".join(shape.locator(".jp-OutputArea-output").first.inner_text().split())
    assert passed.startswith(
        "Passed: dloss_dyhat(y, yhat) has the shape (B, 1, D): (256, 1, 10) at B=256, D=10,")


def test_right_answers_pass_validate(page):
    for containing, code in RIGHT.items():
        replace_cell(page, containing, code)
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    page.get_by_role("button", name="Validate").click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("Success! Your notebook passes all the tests.",
                                   timeout=120000)
