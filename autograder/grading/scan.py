"""Looking over a submission before grading: what is missing, broken or tampered with.

nbgrader copes with some of this silently (it restores edited test cells, zeroes missing
notebooks) and fails on the rest; either way the instructor learns little. :func:`scan`
lists every such finding, per notebook, in words an instructor can act on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..notebook_files import read_notebook_json, short_reason
from ..submission_files import RefusedFile, SubmissionFiles, walk


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
        ``linked_file``, ``refused_file`` (a file neither read nor copied: not a regular
        file, or beyond the bounds of :mod:`autograder.submission_files`),
        ``missing_notebook``, ``unknown_notebook``, ``invalid_notebook``, ``malformed_cell``,
        ``duplicate_cell``, ``unknown_cell``, ``deleted_test``, ``edited_test``.
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
    found = walk(submission)
    findings = _unread(found)
    top = {*found.files, *(link.path for link in found.links),
           *(refused.path for refused in found.refused)}
    submitted = {name.removesuffix(".ipynb") for name in top
                 if name.endswith(".ipynb") and "/" not in name}
    for name in sorted(set(release) - set(submitted)):
        findings.append(Finding(name, "missing_notebook",
                                f"{name}.ipynb was not submitted (nbgrader scores it 0)"))
    for name in sorted(set(submitted) - set(release)):
        findings.append(Finding(name, "unknown_notebook",
                                f"{name}.ipynb is not part of the assignment (renamed?); "
                                "nbgrader does not grade it"))
    for name in sorted(set(submitted) & set(release)):
        if f"{name}.ipynb" in found.files:
            findings += _scan_notebook(name, submission, release[name])
    return findings


def _unread(found: SubmissionFiles) -> list[Finding]:
    """Every symbolic link and every refused entry of the submission: none is graded or copied
    (see :mod:`autograder.submission_exporter`)."""
    findings = [Finding(_notebook_or_path(link.path), "linked_file",
                        f"{link.path} is a symbolic link (to {link.target}), not a file: it is "
                        "neither graded nor copied") for link in found.links]
    findings += [Finding(_notebook_or_path(refused.path), "refused_file", str(refused))
                 for refused in found.refused]
    return findings


def _notebook_or_path(path: str) -> str:
    """A notebook's name for a notebook of the submission folder, else the path."""
    return path.removesuffix(".ipynb") if path.endswith(".ipynb") and "/" not in path else path


def _scan_notebook(name: str, submission: Path,
                   released: Mapping[str, ReleasedCell]) -> list[Finding]:
    try:
        notebook = read_notebook_json(submission, f"{name}.ipynb")
        cells = notebook["cells"]
        if not isinstance(cells, list):
            raise TypeError("its cells are not a list")
    except RefusedFile as exc:
        return [Finding(name, "invalid_notebook",
                        f"{name}.ipynb cannot be read as a notebook: it {exc.reason}")]
    except (KeyError, TypeError) as exc:
        return [Finding(name, "invalid_notebook",
                        f"{name}.ipynb cannot be read as a notebook ({short_reason(exc)})")]
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
