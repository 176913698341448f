"""What ``make notebooks`` writes into the student package: each case as its checks know it,
and what they compare answers with at the notebook's public sizes -- sealed.

The student package must check each notebook's part 1, the Jacobian's shape, without holding
it, and its values without a way to compute them for other inputs. So for each case and each
public set of sizes (the notebook's and the second one) it gets (``jacobian_checks/stored.py``
reads them):

- in ``cases.json``: the case as the checks know it (its function, arguments, inputs' shapes
  and kinds, sizes: :class:`~jacobian_checks.public_case.PublicCase`), a salt, the digest of the
  Jacobian's shape, its layout sealed with that shape's key, and the diagnosis of every wrong
  shape the grader's rules name there (:func:`autograder.shape_diagnosis.recognised_shapes`),
  each under the digest of that shape and sealed with its key (:mod:`jacobian_checks.sealed`);
- in ``references.npz``: sealed with the right shape's key, the grader's reference for the
  notebook's inputs and its error, the Jacobian of each example of a batch-averaged case, and
  the answers of the case's named mistakes (:mod:`autograder.named_answers`).

A test fails while these files are stale (:func:`is_current`); :func:`write_package_data`
rewrites them only when they are, so a rebuild on another machine, whose finite differences
round differently in the last bits, changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from autograder.named_answers import named_answers
from autograder.references import example_jacobians, reference_jacobian
from autograder.shape_diagnosis import recognised_shapes
from cases.case import Case
from jacobian_checks.public_case import VISIBLE_SEED
from jacobian_checks.sealed import pack, shape_digest, shape_key, unpack, xor
from jacobian_checks.stored import layout_to_json, sizes_key

from .package_version import STUDENT

CASES_JSON = Path("jacobian_checks") / "cases.json"
REFERENCES = Path("jacobian_checks") / "references.npz"

FORMAT = 1
"""The version of the layout of ``cases.json`` and of the sealed records."""


@dataclass(frozen=True)
class PackageData:
    """The student package's data files, as :func:`package_data` builds them.

    Attributes
    ----------
    cases : dict
        The content of ``cases.json``.
    records : dict of str to bytes
        The sealed records of ``references.npz``, by :func:`~jacobian_checks.stored.sizes_key`.
    keys : dict of str to bytes
        The key of each record (that of the Jacobian's shape): to compare a stored record
        with a new one, opened.
    """

    cases: dict[str, Any]
    records: dict[str, bytes]
    keys: dict[str, bytes]


def package_data(cases: Iterable[Case]) -> PackageData:
    """The data files of a package that checks ``cases`` at their public sizes."""
    described: dict[str, Any] = {}
    records: dict[str, bytes] = {}
    keys: dict[str, bytes] = {}
    for case in cases:
        runs = {}
        for sizes in case.public_sizes(case.visible_sizes):
            name = sizes_key(case.key, sizes)
            salt = hashlib.sha256(f"jacobian_checks salt {name}".encode()).digest()[:16]
            key = shape_key(salt, case.jacobian_shape(sizes))
            runs[name] = {
                "salt": salt.hex(),
                "shape": shape_digest(salt, case.jacobian_shape(sizes)),
                "layout": _sealed_json(layout_to_json(case.layout), key),
                "diagnoses": {
                    shape_digest(salt, found): _sealed_json(
                        [diagnosis.key, diagnosis.verdict, diagnosis.pointer],
                        shape_key(salt, found))
                    for found, diagnosis in sorted(recognised_shapes(case, sizes).items())}}
            records[name] = xor(pack(*_record(case, sizes)), key)
            keys[name] = key
        described[case.key] = {"case": case.public().to_json(), "runs": runs}
    return PackageData({"format": FORMAT, "cases": described}, records, keys)


def _record(case: Case, sizes: dict[str, int]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """What a values check of ``case`` at ``sizes`` compares with, on the notebook's inputs
    (:data:`~jacobian_checks.public_case.VISIBLE_SEED`), as the grader computes it: meta data
    and arrays."""
    inputs = case.sample_inputs(sizes, VISIBLE_SEED)
    reference = reference_jacobian(case, inputs)
    arrays = {"values": reference.values}
    examples = example_jacobians(case, inputs)
    if examples is not None:
        arrays["examples"] = examples
    named = list(named_answers(case, inputs, reference.values))
    for i, family in enumerate(named):
        for j, answer in enumerate(family):
            arrays[f"named/{i}/{j}"] = answer.answer
    meta = {"error": reference.error,
            "named": [[[answer.key, answer.verdict] for answer in family] for family in named]}
    return meta, arrays


def _sealed_json(value: object, key: bytes) -> str:
    return base64.b64encode(xor(json.dumps(value).encode(), key)).decode("ascii")


def cases_text(data: PackageData) -> str:
    """The text of ``cases.json`` (cases, runs and sizes in the course's order)."""
    return json.dumps(data.cases, indent=1) + "\n"


def stored_records(student: Path = STUDENT) -> dict[str, bytes]:
    """The sealed records of the package at ``student`` (none if it has no file)."""
    path = student / REFERENCES
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name].tobytes() for name in data.files}


def is_current(data: PackageData, student: Path = STUDENT) -> bool:
    """Whether the package at ``student`` holds ``data``: the same ``cases.json``, and records
    that open with the same keys to the same meta data and arrays (to rounding of the
    platform)."""
    path = student / CASES_JSON
    if not path.exists() or path.read_text() != cases_text(data):
        return False
    stored = stored_records(student)
    if stored.keys() != data.records.keys():
        return False
    return all(_same_record(unpack(xor(stored[name], data.keys[name])),
                            unpack(xor(data.records[name], data.keys[name])))
               for name in data.records)


def _same_record(stored: tuple[dict[str, Any], dict[str, np.ndarray]],
                 built: tuple[dict[str, Any], dict[str, np.ndarray]]) -> bool:
    (stored_meta, stored_arrays), (meta, arrays) = stored, built
    return (stored_meta["named"] == meta["named"]
            and bool(np.isclose(stored_meta["error"], meta["error"], rtol=1e-6, atol=0))
            and stored_arrays.keys() == arrays.keys()
            and all(_close(stored_arrays[name], arrays[name]) for name in arrays))


def _close(stored: np.ndarray, built: np.ndarray) -> bool:
    return stored.shape == built.shape and bool(
        np.allclose(stored, built, rtol=1e-12, atol=0, equal_nan=True))


def write_package_data(data: PackageData, student: Path = STUDENT) -> bool:
    """Write the package's data files unless they are current already; whether they were."""
    if is_current(data, student):
        return False
    (student / CASES_JSON).write_text(cases_text(data))
    np.savez(student / REFERENCES, **{name: np.frombuffer(record, np.uint8)
                                      for name, record in data.records.items()})
    return True
