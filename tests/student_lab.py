"""A student's JupyterLab, started in an unzipped bundle with the command its README gives.

Used by tests/test_bundle.py (what the server serves) and tests/test_browser.py (what the
student sees). The kernels import ``jacobian_checks`` from the bundle's wheel, installed into
``site``; Jupyter's runtime files, JupyterLab's workspaces and user settings live in a
scratch folder, not in the home directory.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.jupyter_servers import running_server


def readme_lab_arguments(bundle: Path) -> list[str]:
    """The arguments of the ``jupyter lab`` command in the bundle's README."""
    (command,) = re.findall(r"^jupyter lab\b.*$", (bundle / "README.md").read_text(), re.M)
    return shlex.split(command.split("#")[0])[2:]


def install_wheel(bundle: Path, site: Path) -> None:
    """Install the bundle's wheel (alone, without NumPy) into the folder ``site``."""
    (wheel,) = bundle.glob("jacobian_checks-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--disable-pip-version-check", "--target", str(site), str(wheel)],
                   check=True)


@contextmanager
def student_lab(bundle: Path, scratch: Path, *, readme_command: bool = True,
                env: Mapping[str, str] | None = None, arguments: Sequence[str] = ()
                ) -> Iterator[str]:
    """Run JupyterLab in ``bundle`` as its README says (or plain ``jupyter lab`` without
    ``readme_command``), with the test's own ``env`` and ``arguments`` added; its URL.
    ``scratch`` holds the wheel's installation (``site``), Jupyter's runtime files, workspaces
    and settings (``settings``, which a test may fill)."""
    site = scratch / "site"
    if not site.exists():
        install_wheel(bundle, site)
    environment = {**os.environ, "PYTHONPATH": str(site),
                   "JUPYTERLAB_SETTINGS_DIR": str(scratch / "settings"),
                   "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "workspaces"),
                   "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"), **(env or {})}
    readme = readme_lab_arguments(bundle) if readme_command else []
    with running_server(["jupyterlab", *readme, *arguments], bundle, environment,
                        scratch) as url:
        yield url


def http_status(url: str, data: bytes | None = None) -> int:
    """The HTTP status of a GET (or, with ``data``, a POST) of ``url``."""
    try:
        with urllib.request.urlopen(url, data=data, timeout=120) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def page_config(url: str) -> dict:
    """The page configuration JupyterLab's page at ``url`` gives its plugins."""
    with urllib.request.urlopen(f"{url}/lab", timeout=60) as response:
        page = response.read().decode()
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                      page, re.S)
    assert found, page[:2000]
    return json.loads(found.group(1))
