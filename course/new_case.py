"""``python -m course new-case ASSIGNMENT KEY``: the skeleton of a new case, one folder.

It writes ``cases/<assignment>/<key>/`` from the template (``course/case_template/``): the
case's math (``math.py``), its notebook's text (``text.py``) and a place for its answers
(``answers.py``), each with placeholders (``TO DO``) -- and lists the folder last in its
assignment's ``CASE_FOLDERS`` (``cases/<assignment>/__init__.py``), so that its notebook comes
last. Nothing else changes. Until every placeholder is replaced, ``make notebooks`` stops with
the file and what to write there (:mod:`cases.validation`).
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import cases
from cases import ASSIGNMENT_FOLDERS

TEMPLATE = Path(__file__).resolve().parent / "case_template"
CASES_DIR = Path(cases.__file__ or "").resolve().parent
"""The folder of the case folders (read without loading the cases: one may be incomplete)."""
FILES = ("__init__.py", "math.py", "text.py", "answers.py")
"""The files of a case folder, written from ``<file>.tmpl``."""


class NewCaseError(ValueError):
    """The case cannot be added as asked; the message says why."""


def new_case(assignment: str, key: str, cases_dir: Path = CASES_DIR) -> list[Path]:
    """Write the skeleton of case ``key`` of ``assignment`` and list it; the files written
    (the assignment's ``__init__.py`` last)."""
    if assignment not in ASSIGNMENT_FOLDERS:
        raise NewCaseError(f"unknown assignment {assignment!r}; the course has "
                           f"{', '.join(ASSIGNMENT_FOLDERS)} (cases/__init__.py)")
    if not key.isidentifier() or not key.islower():
        raise NewCaseError(f"the key {key!r} must be a lower-case Python name, such as "
                           "'loss_wrt_bias': it names the folder, the test cells' case and "
                           "the notebook")
    listing = cases_dir / assignment / "__init__.py"
    listed = _listed(listing)
    folder = cases_dir / assignment / key
    if key in listed or folder.exists():
        raise NewCaseError(f"cases/{assignment}/{key} exists already, or is listed in "
                           f"cases/{assignment}/__init__.py")
    values = {"key": key, "assignment": assignment,
              "notebook": f"{len(listed) + 1:02d}_{key}"}
    folder.mkdir()
    written = []
    for name in FILES:
        template = string.Template((TEMPLATE / f"{name}.tmpl").read_text())
        (folder / name).write_text(template.substitute(values))
        written.append(folder / name)
    _list(listing, [*listed, key])
    return [*written, listing]


def _listed(listing: Path) -> list[str]:
    """The case folders ``CASE_FOLDERS`` lists in an assignment's ``__init__.py``."""
    node = _case_folders(listing)
    return list(ast.literal_eval(node.value))


def _list(listing: Path, keys: list[str]) -> None:
    """Rewrite the tuple of ``CASE_FOLDERS`` in ``listing`` as ``keys``, leaving the rest."""
    node = _case_folders(listing)
    lines = listing.read_text().splitlines(keepends=True)
    start = sum(map(len, lines[:node.value.lineno - 1])) + node.value.col_offset
    end = sum(map(len, lines[:node.value.end_lineno - 1])) + node.value.end_col_offset
    text = "".join(lines)
    items, rows, row = [f'"{key}"' for key in keys], [], ""
    for item in items:
        if row and len(row) + len(item) + 2 > 80:
            rows.append(row.rstrip())
            row = ""
        row += item + ", "
    rows.append(row.rstrip().rstrip(",") + ("," if len(items) == 1 else ""))
    indent = " " * (node.value.col_offset + 1)
    listing.write_text(text[:start] + "(" + ("\n" + indent).join(rows) + ")" + text[end:])


def _case_folders(listing: Path) -> ast.Assign:
    for node in ast.parse(listing.read_text()).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "CASE_FOLDERS"
                and isinstance(node.value, ast.Tuple)):
            return node
    raise NewCaseError(f"{listing} must set CASE_FOLDERS = (...), the tuple of its case folders")


def next_steps(assignment: str, key: str) -> str:
    """What the instructor does after :func:`new_case`."""
    folder = f"cases/{assignment}/{key}"
    return (f"Wrote {folder}/ (math.py, text.py, answers.py) and listed {key!r} last in "
            f"cases/{assignment}/__init__.py. Next: replace every TO DO in {folder}/math.py "
            f"and {folder}/text.py, write its answers in {folder}/answers.py, then run "
            "`make notebooks` (it names every placeholder left) and `make test`.")
