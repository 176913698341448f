"""What a process of the kit imports as it starts: not the IRI parser jsonschema would build
(0.9 s of CPU), while notebooks are still read and validated."""

from __future__ import annotations

import subprocess
import sys

import pytest

from course.workspace import ROOT

PROBE = """
import sys, nbformat
from nbformat.validator import ValidationError
notebook = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(notebook)
del notebook.cells[0]["metadata"]
try:
    nbformat.validate(notebook)
except ValidationError:
    print("invalid refused", "lark" in sys.modules, "rfc3987_syntax" in sys.modules
          and sys.modules["rfc3987_syntax"] is not None)
"""


@pytest.mark.parametrize("entry", ["autograder.cli", "course.regenerate"])
def test_a_kit_process_reads_and_validates_notebooks_without_the_iri_parser(entry):
    notebook = next((ROOT / "release").rglob("*.ipynb"))
    result = subprocess.run([sys.executable, "-c", f"import {entry}\n{PROBE}", str(notebook)],
                            capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["invalid", "refused", "False", "False"]
