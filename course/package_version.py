"""The student package's version: it goes up whenever its code, cases or stored references
change.

A student who installs a new bundle's wheel over an older one gets the new package only if
the version differs (pip keeps an installed distribution of the same version). So the version
is tied to what the package holds -- its modules, and its data written from the course's cases
by ``make notebooks`` (``cases.json`` and ``references.npz``: ``course/student_data.py``) --
by a fingerprint of their content, recorded beside the version in
``jacobian_checks/_version.py``.
``make notebooks`` and ``make bundle`` call :func:`record_version`: when the fingerprint
differs from the recorded one, the last component of the version goes up by one (``0.1.0`` ->
``0.1.1``), which pip, ``pip install -U`` and every version specifier read as newer, and the
main ``pyproject.toml``'s pin of the package follows.

Why not the fingerprint itself in the version (``0.1.0+1a2b3c``): that is a different
version, but not a newer one -- nothing orders two hashes -- and a local version label is
refused by package indexes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .literals import literal_assignments
from .workspace import ROOT

STUDENT = ROOT / "student"
"""The student package's project folder (``pip install -e ./student``)."""

VERSION_MODULE = Path("jacobian_checks") / "_version.py"
CASES_JSON = Path("jacobian_checks") / "cases.json"
REFERENCES = Path("jacobian_checks") / "references.npz"

_PIN = re.compile(r'"jacobian-checks==[^"]*"')

_TEMPLATE = '''\
"""The version of ``jacobian_checks``, written by ``make notebooks`` and ``make bundle``
(``course/package_version.py``): it goes up whenever its code, cases or stored references
change, so that installing a new bundle's wheel replaces an older package."""

__version__ = "{version}"
CONTENT = "{content}"
"""The fingerprint of the code, cases and stored references this version holds."""
'''


@dataclass(frozen=True)
class Recorded:
    """What ``_version.py`` says: the version and the content it was given for."""

    version: str
    content: str


def content_fingerprint(student: Path = STUDENT) -> str:
    """The SHA-256 of the package's modules (but ``_version.py``), its cases and its stored
    reference arrays.

    Modules and ``cases.json`` are read with Unix line ends (a Windows checkout gives the same
    fingerprint); the references by name, dtype, shape and bytes, not as the ``.npz`` file,
    whose zip entries carry the time it was written.
    """
    digest = hashlib.sha256()
    package = student / VERSION_MODULE.parent
    for module in sorted(package.glob("*.py")):
        if module.name != VERSION_MODULE.name:
            digest.update(f"module {module.name}\n".encode()
                          + module.read_bytes().replace(b"\r\n", b"\n"))
    cases = student / CASES_JSON
    if cases.exists():
        digest.update(b"cases\n" + cases.read_bytes().replace(b"\r\n", b"\n"))
    references = student / REFERENCES
    if references.exists():
        with np.load(references, allow_pickle=False) as data:
            for name in sorted(data.files):
                array = np.ascontiguousarray(data[name])
                digest.update(f"array {name} {array.dtype.str} {array.shape}\n".encode())
                digest.update(array.tobytes())
    return f"sha256:{digest.hexdigest()}"


def recorded(student: Path = STUDENT) -> Recorded:
    """The version and fingerprint written in ``_version.py`` (read, not imported)."""
    values = literal_assignments(student / VERSION_MODULE)
    return Recorded(str(values["__version__"]), str(values["CONTENT"]))


def next_version(version: str) -> str:
    """``version`` with its last component one higher: ``"0.1.9"`` -> ``"0.1.10"``."""
    *leading, last = version.split(".")
    return ".".join([*leading, str(int(last) + 1)])


def is_current(student: Path = STUDENT) -> bool:
    """Whether the recorded fingerprint is that of the package's cases and references."""
    return recorded(student).content == content_fingerprint(student)


def record_version(student: Path = STUDENT, pyproject: Path | None = ROOT / "pyproject.toml"
                   ) -> str | None:
    """Raise the version if the cases or references changed since it was recorded; the new
    version, or ``None`` if it was current.

    ``pyproject`` is the project whose ``"jacobian-checks==..."`` pin follows (skipped when
    the file does not exist, as in a copy of the kit without it)."""
    content = content_fingerprint(student)
    before = recorded(student)
    if before.content == content:
        return None
    version = next_version(before.version)
    (student / VERSION_MODULE).write_text(_TEMPLATE.format(version=version, content=content))
    if pyproject is not None and pyproject.exists():
        text = pyproject.read_text()
        if not _PIN.search(text):
            raise ValueError(f"{pyproject} has no \"jacobian-checks==...\" dependency to update")
        pyproject.write_text(_PIN.sub(f'"jacobian-checks=={version}"', text))
    return version


def require_current(student: Path = STUDENT) -> str:
    """The recorded version; an error naming the fix if the cases or references changed
    since it was recorded (a wheel built now would not replace an older one)."""
    if not is_current(student):
        raise RuntimeError(
            f"the cases or stored references of {student / 'jacobian_checks'} changed since "
            f"version {recorded(student).version} was recorded: run `make notebooks` (or "
            "`make bundle`), which raises the version, so that students' pip replaces the "
            "older package")
    return recorded(student).version
