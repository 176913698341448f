"""Make student submissions from the release notebooks, for the demo, tests and benchmarks."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import nbformat

Answers = Mapping[str, Mapping[str, str]]
"""``{notebook name: {solution cell grade_id: cell source}}``; unnamed cells stay blank."""


def release_notebooks(course: Path, assignment: str) -> dict[str, nbformat.NotebookNode]:
    """The student notebooks of ``course/release/<assignment>``, by name without ``.ipynb``."""
    directory = course / "release" / assignment
    return {path.stem: nbformat.read(path, as_version=4)
            for path in sorted(directory.glob("*.ipynb"))}


def fill(notebook: nbformat.NotebookNode, answers: Mapping[str, str]) -> nbformat.NotebookNode:
    """A copy of ``notebook`` with the named solution cells' sources replaced."""
    filled = nbformat.from_dict(json.loads(json.dumps(notebook)))
    unused = set(answers)
    for cell in filled.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            if not cell.metadata["nbgrader"].get("solution"):
                raise ValueError(f"cell {grade_id!r} is not a solution cell")
            cell.source = answers[grade_id]
            unused.discard(grade_id)
    if unused:
        raise ValueError(f"no solution cells named {sorted(unused)}")
    return filled


def write_submission(course: Path, assignment: str, student: str, answers: Answers,
                     timestamp: str = "2026-11-20 12:00:00.000000 UTC") -> Path:
    """Write ``submitted/<student>/<assignment>/``: every release notebook, filled from
    ``answers``. Notebooks absent from ``answers`` are submitted untouched.
    """
    released = release_notebooks(course, assignment)
    unknown = set(answers) - set(released)
    if unknown:
        raise ValueError(f"no release notebooks named {sorted(unknown)}")
    directory = course / "submitted" / student / assignment
    directory.mkdir(parents=True, exist_ok=True)
    for name, notebook in released.items():
        nbformat.write(fill(notebook, answers.get(name, {})), directory / f"{name}.ipynb")
    (directory / "timestamp.txt").write_text(timestamp)
    return directory


def solution_answers(course: Path, assignment: str) -> dict[str, dict[str, str]]:
    """The solution cells of ``course/source/<assignment>`` as :data:`Answers`, delimiters
    removed."""
    answers: dict[str, dict[str, str]] = {}
    for path in sorted((course / "source" / assignment).glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        answers[path.stem] = {
            cell.metadata.nbgrader.grade_id: _without_delimiters(cell.source)
            for cell in notebook.cells
            if cell.metadata.get("nbgrader", {}).get("solution")}
    return answers


def _without_delimiters(source: str) -> str:
    return "\n".join(line for line in source.splitlines()
                     if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)
