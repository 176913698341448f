"""The three worlds stay apart: the student's package, the grader, and the course builder.

- The student package (``student/jacobian_checks``, what the test cells import in the
  student's kernel) imports NumPy, the standard library and itself, nothing else (and the
  kernel's own IPython, only from code that runs inside it).
- The grader (``autograder/``) never imports the course builder (``course/``), nor a case's
  text or answers: of a case folder it reads ``math.py`` alone (``cases/registry.py``).
  Checked in the source (every import statement, those inside functions too) and by importing
  every grader module in a fresh interpreter and looking at what it loaded (the registry
  imports the cases' math by name).
- A case's ``math.py``, and the shared modules of ``cases/``, import neither ``course`` nor
  another case's text or answers.

The course builder reads everything. What students install, the wheel of the student
package, holds none of a case's answers (``answers.py``), solutions or notebook prose
(``text.py``): built here as the bundle builds it, and read file by file.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest

from course.answer_bank import every_case
from course.bundle import build_wheel
from course.content import TEXTS
from course.workspace import ROOT

FORBIDDEN_IN_GRADER = re.compile(r"^course(\.|$)|^cases\.\w+\.\w+\.(text|answers)$")
"""What the grader must never import."""


def imported(path: Path, root: Path = ROOT) -> set[str]:
    """The absolute names every import statement of ``path`` imports (relative ones resolved
    against its package, ``path``'s folders under ``root``)."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    if path.relative_to(root).parts[0] == "student":
        package = package.removeprefix("student.")
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[:len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            names |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return names


def sources(folder: str) -> list[Path]:
    return sorted(path for path in (ROOT / folder).rglob("*.py") if "__pycache__" not in path.parts)


def test_the_student_package_imports_numpy_the_standard_library_and_itself():
    allowed = set(sys.stdlib_module_names) | {"numpy", "jacobian_checks", "IPython"}
    for path in sources("student/jacobian_checks"):
        outside = {name for name in imported(path) if name.split(".")[0] not in allowed}
        assert not outside, f"{path.relative_to(ROOT)} imports {sorted(outside)}"


@pytest.mark.parametrize("folder", ["autograder", "cases"])
def test_no_grader_source_imports_the_course_or_a_cases_text(folder):
    for path in sources(folder):
        if folder == "cases" and path.name in ("text.py", "answers.py"):
            continue  # the course builder's side of a case folder
        forbidden = {name for name in imported(path) if FORBIDDEN_IN_GRADER.search(name)}
        assert not forbidden, f"{path.relative_to(ROOT)} imports {sorted(forbidden)}"


LOAD_THE_GRADER = """
import importlib, json, pkgutil, sys
import autograder
for module in pkgutil.walk_packages(autograder.__path__, "autograder."):
    if not module.name.endswith(".__main__"):  # a command, run when imported
        importlib.import_module(module.name)
print(json.dumps(sorted(sys.modules)))
"""


def test_the_grader_loaded_whole_holds_no_course_module_and_no_cases_text():
    loaded = json.loads(subprocess.run([sys.executable, "-c", LOAD_THE_GRADER], cwd=ROOT,
                                       capture_output=True, text=True, check=True).stdout)
    assert "cases.registry" in loaded and any(name.endswith(".math") for name in loaded)
    assert not [name for name in loaded if FORBIDDEN_IN_GRADER.search(name)]


def test_the_import_check_sees_the_imports_it_must_refuse(tmp_path):
    """The checker itself: an import of the course inside a function, and relative imports of
    a case's text and of the student package's own modules, are found as what they are."""
    module = tmp_path / "cases" / "jacobians" / "cube" / "math.py"
    module.parent.mkdir(parents=True)
    module.write_text("def f():\n    import course.content\n"
                      "    from ..scalar_wrt_scalar import text\n    from . import answers\n")
    assert {name for name in imported(module, tmp_path)
            if FORBIDDEN_IN_GRADER.search(name)} == {
        "course.content", "cases.jacobians.scalar_wrt_scalar.text", "cases.jacobians.cube.answers"}
    student = tmp_path / "student" / "jacobian_checks" / "checks.py"
    student.parent.mkdir(parents=True)
    student.write_text("from .stored import get_case\nimport scipy\n")
    assert imported(student, tmp_path) == {"jacobian_checks.stored",
                                           "jacobian_checks.stored.get_case", "scipy"}


# --- what students install ------------------------------------------------------------------------

SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)

LONG_ENOUGH = 24
"""Lines shorter than this (``return J``, ``import numpy as np``) are common to any NumPy
code; every longer line of an answer, a solution or the prose is the course's own."""


def secret_lines() -> set[str]:
    """Every line of the course that students must not install: the bank's answers, the
    solutions of the notebooks' graded cells, and the notebooks' prose."""
    answers = [answer.source for bank in every_case()
               for answer in bank.answers + bank.predicted_shapes]
    solutions = [found for text in TEXTS.values()
                 for cell in (text.jacobian_shape, text.function, text.follow_up_code)
                 for found in SOLUTION.findall(cell)]
    prose = [part for text in TEXTS.values()
             for part in (text.math, text.shape_hint, text.code_hint, text.follow_up)]
    return {line.strip() for source in [*answers, *solutions, *prose]
            for line in source.splitlines() if len(line.strip()) >= LONG_ENOUGH}


def leaks(files: Iterable[tuple[str, bytes]], secrets: set[str]) -> dict[str, list[str]]:
    """The secret lines each text file holds, by file name (binary files are not text)."""
    found = {}
    for name, content in files:
        try:
            text = content.decode()
        except UnicodeDecodeError:
            continue
        lines = {line.strip() for line in text.splitlines()}
        if lines & secrets:
            found[name] = sorted(lines & secrets)
    return found


def test_the_wheel_holds_no_answer_no_solution_and_no_notebook_text(tmp_path):
    secrets = secret_lines()
    assert len(secrets) > 100  # the course has answers and texts to hide
    with zipfile.ZipFile(build_wheel(tmp_path)) as wheel:
        files = [(name, wheel.read(name)) for name in wheel.namelist()]
    assert {"jacobian_checks/cases.json", "jacobian_checks/references.npz"} <= dict(files).keys()
    assert not leaks(files, secrets)


def test_the_leak_check_finds_an_answer_or_a_solution_line_planted_in_a_file():
    secrets = secret_lines()
    answer = next(line for line in every_case()[0].answers[0].source.splitlines()
                  if len(line.strip()) >= LONG_ENOUGH)
    solution = next(line for line in SOLUTION.findall(next(iter(TEXTS.values())).function)[0]
                    .splitlines() if len(line.strip()) >= LONG_ENOUGH)
    planted = [("jacobian_checks/a.py", f"x = 1\n{answer}\n".encode()),
               ("jacobian_checks/b.json", f'{{"k": 1}}\n    {solution}\n'.encode()),
               ("jacobian_checks/c.npz", b"\x93NUMPY\xff\xfe" + answer.encode())]
    assert leaks(planted, secrets) == {"jacobian_checks/a.py": [answer.strip()],
                                       "jacobian_checks/b.json": [solution.strip()]}
