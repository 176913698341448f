"""Looking over a submission before grading: what is missing, broken or tampered with.

nbgrader copes with some of this silently (it restores edited test cells, zeroes missing
notebooks) and fails on the rest; either way the instructor learns little. :func:`scan`
lists every such finding, per notebook, in words an instructor can act on.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import nbformat


@dataclass(frozen=True)
class ReleasedCell:
    """What the release says about one graded or locked cell."""

    source: str
    locked: bool
    grade: bool


Release = Mapping[str, Mapping[str, ReleasedCell]]
"""``{notebook name: {grade_id: ReleasedCell}}``."""


@dataclass(frozen=True, order=True)
class Finding:
    """Something wrong with one notebook of a submission.

    Attributes
    ----------
    notebook : str
        Notebook name without ``.ipynb`` (for a linked file that is not a notebook, its path
        in the submission).
    kind : str
        ``linked_file``, ``missing_notebook``, ``unknown_notebook``, ``invalid_notebook``,
        ``malformed_cell``, ``duplicate_cell``, ``unknown_cell``, ``deleted_test``,
        ``edited_test``.
    detail : str
        One sentence for the instructor.
    """

    notebook: str
    kind: str
    detail: str


def read_release(directory: Path) -> dict[str, dict[str, ReleasedCell]]:
    """The graded and locked cells of every notebook in a release directory."""
    release = {}
    for path in sorted(directory.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        release[path.stem] = {
            meta["grade_id"]: ReleasedCell(source=cell.source, locked=bool(meta.get("locked")),
                                           grade=bool(meta.get("grade")))
            for cell in notebook.cells
            if (meta := cell.metadata.get("nbgrader", {})).get("grade_id")}
    return release


def scan(submission: Path, release: Release) -> list[Finding]:
    """Findings for the submission directory ``submitted/<student>/<assignment>``."""
    findings = _links(submission)
    submitted = {path.stem: path for path in submission.glob("*.ipynb")}
    for name in sorted(set(release) - set(submitted)):
        findings.append(Finding(name, "missing_notebook",
                                f"{name}.ipynb was not submitted (nbgrader scores it 0)"))
    for name in sorted(set(submitted) - set(release)):
        findings.append(Finding(name, "unknown_notebook",
                                f"{name}.ipynb is not part of the assignment (renamed?); "
                                "nbgrader does not grade it"))
    for name in sorted(set(submitted) & set(release)):
        if not submitted[name].is_symlink():
            findings += _scan_notebook(name, submitted[name], release[name])
    return findings


def _links(submission: Path) -> list[Finding]:
    """Every symbolic link in the submission: none is graded or copied (see
    :class:`autograder.nbgrader_plugins.RefuseLinks`)."""
    findings = []
    for folder, directories, files in os.walk(submission):
        for name in sorted([*directories, *files]):
            path = Path(folder, name)
            if path.is_symlink():
                where = path.relative_to(submission)
                findings.append(Finding(
                    path.stem if path.suffix == ".ipynb" and folder == str(submission)
                    else str(where), "linked_file",
                    f"{where} is a symbolic link (to {os.readlink(path)}), not a file: it is "
                    "neither graded nor copied"))
    return findings


def _scan_notebook(name: str, path: Path, released: Mapping[str, ReleasedCell]) -> list[Finding]:
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = notebook["cells"]
        if not isinstance(cells, list):
            raise TypeError("its cells are not a list")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        return [Finding(name, "invalid_notebook",
                        f"{name}.ipynb cannot be read as a notebook ({_short(exc)})")]
    cells = [cell for cell in cells if isinstance(cell, dict)]
    grade_ids = [_grade_id(cell) for cell in cells]
    findings = []
    malformed = grade_ids.count(MALFORMED)
    if malformed or len(cells) < len(notebook["cells"]):
        findings.append(Finding(name, "malformed_cell",
                                f"{malformed or 'some'} cell(s) have metadata of the wrong "
                                "type (edited by hand?); nbgrader may refuse the notebook"))
    sources = {grade_id: _source(cell) for grade_id, cell in zip(grade_ids, cells, strict=True)
               if isinstance(grade_id, str) and grade_id}
    for grade_id, count in sorted(Counter(g for g in grade_ids if isinstance(g, str)
                                          and g in sources).items()):
        if count > 1:
            findings.append(Finding(name, "duplicate_cell",
                                    f"cell {grade_id!r} appears {count} times (copy-pasted)"))
    for grade_id in sorted(set(sources) - set(released)):
        findings.append(Finding(name, "unknown_cell",
                                f"a cell has the unknown grade_id {grade_id!r}"))
    for grade_id, cell in sorted(released.items()):
        if not cell.grade:
            continue
        if grade_id not in sources:
            findings.append(Finding(name, "deleted_test",
                                    f"test cell {grade_id!r} was deleted (it is put back "
                                    "and graded)"))
        elif cell.locked and sources[grade_id] != cell.source:
            findings.append(Finding(name, "edited_test",
                                    f"test cell {grade_id!r} was edited (the original is "
                                    "restored and graded)"))
    return findings


MALFORMED = object()
"""The grade_id of a cell whose metadata, nbgrader metadata or grade_id has the wrong type."""


def _grade_id(cell: dict) -> str | None | object:
    """A cell's grade_id, ``None`` if it has none, :data:`MALFORMED` if unreadable."""
    metadata = cell.get("metadata", {})
    nbgrader = metadata.get("nbgrader", {}) if isinstance(metadata, dict) else None
    grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else MALFORMED
    return grade_id if grade_id is None or isinstance(grade_id, str) else MALFORMED


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."
