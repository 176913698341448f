"""The references the student package stores for the notebooks' own values tests.

Every ``check_jacobian_values`` call in a source test cell names a case and the notebook's
sizes; the student package must hold the reference for exactly those inputs
(``jacobian_checks/references.npz``), and nothing else. ``make notebooks`` writes the file; a
test fails when it is stale.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np

from autograder.references import visible_reference
from autograder.verify.plan import plan_cell
from jacobian_checks.compare import Reference
from jacobian_checks.references import REFERENCES_FILE, as_arrays, reference_key


def needed_references(source: Path) -> dict[str, Reference]:
    """``{reference_key: Reference}`` for every values check in the notebooks of ``source``."""
    references = {}
    for path in sorted(source.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            for check in plan_cell(cell.source, f"{path.name}, {meta.get('grade_id')}"):
                if check.check == "values":
                    references[reference_key(check.case, check.sizes)] = visible_reference(
                        check.case, check.sizes)
    return references


def stored_arrays(path: Path = REFERENCES_FILE) -> dict[str, np.ndarray]:
    """The arrays of a references file (empty if there is none)."""
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def is_current(references: dict[str, Reference], path: Path = REFERENCES_FILE) -> bool:
    """Whether ``path`` holds exactly these references (to rounding of the platform)."""
    wanted, stored = as_arrays(references), stored_arrays(path)
    return wanted.keys() == stored.keys() and all(
        wanted[key].shape == stored[key].shape
        and np.allclose(wanted[key], stored[key], rtol=1e-12, atol=0) for key in wanted)


def write_references(references: dict[str, Reference], path: Path = REFERENCES_FILE) -> bool:
    """Write ``path`` unless it is current already; whether it was written."""
    if is_current(references, path):
        return False
    np.savez_compressed(path, **as_arrays(references))
    return True
