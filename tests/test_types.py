"""The grader, the cases, the student package and the answers type-check: mypy, as
``pyproject.toml`` configures it, run as one of the tests (``make test`` runs it here, beside the
others, rather than before them; ``make lint`` runs it alone)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from course.workspace import ROOT

pytestmark = pytest.mark.slow


def test_mypy_finds_no_error():
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
