"""The course texts: the student version withholds each case's answers, the full version holds
them and reaches the students with the solutions, and every worked example runs."""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.cli import main
from cases.registry import ASSIGNMENTS, CASES, cases_of
from course import documents
from course.content import TEXTS
from course.documents import (
    FULL_NOTEBOOK,
    full_document,
    full_notebook,
    solution_code,
    student_document,
)
from course.workspace import ROOT, copy_course
from tests.fragments import fenced_blocks
from tests.trusted import verdicts


def python_blocks(markdown: str) -> list[str]:
    """The fenced Python blocks of ``markdown``, in order."""
    return fenced_blocks(markdown, "python")[0]


def run_blocks(blocks: list[str], origin: str) -> dict[str, object]:
    """Run ``blocks`` in order in one namespace, as a reader would; their namespace."""
    namespace: dict[str, object] = {"np": np}
    for number, block in enumerate(blocks, start=1):
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(block, f"<{origin}, block {number}>", "exec"), namespace)
    return namespace


def release_markdown() -> dict[str, str]:
    """The Markdown of every release notebook, by path."""
    return {path.relative_to(ROOT).as_posix(): "\n\n".join(
        cell.source for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "markdown")
        for path in sorted((ROOT / "release").glob("*/*.ipynb"))}


@pytest.mark.parametrize("name", sorted(release_markdown()))
def test_every_worked_example_of_a_notebook_runs(name):
    markdown = release_markdown()[name]
    run_blocks(python_blocks(markdown), name)


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
@pytest.mark.parametrize("render", [student_document, full_document], ids=["student", "full"])
def test_every_worked_example_of_a_course_text_runs(assignment, render):
    text = render(assignment)
    blocks = python_blocks(text)
    assert len(blocks) == text.count("```python") > 0
    run_blocks(blocks, f"{render.__name__}({assignment!r})")


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_the_student_text_withholds_what_the_full_text_answers(assignment):
    student, full = student_document(assignment), full_document(assignment)
    withheld = re.findall(r"^\*Released with the solutions: (.+)\.\*$", student, re.M)
    assert len(withheld) >= len(cases_of(assignment))
    assert not re.search(r"<!--|\{\{|(BEGIN|END) SOLUTION|```python\ndef ", student)
    assert not re.search(r"<!--|\{\{|(BEGIN|END) SOLUTION|Released with the solutions", full)
    for case in cases_of(assignment):
        code = solution_code(case.key, assignment)
        assert code in full
        body = [line.strip() for line in code.splitlines()
                if line.startswith("    ") and not line.strip().startswith(('"""', "#"))]
        assert body and not any(line in student for line in body if len(line) > 12), case.key


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_the_full_text_holds_each_solution_and_it_passes_the_grader(case):
    namespace = run_blocks(python_blocks(solution_code(case.key, case.assignment)), case.key)
    found = verdicts(namespace, case)
    assert all(verdict.passed for verdict in found.values()), found


def test_the_full_texts_other_code_is_right():
    """The general contraction of case 4 and the shortcut of the two-layer network, which
    the full texts add to the solutions, agree with the grader and with the chain."""
    namespace = run_blocks(python_blocks(full_document("jacobians")), "jacobians")
    found = verdicts({"dloss_dW": namespace["dloss_dW_general"],
                      "jacobian_shape": lambda B, n, m: (1, n, m)}, CASES["scalar_wrt_matrix"])
    assert all(verdict.passed for verdict in found.values()), found
    backprop = run_blocks(python_blocks(full_document("backprop")), "backprop")
    printed = follow_up(TEXTS["two_layer_network"].follow_up_code, {
        "dloss_dW1": backprop["dloss_dW1"], "shortcut": backprop["dloss_dW1_shortcut"]})
    assert printed == "Your shortcut and your chain agree.\n"


def follow_up(code: str, functions: dict[str, object]) -> str:
    """What the ungraded cell prints after the student wrote ``functions["shortcut"]`` (or
    nothing) and ``functions["dloss_dW1"]``."""
    namespace: dict[str, object] = {"np": np, "dloss_dW1": functions["dloss_dW1"]}
    shortcut = functions.get("shortcut")
    given = code.split("\n\n\n", 1)
    source = code if shortcut is None else given[1]
    if shortcut is not None:
        namespace["dloss_dW1_shortcut"] = shortcut
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(source, "<follow-up>", "exec"), namespace)
    return printed.getvalue()


def _not_written(*arguments: object) -> None:
    raise NotImplementedError


def test_the_ungraded_task_runs_as_given_and_tells_agreement_from_disagreement():
    """nbgrader runs every cell when grading: as given, the cell must not raise, even with
    the graded function not written; once written, it tells a right shortcut from a wrong one."""
    tasks = [case for case in CASES if TEXTS[case].follow_up_code]
    assert tasks
    for key in tasks:
        code = TEXTS[key].follow_up_code
        assert "raise" not in code
        assert follow_up(code, {"dloss_dW1": _not_written}).startswith("Write ")
    code = TEXTS["two_layer_network"].follow_up_code
    chain = run_blocks(python_blocks(full_document("backprop")), "backprop")["dloss_dW1"]
    assert "differ, by up to" in follow_up(code, {
        "dloss_dW1": chain, "shortcut": lambda **args: 2 * chain(**args)})
    assert follow_up(code, {"dloss_dW1": chain, "shortcut": lambda **args: chain(**args)[0]}
                     ).startswith("The shapes differ: (3, 4) (shortcut), (1, 3, 4) (chain).")


def test_a_mark_out_of_place_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "SOURCES", tmp_path)
    for broken in ("<!-- solution: x -->\nunclosed\n",
                   "{{ solution: scalar_wrt_scalar }}\n",
                   "<!-- student -->\nclosed wrongly\n<!-- end solution -->\n"):
        (tmp_path / "jacobians.md").write_text(broken)
        for render in (student_document, full_document):
            with pytest.raises(ValueError, match="out of place"):
                render("jacobians")
    (tmp_path / "jacobians.md").write_text(
        "<!-- solution: the code -->\n{{ solution: softmax }}\n<!-- end solution -->\n")
    with pytest.raises(ValueError, match="no case 'softmax' in jacobians"):
        full_document("jacobians")


def test_the_full_texts_are_in_the_solutions_and_nowhere_students_look_first():
    for assignment in ASSIGNMENTS:
        written = nbformat.read(ROOT / "solutions" / assignment / FULL_NOTEBOOK, as_version=4)
        assert written.cells == full_notebook(assignment).cells
        assert "\n\n".join(cell.source for cell in written.cells) == full_document(
            assignment).strip("\n")
        for directory in ("source", "release"):
            assert not (ROOT / directory / assignment / FULL_NOTEBOOK).exists()


@pytest.mark.nbgrader
def test_release_solutions_ships_the_full_text(generated_course, tmp_path):
    course = copy_course(generated_course, tmp_path / "course")
    for assignment in ASSIGNMENTS:
        solutions = course / "solutions" / assignment
        solutions.mkdir(parents=True)
        for path in sorted((ROOT / "solutions" / assignment).glob("*.ipynb")):
            (solutions / path.name).write_bytes(path.read_bytes())
        out = tmp_path / f"{assignment}.zip"
        with contextlib.redirect_stdout(io.StringIO()):
            status = main(["release-solutions", assignment, "--course-dir", str(course),
                           "--zip", str(out), "--force"])
        assert status == 0
        with zipfile.ZipFile(out) as archive:
            shipped = nbformat.reads(archive.read(f"{assignment}-solutions/{FULL_NOTEBOOK}"),
                                     as_version=4)
        assert "\n\n".join(cell.source for cell in shipped.cells) == full_document(
            assignment).strip("\n")
    assert Path(out).exists()
