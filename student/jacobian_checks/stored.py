"""What the package stores for the notebooks' checks, and how a check reads it.

``make notebooks`` writes two files into the package from the course's case folders:

- ``cases.json``: each case as the checks know it (:class:`~.public_case.PublicCase`) and, for
  each of its public sets of sizes (the notebook's and the second one), a salt, the digest of
  the Jacobian's shape, its layout sealed with that shape's key, and the diagnosis of every
  wrong shape the grader's rules name there, each under its own shape's digest and sealed
  with its key (:mod:`jacobian_checks.sealed`);
- ``references.npz``: for each case and public set of sizes, sealed with the key of the right
  shape, what the values are compared with: the finite-difference Jacobian of the notebook's
  inputs (drawn from :data:`~.public_case.VISIBLE_SEED`) and its error, for a batch-averaged
  case the Jacobian of each example, and the answers of the case's named mistakes.

So the package holds no Jacobian's shape, in symbols or numbers: a check learns whether a shape
is right by its digest, and opens the layout and the references only with the key of a shape
the student gave that is right. It holds no way to compute a reference for other inputs
either: when grading, the grader computes its own.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ._version import __version__
from .compare import Reference
from .diagnosis import Diagnosis
from .expected import Expected, NamedAnswer, NamedFamily
from .layout import JacobianLayout, Sizes
from .public_case import PublicCase
from .sealed import shape_digest, shape_key, unpack, xor

CASES_FILE = Path(__file__).with_name("cases.json")
REFERENCES_FILE = Path(__file__).with_name("references.npz")


def sizes_key(case: str, sizes: Mapping[str, int]) -> str:
    """The name a case's data at ``sizes`` is stored under: ``scalar_wrt_vector|B=256,D=10``."""
    return f"{case}|" + ",".join(f"{name}={size}" for name, size in sorted(sizes.items()))


class UnknownCase(KeyError):
    """A case key the installed package does not know; shown as its message, unquoted."""

    def __str__(self) -> str:
        return str(self.args[0])


def get_case(key: str) -> PublicCase:
    """The case called ``key``; a clear error lists the known keys.

    A notebook of a newer bundle names a case an older installed package lacks: the error
    says what to install."""
    cases = _cases()
    if key not in cases:
        raise UnknownCase(
            f"unknown case {key!r}: this notebook needs a newer jacobian_checks: install the "
            "wheel of the new bundle, then restart the kernel (installed: jacobian_checks "
            f"{__version__}, whose cases are {', '.join(cases)})")
    return PublicCase.from_json(cases[key]["case"])


def stored_run(case: PublicCase, sizes: Mapping[str, int]) -> StoredRun:
    """What the package stores for a check of ``case`` at ``sizes``; an error naming the sizes
    it can check, if those are not stored."""
    runs = _cases()[case.key]["runs"]
    stored = runs.get(sizes_key(case.key, sizes))
    if stored is None:
        known = " and ".join(f"({_text(other)})" for other in
                             (case.visible_sizes, case.second_sizes))
        raise ValueError(f"the checks of case {case.key!r} run here at the notebook's sizes and "
                         f"its second sizes, {known}, not at {_text(sizes)}; when grading, the "
                         "grader checks other sizes too")
    return StoredRun(case, dict(sizes), bytes.fromhex(stored["salt"]), stored["shape"],
                     base64.b64decode(stored["layout"]), stored["diagnoses"])


@dataclass(frozen=True)
class StoredRun:
    """The package's :class:`~.expected.Expectation` of a run on public sizes.

    Attributes
    ----------
    case : PublicCase
    sizes : dict of str to int
    salt : bytes
    shape : str
        The digest of the Jacobian's shape.
    sealed_layout : bytes
        The Jacobian's layout (JSON), sealed with the key of its shape.
    diagnoses : mapping of str to str
        By the digest of each wrong shape the grader's rules name: its diagnosis (JSON ``[key,
        verdict, pointer]``), sealed with the key of that shape, in base64.
    """

    case: PublicCase
    sizes: dict[str, int]
    salt: bytes
    shape: str
    sealed_layout: bytes
    diagnoses: Mapping[str, str]

    def fits(self, found: tuple[int, ...]) -> bool:
        return shape_digest(self.salt, found) == self.shape

    def shape_diagnosis(self, found: tuple[int, ...]) -> Diagnosis | None:
        sealed = self.diagnoses.get(shape_digest(self.salt, found))
        if sealed is None:
            return None
        key, verdict, pointer = json.loads(xor(base64.b64decode(sealed),
                                               shape_key(self.salt, found)))
        return Diagnosis(key, verdict, pointer)

    def layout(self, found: tuple[int, ...]) -> JacobianLayout:
        return layout_from_json(json.loads(xor(self.sealed_layout,
                                               shape_key(self.salt, found))))

    def expected(self, found: tuple[int, ...]) -> Expected:
        meta, arrays = _opened(sizes_key(self.case.key, self.sizes), shape_key(self.salt, found))
        families: list[NamedFamily] = [
            [NamedAnswer(key, verdict, arrays[f"named/{i}/{j}"])
             for j, (key, verdict) in enumerate(family)]
            for i, family in enumerate(meta["named"])]
        examples = arrays.get("examples")
        return Expected(self.layout(found), Reference(arrays["values"], float(meta["error"])),
                        (lambda: examples) if examples is not None else None,
                        lambda: families)


def layout_to_json(layout: JacobianLayout) -> dict[str, list[str | int]]:
    """A layout as ``cases.json`` seals it."""
    return {"batch": list(layout.batch), "output": list(layout.output),
            "input": list(layout.input)}


def layout_from_json(data: Mapping[str, Any]) -> JacobianLayout:
    """The inverse of :func:`layout_to_json`."""
    return JacobianLayout(batch=tuple(data["batch"]), output=tuple(data["output"]),
                          input=tuple(data["input"]))


def _text(sizes: Sizes) -> str:
    return ", ".join(f"{name}={size}" for name, size in sizes.items())


def read_stored_data() -> None:
    """Read the package's stored cases and references now rather than at the first check (a
    process that forks many kernels, as the grader's does, reads them once for all)."""
    _cases()
    _records()


@cache
def _cases() -> dict[str, Any]:
    if not CASES_FILE.exists():
        return {}
    return json.loads(CASES_FILE.read_text())["cases"]


@cache
def _records() -> dict[str, np.ndarray]:
    if not REFERENCES_FILE.exists():
        return {}
    with np.load(REFERENCES_FILE, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


@lru_cache(maxsize=4)
def _opened(name: str, key: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The record ``name`` opened with ``key`` (the last few stay open: a values check reads
    its record once per run, and students run a cell again and again)."""
    return unpack(xor(_records()[name].tobytes(), key))
