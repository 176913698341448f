"""The examples in the docstrings run, and say what the code does.

Every module of the student package (``student/jacobian_checks``) and of the grader
(``autograder/``), ``__main__`` modules aside, is imported and its docstrings' examples are
run with :mod:`doctest`. So that the examples cannot vanish unnoticed, the modules whose
public functions are documented by example must still hold some, and every function the
student package exports must show one.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
from types import ModuleType

import pytest

import autograder
import jacobian_checks

PACKAGES = (jacobian_checks, autograder)

DOCUMENTED = {
    "jacobian_checks.checks", "jacobian_checks.coerce", "jacobian_checks.compare",
    "jacobian_checks.hidden_messages", "jacobian_checks.layout", "jacobian_checks.probe",
    "jacobian_checks.verdicts", "autograder.expectation", "autograder.late_penalty",
    "autograder.verify.judge", "autograder.verify.plan", "autograder.verify.replies",
}
"""Modules whose public functions carry examples: each must keep some."""


def module_names(packages: tuple[ModuleType, ...] = PACKAGES) -> list[str]:
    """Every module and subpackage of ``packages`` (themselves included), but ``__main__``."""
    names = []
    for package in packages:
        names.append(package.__name__)
        names += [info.name for info in pkgutil.walk_packages(package.__path__,
                                                               f"{package.__name__}.")
                  if info.name.rsplit(".", 1)[-1] != "__main__"]
    return sorted(names)


def run_examples(module: ModuleType) -> tuple[doctest.TestResults, str]:
    """Run the examples of ``module``'s own docstrings: the results, and doctest's report of
    the failures."""
    report: list[str] = []
    runner = doctest.DocTestRunner(verbose=False)
    for test in doctest.DocTestFinder(exclude_empty=True).find(module):
        runner.run(test, out=report.append)
    return doctest.TestResults(runner.failures, runner.tries), "".join(report)


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[doctest.TestResults, str]]:
    return {name: run_examples(importlib.import_module(name)) for name in module_names()}


def test_every_example_gives_what_its_docstring_shows(results):
    failed = {name: report for name, (outcome, report) in results.items() if outcome.failed}
    assert not failed, "\n".join(f"{name}:\n{report}" for name, report in failed.items())


def test_the_documented_modules_keep_their_examples(results):
    assert DOCUMENTED <= results.keys()  # a renamed module is renamed here too
    bare = sorted(name for name in DOCUMENTED if results[name][0].attempted == 0)
    assert not bare, f"these modules lost their examples: {bare}"


def test_every_function_the_student_package_exports_shows_an_example():
    finder = doctest.DocTestFinder(recurse=False)
    functions = [name for name in jacobian_checks.__all__
                 if callable(getattr(jacobian_checks, name))
                 and not isinstance(getattr(jacobian_checks, name), type)]
    assert functions
    bare = [name for name in functions
            if not any(test.examples for test in finder.find(getattr(jacobian_checks, name),
                                                              name))]
    assert not bare, f"exported without an example: {bare}"


def test_a_wrong_example_fails(tmp_path):
    """The runner reports an example whose output differs from what its docstring shows."""
    path = tmp_path / "wrong_example.py"
    path.write_text('def double(x):\n    """\n    >>> double(2)\n    5\n    """\n'
                    '    return 2 * x\n')
    spec = importlib.util.spec_from_file_location("wrong_example", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    outcome, report = run_examples(module)
    assert outcome == (1, 1)
    assert "Expected:\n    5\nGot:\n    4" in report
