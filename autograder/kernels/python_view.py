"""What of the grading interpreter's packages a student's kernel sees: the kernel's own.

A jailed kernel sees the standard library, NumPy, the student package ``jacobian_checks``
and what the kernel itself needs (ipykernel and its dependencies), and nothing else the
instructor installed: no ``sympy``, no ``nbgrader`` or ``dask``, not the grader. The set is
derived from package metadata -- the requirements of :data:`KERNEL_PACKAGES`, transitively,
with their environment markers -- never listed by hand; and each site-packages directory
that holds some of them is shown in the jail with only those distributions' files
(:attr:`autograder.sandbox.spec.JailSpec.filtered`), while every other site-packages or
dist-packages directory of the Python installation and the system looks empty.

If the installed Python cannot be shown that way (a needed distribution is missing, or was
installed without a record of its files, as system package managers do),
:func:`python_view` raises :class:`PythonViewError`, whose message says how to set up a
grading interpreter that can.
"""

from __future__ import annotations

import csv
import functools
import glob
import importlib.metadata as metadata
import os
import posixpath
import re
import site
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from packaging.requirements import Requirement

#: What a student's kernel needs to run, with their own requirements.
KERNEL_PACKAGES = ("ipykernel", "numpy", "jacobian_checks")

SETUP_ADVICE = (
    "Grade with an interpreter whose packages pip installed, e.g. the project's virtual "
    "environment: `make venv` (python3 -m venv .venv && .venv/bin/pip install -c "
    "constraints.txt -e ./student -e .), then run the grader with .venv/bin/python.")


class PythonViewError(RuntimeError):
    """The kernel's packages cannot be shown apart from the others; the message says why and
    how to set up a grading interpreter that can."""


@dataclass(frozen=True)
class PythonView:
    """The site directories of a jail: those shown with some entries only, those hidden.

    Attributes
    ----------
    filtered : dict of str to tuple of str
        Site directory -> the entries of the kernel's distributions in it (top-level
        files and folders, or files inside a folder that other distributions share, such
        as ``__pycache__``).
    hidden : tuple of str
        Every other site-packages or dist-packages directory found.
    distributions : tuple of str
        The kernel's distributions, by normalized name.
    """

    filtered: dict[str, tuple[str, ...]]
    hidden: tuple[str, ...]
    distributions: tuple[str, ...]


def normalized(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def kernel_distributions(roots: Iterable[str], path: list[str] | None = None,
                         ) -> list[metadata.Distribution]:
    """``roots`` and everything they require, transitively (markers evaluated for this
    interpreter, with the extras a requirement asks for), as installed on ``path`` (default:
    ``sys.path``)."""
    found: dict[str, metadata.Distribution] = {}
    extras_seen: dict[str, set[str]] = {}
    queue = [(name, frozenset[str]()) for name in roots]
    while queue:
        name, extras = queue.pop()
        key = normalized(name)
        if key in found and extras <= extras_seen[key]:
            continue
        dist = found.get(key) or next(iter(metadata.distributions(
            name=name, path=sys.path if path is None else path)), None)
        if dist is None:
            raise PythonViewError(
                f"the package {name!r}, which students' kernels need, is not installed in "
                f"the grading interpreter {sys.executable}. {SETUP_ADVICE}")
        found[key] = dist
        extras_seen.setdefault(key, set()).update(extras)
        for line in dist.requires or []:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": extra})
                                     for extra in ("", *extras_seen[key])):
                queue.append((requirement.name, frozenset(requirement.extras)))
    return list(found.values())


@functools.cache
def python_view() -> PythonView:
    """The view of this interpreter's packages that a student's kernel gets (computed once)."""
    return view_of(kernel_distributions(KERNEL_PACKAGES), site_directories())


def view_of(dists: list[metadata.Distribution], site_dirs: Iterable[str]) -> PythonView:
    """The view that shows ``dists`` only, of their directories and of ``site_dirs``."""
    by_directory: dict[str, list[metadata.Distribution]] = {}
    for dist in dists:
        if dist.read_text("RECORD") is None:
            raise PythonViewError(
                f"the package {dist.metadata['Name']!r} of the grading interpreter has no "
                f"record of its files (installed by a system package manager?), so the "
                f"sandbox cannot show it to students' kernels apart from other packages. "
                f"{SETUP_ADVICE}")
        by_directory.setdefault(os.path.realpath(str(dist.locate_file(""))), []).append(dist)
    filtered = {directory: _entries(directory, kept)
                for directory, kept in by_directory.items()}
    hidden = sorted({os.path.realpath(path) for path in site_dirs} - set(filtered))
    names = tuple(sorted(normalized(dist.metadata["Name"]) for dist in dists))
    return PythonView(filtered, tuple(hidden), names)


def _entries(directory: str, kept: list[metadata.Distribution]) -> tuple[str, ...]:
    """The entries of ``directory`` that show ``kept`` (distributions installed there): the
    top-level files and folders of their RECORDs, or the files themselves inside a folder
    that another distribution there shares (such as ``__pycache__``)."""
    records = {dist.read_text("RECORD") for dist in kept}
    shared = {path.split("/", 1)[0] for dist in metadata.distributions(path=[directory])
              if (record := dist.read_text("RECORD")) not in records
              for path in _recorded(record)}
    entries = {path if "/" in path and path.split("/", 1)[0] in shared
               else path.split("/", 1)[0] for record in records for path in _recorded(record)}
    return tuple(sorted(entry for entry in entries
                        if os.path.lexists(os.path.join(directory, entry))))


def _recorded(record: str | None) -> list[str]:
    """The paths a RECORD lists inside its distribution's directory (not ``../bin/...``)."""
    paths = (posixpath.normpath(row[0]) for row in csv.reader((record or "").splitlines())
             if row)
    return [path for path in paths if not path.startswith(("../", "/")) and path != ".."]


def site_directories() -> list[str]:
    """Every site-packages and dist-packages directory of this Python and of the system's
    Pythons (``/usr``, ``/usr/local``), as real paths."""
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, "/usr",
                "/usr/local"}
    patterns = [f"{prefix}/lib*/python3*/{kind}" for prefix in prefixes
                for kind in ("site-packages", "dist-packages")]
    found = [*site.getsitepackages([sys.prefix, sys.base_prefix]),
             *(path for pattern in patterns for path in glob.glob(pattern))]
    return sorted({os.path.realpath(path) for path in found if os.path.isdir(path)})
