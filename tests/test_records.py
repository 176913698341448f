"""The grader's records (:mod:`autograder.typed_json`): versioned, checked on read, and a
record the grader cannot read is reported without stopping anything.

The records: the verdicts and findings in autograded notebooks
(:mod:`autograder.verify.records`), the grading state ``.autograder/<assignment>.json``
(:mod:`autograder.grading.state`) and the flagged-mark files (:mod:`autograder.flag_mark`,
tested in ``tests/test_flag_mark.py``).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.cli import main
from autograder.grading.outcome import NotebookFailure, Outcome
from autograder.grading.state import StudentRecord, load_state, save_state, state_path
from autograder.numdiff import NumericalDifferentiation
from autograder.report.mistakes import failed_cells
from autograder.typed_json import SCHEMA_VERSION, VERSION_KEY, RecordError, read_stamped, stamped
from autograder.verify.records import (
    GRADER_RECORDS,
    METADATA_KEY,
    CellRecord,
    FlagMark,
    IntegrityFinding,
    NotebookRecord,
    cell_record,
    graded_functions,
    notebook_flags,
    notebook_record,
    set_cell_record,
    set_notebook_record,
    update_notebook_record,
)
from cases.jacobians import ASSIGNMENT
from course.workspace import copy_course, run

RECORDS = {"ann": StudentRecord("abc", Outcome(
    "ann", "partial", 12.0, 20.0, [NotebookFailure("02", "died")], ["01"]), inputs={"s": "1"})}

CELL = CellRecord("tanh", False, False, "values", "wrong_values", "sign_flipped", None)


def _state_text(tmp_path: Path) -> str:
    save_state(tmp_path, "hw", RECORDS)
    return state_path(tmp_path, "hw").read_text()


def _edited(text: str, **changes: object) -> str:
    data = json.loads(text)
    data.update(changes)
    return json.dumps({key: value for key, value in data.items() if value is not None})


# --- the grading state ---------------------------------------------------------------------------

def test_the_state_file_is_versioned_and_round_trips(tmp_path):
    data = json.loads(_state_text(tmp_path))
    assert data[VERSION_KEY] == SCHEMA_VERSION
    assert load_state(tmp_path, "hw", on_problem=pytest.fail) == RECORDS
    assert load_state(tmp_path, "never graded", on_problem=pytest.fail) == {}
    assert sorted(path.name for path in state_path(tmp_path, "hw").parent.iterdir()) == [
        "hw.json"]  # no temporary file left


@pytest.mark.parametrize("change, reason", [
    (lambda text: _edited(text, schema_version=None), "schema_version None"),  # before versions
    (lambda text: _edited(text, schema_version=SCHEMA_VERSION + 1), "schema_version 2"),
    (lambda text: json.dumps({"students": [], "results": "x"}), "schema_version None"),
    (lambda text: _edited(text, students={"ann": {"fingerprint": 3}}), "students['ann']"),
    (lambda text: text.replace('"partial"', '"lost"'), ".status"),
    (lambda text: text.replace('"score": 12.0', '"score": "12"'), ".score"),
    (lambda text: _edited(text, extra=1), "unknown field 'extra'"),
    (lambda text: text[:len(text) // 2], "not JSON"),  # a write cut short
    (lambda text: "\ufeff", "not JSON"),
    (lambda text: "[" * 100_000, "not JSON"),  # deeper than the parser goes
    (lambda text: "[]", "not an object"),
])
def test_a_state_file_the_grader_cannot_read_is_reported_and_read_as_none(
        tmp_path, change, reason):
    path = state_path(tmp_path, "hw")
    path.write_text(change(_state_text(tmp_path)), encoding="utf-8")
    problems: list[str] = []
    assert load_state(tmp_path, "hw", on_problem=problems.append) == {}
    [problem] = problems
    assert str(path) in problem and reason in problem
    save_state(tmp_path, "hw", RECORDS)  # the next grading replaces it
    assert load_state(tmp_path, "hw", on_problem=pytest.fail) == RECORDS


def test_a_state_path_that_is_no_file_is_reported_and_never_followed(tmp_path):
    secret = tmp_path / "elsewhere.json"
    secret.write_text(_state_text(tmp_path))
    path = state_path(tmp_path, "hw")
    path.unlink()
    path.symlink_to(secret)
    problems: list[str] = []
    assert load_state(tmp_path, "hw", on_problem=problems.append) == {}
    assert len(problems) == 1 and str(path) in problems[0]
    path.unlink()
    path.mkdir()
    assert load_state(tmp_path, "hw", on_problem=problems.append) == {}
    assert len(problems) == 2 and str(path) in problems[1]


def test_an_outcome_that_is_not_one_is_refused_with_where():
    good = Outcome("ann", "graded", 1.0, 2.0).to_json()
    assert Outcome.from_json(good) == Outcome("ann", "graded", 1.0, 2.0)
    with pytest.raises(RecordError, match=r"the outcome\.failures\[0\]"):
        Outcome.from_json({**good, "failures": [{"notebook": "01"}]})


# --- records in notebooks ------------------------------------------------------------------------

def _graded_notebook() -> nbformat.NotebookNode:
    nb = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("check(da_dh)")])
    nb.cells[1].outputs = [nbformat.v4.new_output("error", ename="JacobianCheckError",
                                                  evalue="Wrong.", traceback=[])]
    nb.cells[1].metadata["nbgrader"] = {"grade": True, "grade_id": "test_values"}
    set_cell_record(nb.cells[1], CELL)
    set_notebook_record(nb, NotebookRecord(
        integrity=(IntegrityFinding("grader_import", "2", "imports the grader"),),
        stopped=None, sandbox=True,
        numerical_diff=(NumericalDifferentiation("da_dh", "cell 2", "np.gradient"),),
        flagged=FlagMark(("integrity: imports the grader",), "flagged", True)))
    return nb


def test_notebook_records_are_versioned_and_round_trip_through_the_file_format(tmp_path):
    path = tmp_path / "graded.ipynb"
    nbformat.write(_graded_notebook(), path)
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[1].metadata[METADATA_KEY][VERSION_KEY] == SCHEMA_VERSION
    assert cell_record(nb.cells[1]) == CELL
    assert notebook_record(nb) == notebook_record(_graded_notebook())
    assert notebook_record(nb).flagged == FlagMark(("integrity: imports the grader",),
                                                  "flagged", True)
    assert update_notebook_record(nb, stopped="died").integrity == notebook_record(
        _graded_notebook()).integrity
    assert [flag.kind for flag in notebook_flags(nb)] == ["integrity", "numerical_diff",
                                                          "stopped"]
    assert graded_functions(nb) == ["da_dh"]


@pytest.mark.parametrize("record, reason", [
    ({**stamped(CELL), VERSION_KEY: 0}, "schema_version 0"),
    ({"case": "tanh", "passed": True, "hidden": False}, "schema_version None"),  # a foreign one
    ({**stamped(CELL), "passed": "yes"}, ".passed"),
    ({**stamped(CELL), "case": ["tanh"]}, ".case"),
    ({VERSION_KEY: SCHEMA_VERSION}, "'case' is missing"),
    ("timed_out", "not an object"),
])
def test_a_cell_record_the_grader_cannot_read_is_flagged_and_read_as_none(record, reason):
    nb = _graded_notebook()
    nb.cells[1].metadata[METADATA_KEY] = record
    assert cell_record(nb.cells[1]) is None
    [unread] = [flag for flag in notebook_flags(nb) if flag.kind == GRADER_RECORDS]
    assert "the record of cell 2" in unread.detail and reason in unread.detail
    assert graded_functions(nb) == []
    [failed] = failed_cells("ann", "05_tanh", nb)  # counted by its error, as an unrecorded cell
    assert (failed.ename, failed.verdict) == ("JacobianCheckError", None)


def test_a_notebook_record_the_grader_cannot_read_is_flagged_and_read_as_empty():
    nb = _graded_notebook()
    nb.metadata[METADATA_KEY] = {**nb.metadata[METADATA_KEY], "sandbox": "maybe"}
    assert notebook_record(nb) == NotebookRecord()
    assert [(flag.kind, "the notebook's record.sandbox" in flag.detail)
            for flag in notebook_flags(nb)] == [(GRADER_RECORDS, True)]
    assert cell_record(nb.cells[1]) == CELL  # the cells' records are read still


def test_read_stamped_refuses_what_is_no_object():
    with pytest.raises(RecordError, match="the record is not an object"):
        read_stamped(CellRecord, [stamped(CELL)], "the record")


# --- a real graded course ------------------------------------------------------------------

@pytest.mark.nbgrader
def test_old_and_foreign_records_in_a_graded_course_stop_neither_grade_nor_report(
        graded_class, tmp_path):
    course = copy_course(graded_class.parallel, tmp_path / "course")
    state = state_path(course, ASSIGNMENT)
    state.write_text(_edited(state.read_text(), schema_version=None))  # before versions
    notebook = sorted((course / "autograded" / "untouched" / ASSIGNMENT).glob("*.ipynb"))[0]
    nb = nbformat.read(notebook, as_version=4)
    test_cell = next(cell for cell in nb.cells if METADATA_KEY in cell.metadata)
    test_cell.metadata[METADATA_KEY] = {"case": "tanh", "passed": "yes"}  # not the grader's
    nbformat.write(nb, notebook)

    grading = run(course, "autograder", "grade", ASSIGNMENT, "--student", "solution")
    assert f"warning: the grading records are not read: {state}" in grading.stderr
    graded = load_state(course, ASSIGNMENT, on_problem=pytest.fail)  # replaced, readable
    assert graded["solution"].outcome.status == "graded"

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        assert main(["report", ASSIGNMENT, "--course-dir", str(course)]) == 0
    assert stderr.getvalue() == ""
    with (course / "reports" / f"{ASSIGNMENT}-problems.csv").open(newline="") as file:
        rows = [row for row in csv.DictReader(file) if row["kind"] == GRADER_RECORDS]
    assert [(row["student"], row["notebook"]) for row in rows] == [
        ("untouched", notebook.stem)]
    assert "schema_version None" in rows[0]["detail"]
    assert os.path.exists(course / "reports" / f"{ASSIGNMENT}.html")
