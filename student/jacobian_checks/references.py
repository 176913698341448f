"""Reference Jacobians for the notebooks' own tests, stored with this package.

A notebook's values test compares the student's answer on the notebook's sizes and inputs (the
case's visible sizes, inputs drawn from :data:`jacobian_checks.cases.VISIBLE_SEED`) with the
Jacobian the grader computed for exactly those inputs when the course was built
(``make notebooks`` writes ``references.npz``); for a batch-averaged case, the Jacobian of each
example too, for the diagnosis of a gradient computed from one example; for a case with known
mistakes (:attr:`jacobian_checks.case.Case.mistakes`), the answer each of them gives. The
package holds no way to compute a reference for other inputs: when grading, the grader
computes its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

import numpy as np

from .compare import Reference

REFERENCES_FILE = Path(__file__).with_name("references.npz")


def reference_key(case: str, sizes: Mapping[str, int]) -> str:
    """The name under which a reference is stored: ``scalar_wrt_vector|B=256,D=10``."""
    return f"{case}|" + ",".join(f"{name}={size}" for name, size in sorted(sizes.items()))


def stored_reference(case: str, sizes: Mapping[str, int]) -> Reference | None:
    """The stored reference of ``case`` at ``sizes``, or ``None`` if none is stored."""
    key = reference_key(case, sizes)
    stored = _stored()
    if f"{key}|values" not in stored:
        return None
    return Reference(values=stored[f"{key}|values"], error=float(stored[f"{key}|error"]))


def stored_examples(case: str, sizes: Mapping[str, int]) -> np.ndarray | None:
    """The stored Jacobian of each example, ``(B, *shape)``, of a batch-averaged case."""
    return _stored().get(f"{reference_key(case, sizes)}|examples")


def stored_mistakes(case: str, sizes: Mapping[str, int]) -> np.ndarray | None:
    """The stored answer of each of the case's known mistakes, ``(n, *shape)``."""
    return _stored().get(f"{reference_key(case, sizes)}|mistakes")


def as_arrays(references: Mapping[str, Reference], examples: Mapping[str, np.ndarray],
              mistakes: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The arrays to save (``np.savez_compressed``) for ``{reference_key: Reference}``,
    ``{reference_key: the Jacobian of each example}`` and ``{reference_key: the answer of
    each known mistake}``."""
    arrays: dict[str, np.ndarray] = {}
    for key, reference in references.items():
        arrays[f"{key}|values"] = reference.values
        arrays[f"{key}|error"] = np.array(reference.error)
    for key, values in examples.items():
        arrays[f"{key}|examples"] = values
    for key, values in mistakes.items():
        arrays[f"{key}|mistakes"] = values
    return arrays


@cache
def _stored() -> dict[str, np.ndarray]:
    if not REFERENCES_FILE.exists():
        return {}
    with np.load(REFERENCES_FILE, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}
