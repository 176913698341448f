"""Reading a notebook a student's work produced: bounded in bytes and nesting, never a link.

A notebook is JSON, and Python's parser, ``nbformat``'s validator and every function that
walks the parsed notebook recurse once per level: a 2 KB file nesting a thousand brackets
raises ``RecursionError`` in any of them. Every notebook the grader's processes read that a
student's work produced -- a submitted notebook, a graded one (its outputs come from the
student's kernel), one sent back by a cluster worker -- is read here first: as a file through
:mod:`autograder.submission_files` (no link followed, no special file opened, at most
:data:`~autograder.submission_files.MAX_FILE_BYTES`), and refused, with the reason, when its
JSON nests deeper than :data:`MAX_NESTING` levels (a notebook of this course nests fewer than
ten).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from .submission_files import RefusedFile, read_file

MAX_NESTING = 64
"""The deepest nesting of lists and objects a notebook's JSON may have."""
TOO_DEEP = f"nests lists and objects more than {MAX_NESTING} levels deep"


class NotJSONNotebook(RefusedFile):
    """A notebook file that is not UTF-8 JSON."""


class TooDeepNotebook(RefusedFile):
    """A notebook file whose JSON nests deeper than :data:`MAX_NESTING` levels."""


def parse_notebook_json(data: bytes, name: str) -> Any:
    """The parsed JSON of a notebook file's bytes, nesting at most :data:`MAX_NESTING` levels.

    Raises
    ------
    NotJSONNotebook, TooDeepNotebook
        If ``data`` is not UTF-8 JSON, or nests too deep (both are :class:`RefusedFile`); the
        message names the file (``name``) and says which.
    """
    try:
        parsed = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise TooDeepNotebook(name, TOO_DEEP) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise NotJSONNotebook(name, f"is not valid JSON ({short_reason(exc)})") from None
    if nesting(parsed) > MAX_NESTING:
        raise TooDeepNotebook(name, TOO_DEEP)
    return parsed


def read_notebook_json(folder: Path, path: str) -> Any:
    """The parsed JSON of the notebook file ``folder/path`` (see :func:`parse_notebook_json`),
    read without following a link."""
    return parse_notebook_json(read_file(folder, path), path)


def read_notebook(folder: Path, path: str,
                  as_version: int = 4) -> nbformat.NotebookNode:
    """``nbformat.read`` of the notebook file ``folder/path``, once it is known to be safe to
    parse: a regular file within the bounds, nesting at most :data:`MAX_NESTING` levels.

    Raises
    ------
    RefusedFile
        If it is not (the message says why).
    """
    data = read_file(folder, path)
    parse_notebook_json(data, path)
    return nbformat.reads(data.decode("utf-8"), as_version=as_version)


def nesting(value: Any) -> int:
    """How many levels of lists and dicts ``value`` nests (``0`` for a number or string),
    measured without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(
            item, list) else None
        if children is not None:
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in children
                         if isinstance(child, dict | list))
    return deepest


def short_reason(exc: BaseException) -> str:
    """The first line of an exception's message (its type if it has none), at most 80
    characters."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."
