"""A submission's code as one program: its cells and ``.py`` files, parsed, and what a
function reaches.

Only the submission's own text is read (the notebook's cells as submitted, the files beside
it); nothing is run and no kernel is asked. Names are resolved as the kernel would at the time
the grader calls a function: a name bound several times at the top level of the notebook is
its last binding, in cell order.
"""

from __future__ import annotations

import ast
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

NOTEBOOK = ""
"""The namespace of the notebook's cells (others are the modules of the submitted files)."""

MAX_CHARS = 1_000_000
"""Characters of code read from one submission; the rest is not read."""

MAX_FILES, MAX_FILE_BYTES = 32, 256 * 1024
"""Submitted ``.py`` files read beside a notebook, and bytes read of each."""

CELL_MAGICS_OF_PYTHON = ("%%time", "%%timeit", "%%capture", "%%prun")
"""Cell magics whose body is Python that the kernel runs."""


@dataclass(frozen=True)
class Source:
    """One piece of the submission's code.

    ``where`` names it for an instructor (``"cell 6 (dloss_dyhat)"``, ``"helpers.py"``);
    ``module`` is :data:`NOTEBOOK` for a cell, else the module name of a submitted file.
    """

    where: str
    text: str
    module: str = NOTEBOOK


@dataclass(frozen=True)
class Definition:
    """The statement that binds a top-level name (a ``def``, ``class`` or assignment)."""

    node: ast.AST
    source: Source


@dataclass
class Program:
    """The parsed sources: top-level bindings, top-level statements and imports, per module."""

    definitions: dict[tuple[str, str], Definition] = field(default_factory=dict)
    statements: dict[str, list[ast.stmt]] = field(default_factory=dict)
    imports: dict[tuple[str, str], str] = field(default_factory=dict)
    """``{(module, name): dotted name}``: ``np`` -> ``numpy``, ``g`` -> ``numpy.gradient``."""

    @classmethod
    def parse(cls, sources: list[Source]) -> Program:
        """The program of ``sources`` (in order); a source that does not parse is skipped,
        as the kernel skips a cell with a syntax error."""
        program, budget = cls(), MAX_CHARS
        for source in sources:
            budget -= len(source.text)
            tree = _parse(source.text) if budget >= 0 else None
            if tree is not None:
                program._add(tree, source)
        return program

    def _add(self, tree: ast.Module, source: Source) -> None:
        module = source.module
        self.statements.setdefault(module, []).extend(tree.body)
        for statement in tree.body:
            for name, node in _bindings(statement):
                self.definitions[module, name] = Definition(node, source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                self.imports.update({(module, name): dotted
                                     for name, dotted in _imported(node)})

    def dotted(self, module: str, node: ast.expr) -> str | None:
        """``numpy.gradient`` for ``np.gradient`` after ``import numpy as np``, or ``None``."""
        if isinstance(node, ast.Attribute):
            base = self.dotted(module, node.value)
            return None if base is None else f"{base}.{node.attr}"
        if isinstance(node, ast.Name):
            return self.imports.get((module, node.id))
        return None

    def reached(self, names: list[str]) -> Iterator[Definition]:
        """The definitions the notebook's ``names`` use, directly or through other names,
        in any cell or submitted module (each once)."""
        todo = [(NOTEBOOK, name) for name in names]
        seen: set[tuple[str, str]] = set()
        while todo:
            key = todo.pop()
            if key in seen:
                continue
            seen.add(key)
            module, name = key
            definition = self.definitions.get(key)
            if definition is not None:
                yield definition
                todo += [(module, used) for used in _names_used(definition.node)]
            todo += self._through_import(self.imports.get(key))

    def _through_import(self, dotted: str | None) -> list[tuple[str, str]]:
        """What an import of a submitted module brings in: a name, or the whole module."""
        if dotted is None:
            return []
        head, _, rest = dotted.partition(".")
        if head not in self.statements or head == NOTEBOOK:
            return []
        if rest:
            return [(head, rest.split(".")[0])]
        return [key for key in self.definitions if key[0] == head]


def notebook_sources(cells: list[dict], folder: Path | None) -> list[Source]:
    """The code cells of a notebook (parsed JSON cells), then the ``.py`` files in
    ``folder``, the notebook's own folder (regular files only, never a link)."""
    sources = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") == "code" and isinstance(cell.get("source"), str):
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            label = f"cell {index + 1}" + (f" ({grade_id})" if isinstance(grade_id, str) else "")
            sources.append(Source(label, cell["source"]))
    return sources + ([] if folder is None else python_files(folder))


def python_files(folder: Path) -> list[Source]:
    """The submitted modules in ``folder``: regular ``*.py`` files, at most
    :data:`MAX_FILES`, each up to :data:`MAX_FILE_BYTES` (a link or special file is never
    opened)."""
    try:
        names = sorted(name for name in os.listdir(folder) if name.endswith(".py"))
    except OSError:
        return []
    sources = []
    for name in names[:MAX_FILES]:
        module = name[:-3]
        if not module.isidentifier():
            continue
        text = _read_regular(folder / name)
        if text is not None:
            sources.append(Source(name, text, module))
    return sources


def _read_regular(path: Path) -> str | None:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return None
        return file.read(MAX_FILE_BYTES).decode("utf-8", errors="replace")


def _parse(text: str) -> ast.Module | None:
    """The cell's Python, line numbers as in the cell; IPython's syntax (magics, ``!``
    commands) turned into calls, and the body of a cell magic that runs Python read."""
    lines = text.split("\n")
    first = next((index for index, line in enumerate(lines) if line.strip()), 0)
    if lines[first].startswith("%%"):
        if lines[first].split()[0] not in CELL_MAGICS_OF_PYTHON:
            return None
        first += 1
    body = "\n".join(lines[first:])
    tree: ast.Module | None
    try:
        tree = ast.parse(body)
    except SyntaxError:
        tree = _parse_ipython(body)
    except (ValueError, RecursionError, MemoryError):  # null bytes, deep nesting
        return None
    return None if tree is None else ast.increment_lineno(tree, first)


def _parse_ipython(body: str) -> ast.Module | None:
    """``body`` with IPython's line magics and ``!`` commands, which keep its lines."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return ast.parse(TransformerManager().transform_cell(body))
    except Exception:  # whatever IPython or the parser make of hostile text: not read
        return None


def _bindings(statement: ast.stmt) -> Iterator[tuple[str, ast.AST]]:
    """The top-level names ``statement`` binds, each with the node that binds it (the
    bodies of ``if``, ``for``, ``try``, ``with`` included; not those of functions)."""
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield statement.name, statement
    elif isinstance(statement, ast.Assign | ast.AnnAssign):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Name):
                    yield node.id, statement
    else:
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(statement, name, []):
                children = child.body if isinstance(child, ast.ExceptHandler | ast.match_case) \
                    else [child]
                for inner in children:
                    if isinstance(inner, ast.stmt):
                        yield from _bindings(inner)


def _imported(node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str]]:
    for alias in node.names:
        if isinstance(node, ast.Import):
            yield (alias.asname or alias.name.split(".")[0]), (
                alias.name if alias.asname else alias.name.split(".")[0])
        elif alias.name != "*":
            yield alias.asname or alias.name, f"{node.module or ''}.{alias.name}".lstrip(".")


def _names_used(node: ast.AST) -> set[str]:
    """The names ``node`` uses, except in checks only (see :func:`only_checks`)."""
    names, todo = set(), [node]
    while todo:
        current = todo.pop()
        if only_checks(current):
            continue
        if isinstance(current, ast.Name):
            names.add(current.id)
        todo += ast.iter_child_nodes(current)
    return names


def only_checks(node: ast.AST) -> bool:
    """Whether ``node`` is an ``assert`` or a ``print(...)``: what it computes is not
    returned (a student may check an analytic answer against a finite difference there)."""
    return isinstance(node, ast.Assert) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        and node.func.id == "print")
