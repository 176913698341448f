"""The references the student package stores for the notebooks' own values tests.

Every ``check_jacobian_values`` call in a source test cell names a case and the notebook's
sizes, and runs on those and on the case's second, public sizes; the student package must
hold the reference for exactly those inputs, and for a batch-averaged case the Jacobian of
each example, and for a case with known mistakes the answer each gives
(``jacobian_checks/references.npz``), and nothing else. ``make notebooks``
writes the file; a test fails when it is stale.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np

from autograder.references import visible_examples, visible_mistakes, visible_reference
from autograder.verify.plan import plan_cell
from jacobian_checks.compare import Reference
from jacobian_checks.references import REFERENCES_FILE, as_arrays, reference_key


def needed_arrays(source: Path) -> dict[str, np.ndarray]:
    """The arrays to store for every values check in the notebooks of ``source/<assignment>``."""
    references: dict[str, Reference] = {}
    examples: dict[str, np.ndarray] = {}
    mistakes: dict[str, np.ndarray] = {}
    for path in sorted(source.glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            for check in plan_cell(cell.source, f"{path.name}, {meta.get('grade_id')}"):
                if check.check != "values":
                    continue
                for sizes in check.public_sizes:
                    key = reference_key(check.case, sizes)
                    references[key] = visible_reference(check.case, sizes)
                    per_example = visible_examples(check.case, sizes)
                    if per_example is not None:
                        examples[key] = per_example
                    answers = visible_mistakes(check.case, sizes)
                    if answers is not None:
                        mistakes[key] = answers
    return as_arrays(references, examples, mistakes)


def stored_arrays(path: Path = REFERENCES_FILE) -> dict[str, np.ndarray]:
    """The arrays of a references file (empty if there is none)."""
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def is_current(arrays: dict[str, np.ndarray], path: Path = REFERENCES_FILE) -> bool:
    """Whether ``path`` holds exactly these arrays (to rounding of the platform)."""
    stored = stored_arrays(path)
    return arrays.keys() == stored.keys() and all(
        arrays[key].shape == stored[key].shape
        and np.allclose(arrays[key], stored[key], rtol=1e-12, atol=0) for key in arrays)


def write_references(arrays: dict[str, np.ndarray], path: Path = REFERENCES_FILE) -> bool:
    """Write ``path`` unless it is current already; whether it was written."""
    if is_current(arrays, path):
        return False
    np.savez_compressed(path, **arrays)
    return True
