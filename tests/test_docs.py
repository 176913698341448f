"""What README.md and docs/ name exists: files and folders of the repository, modules, make
targets, and the subcommands and options of ``python -m autograder`` / ``python -m course``.

A rename that leaves the docs behind fails here, naming the document, the line and the name.
Only code spans are read (```inline``` and fenced blocks): prose may mention anything.
What the kit creates at run time (``.autograder/``, ``submitted/``, ``exports/``, absolute
paths of a grading machine, ...) is not the repository's and is not looked for.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import runpy
import shlex
import subprocess
import sys
from collections.abc import Iterator
from fnmatch import fnmatch
from functools import cache
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parent.parent

DOCUMENTS = ["README.md", *sorted(p.relative_to(ROOT).as_posix()
                                  for p in (ROOT / "docs").glob("*.md"))]
"""The documents checked: the README and every page of ``docs/``."""

RUN_TIME = {"submitted", "autograded", "feedback", "downloaded", "exports", "dist", "inbound",
            "extracted", "outbound", "grader", "archive", "exchange", "gradebook.db"}
"""First path components that name what the kit or nbgrader creates in a course directory."""

FILE = re.compile(r"[\w.<>*{}|-]+(/[\w.<>*{}|-]*)*")
"""A code span that is a path, relative or bare (``course/demo.py``, ``kernels/``, ``case.py``)."""

SOURCE = (".py", ".j2", ".tmpl", ".md", ".toml")
"""Suffixes of the repository's own files: a bare name with one of them is looked for.
(Other bare names, ``requirements.txt`` or ``01.ipynb``, are mostly what a bundle or an LMS
holds.)"""

MODULE = re.compile(r"(autograder|course|cases|jacobian_checks|tests)(\.\w+)+")
"""A dotted name of one of the project's packages (a module, or an attribute of one)."""

FILE_SUFFIXES = {"json", "npz", "py", "md", "toml", "csv", "html", "j2", "zip", "ipynb", "txt",
                 "log", "db"}
"""What ends a file's name rather than a module's (``cases.json``)."""

COMMAND = re.compile(r"python -m (autograder|course)\b(.*)")
"""A command line of the instructor tools (a subcommand and its options)."""


@cache
def tracked() -> tuple[PurePosixPath, ...]:
    """The repository's files (as git tracks them) and every folder above one."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    paths = {PurePosixPath(name) for name in listed}
    paths |= {parent for path in paths for parent in path.parents if str(parent) != "."}
    return tuple(sorted(paths))


def code_spans(text: str) -> Iterator[tuple[int, str]]:
    """Every inline code span and every line of a fenced block, with its line number."""
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            yield number, line.strip()
        else:
            for span in re.findall(r"`([^`\n]+)`", line):
                yield number, span.strip()


def _pattern(part: str) -> str:
    """A path component as a glob: ``<key>``, ``ASSIGNMENT`` and ``{a,b}`` stand for any name."""
    if re.fullmatch(r"[A-Z][A-Z_]+", part):
        return "*"
    return re.sub(r"<[^>]*>|\{[^}]*\}", "*", part)


def path_exists(span: str) -> bool:
    """Whether a path named in the docs is, or ends, a path of the repository.

    A path may start anywhere (``report/templates/`` is ``autograder/report/templates/``);
    placeholders match any name.
    """
    parts = [_pattern(part) for part in PurePosixPath(span).parts]
    for path in tracked():
        tail = path.parts[-len(parts):]
        if len(tail) == len(parts) and all(
                fnmatch(name, part) for name, part in zip(tail, parts, strict=True)):
            return True
    return False


def is_repository_path(span: str) -> bool:
    """Whether a code span names a file or folder of the repository (rather than a run's, a
    bundle's or an LMS download's): a path from one of the repository's top folders, or a
    source file's name."""
    if not FILE.fullmatch(span) or span.startswith((".", "/", "-")) or "|" in span:
        return False
    first = PurePosixPath(span).parts[0]
    if first in RUN_TIME:
        return False
    if "/" in span:
        return first in {path.parts[0] for path in tracked()} or span.endswith(SOURCE)
    return span.endswith(SOURCE)


def module_exists(dotted: str) -> bool:
    """Whether a dotted name is a module of the project or an attribute of one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        name = ".".join(parts[:cut])
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if found:
            target: object = importlib.import_module(name)
            for attribute in parts[cut:]:
                if not hasattr(target, attribute):
                    return False
                target = getattr(target, attribute)
            return True
    return False


def make_targets() -> set[str]:
    """The targets the Makefile defines."""
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([\w.-]+):", text, flags=re.M))


@cache
def command_help(package: str, subcommand: str) -> str | None:
    """The ``--help`` text of ``python -m PACKAGE SUBCOMMAND``, or None when there is none."""
    out = io.StringIO()
    argv = sys.argv
    sys.argv = [f"python -m {package}", subcommand, "--help"]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            runpy.run_module(package, run_name="__main__", alter_sys=False)
    except SystemExit as stop:
        if stop.code not in (0, None):
            return None
    finally:
        sys.argv = argv
    return out.getvalue()


def command_problem(package: str, arguments: str) -> str | None:
    """What is wrong with a documented command line, or None when its subcommand and options
    exist."""
    try:
        words = shlex.split(arguments.split("#")[0])
    except ValueError:
        words = arguments.split()
    words = [word for word in words if word not in ("\\", "...")]
    if not words or words[0].startswith("-"):
        return None  # ``python -m autograder`` alone, or its global --help
    subcommand = words[0]
    if not re.fullmatch(r"[a-z][a-z-]*", subcommand):
        return None  # a placeholder, as in ``python -m autograder COMMAND``
    text = command_help(package, subcommand)
    if text is None:
        return f"python -m {package} has no subcommand {subcommand!r}"
    options = {word.split("=")[0] for word in words[1:]
               if word.startswith("--") and "." not in word.split("=")[0]}  # not a traitlet
    missing = sorted(option for option in options
                     if not re.search(re.escape(option) + r"\b", text))
    if missing:
        return f"python -m {package} {subcommand} has no option {', '.join(missing)}"
    return None


def problems(document: str, text: str) -> list[str]:
    """Every name in a document's text that does not exist, as ``document:line: what``."""
    found = []
    targets = make_targets()
    for number, span in code_spans(text):
        where = f"{document}:{number}"
        for package, arguments in COMMAND.findall(span):
            problem = command_problem(package, arguments)
            if problem:
                found.append(f"{where}: {problem}")
        for target in re.findall(r"\bmake ((?:[\w-]+\s*)+)", span):
            for name in target.split():
                if name.isupper() or "=" in name:
                    continue
                if name not in targets:
                    found.append(f"{where}: the Makefile has no target {name!r}")
        for match in re.finditer(r"(?<![\w/.])(?:" + MODULE.pattern + r")(?![\w/])", span):
            dotted = match.group(0).rstrip(".")
            if dotted.rsplit(".", 1)[-1] in FILE_SUFFIXES:
                continue  # a file's name, as ``cases.json``
            if not module_exists(dotted):
                found.append(f"{where}: no module or attribute {dotted}")
        if is_repository_path(span) and not path_exists(span.rstrip("/") or span):
            found.append(f"{where}: no file or folder {span}")
    return found


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_name_in_the_docs_exists(document):
    assert problems(document, (ROOT / document).read_text()) == []


def test_the_check_finds_what_is_stale():
    """The check rejects a renamed file, a removed module, target, subcommand and option, and
    accepts the same kinds of names when they exist, placeholders included."""
    page = (
        "Good: `autograder/cli.py`, `report/templates/`, `course_config.py`, "
        "`course/<key>.py`, `autograder.course_config.with_scripts_on_path`, `make test`,\n"
        "`python -m autograder grade jacobians --jobs 2`, `python -m autograder COMMAND`, "
        "`python -m autograder grade jacobians --Execute.timeout=30`,\n"
        "`submitted/<student>/`, `/etc/shadow`, `.autograder/jacobians.json`.\n"
        "Stale: `autograder/clli.py`, `collectorz.py`, `autograder.no_such_module`,\n"
        "`autograder.course_config.no_such_name`, `make no-such-target`, `cases.json`,\n"
        "```\npython -m autograder regrade jacobians\n"
        "python -m autograder grade jacobians --no-such-option\n```\n")
    assert problems("page.md", page) == [
        "page.md:4: no file or folder autograder/clli.py",
        "page.md:4: no file or folder collectorz.py",
        "page.md:4: no module or attribute autograder.no_such_module",
        "page.md:5: no module or attribute autograder.course_config.no_such_name",
        "page.md:5: the Makefile has no target 'no-such-target'",
        "page.md:7: python -m autograder has no subcommand 'regrade'",
        "page.md:8: python -m autograder grade has no option --no-such-option",
    ]
