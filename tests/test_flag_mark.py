"""The grader's use of nbgrader's ``flagged`` mark (:mod:`autograder.flag_mark`), and where its
findings are read: the notebook's records, the grading summary and the report's problems."""

from __future__ import annotations

import pytest

from autograder.flag_mark import Decision, Mark, MarkRead, MarkRecord, decide, note_text
from autograder.grading.outcome import NotebookFlag, Outcome
from autograder.grading.run import GradeRun
from autograder.grading.summary import format_summary
from autograder.numdiff import NumericalDifferentiation
from autograder.report.contents import collect_report
from autograder.typed_json import stamped
from autograder.verify.records import (
    GRADER_RECORDS,
    NUMERICAL_DIFF,
    CellRecord,
    Flag,
    NotebookRecord,
    graded_functions,
    notebook_flags,
)

FOUND = ("numerical_diff: dloss_dyhat differentiates numerically",)
OTHER = ("integrity: test cell 'x' passed in the student's kernel, but ...",)


def test_findings_flag_a_notebook_nobody_flagged_and_the_grader_records_it():
    assert decide(False, None, FOUND) == Decision(True, Mark(True, FOUND), "flagged")


def test_a_regrade_without_findings_clears_the_graders_flag_only():
    assert decide(True, Mark(True, FOUND), ()) == Decision(
        False, None, "the grader's flag was cleared: its findings are gone")
    assert decide(True, None, ()) == Decision(True, None, "")  # a human's flag
    assert decide(True, Mark(False, FOUND), ()) == Decision(True, None, "")  # theirs first
    assert decide(False, None, ()) == Decision(False, None, "")


def test_a_flag_set_by_hand_before_the_findings_stays_the_instructors():
    decision = decide(True, None, FOUND)
    assert decision.flagged and decision.mark == Mark(False, FOUND)
    assert "left to you" in decision.note
    assert decide(True, decision.mark, FOUND).mark == Mark(False, FOUND)
    assert decide(True, decision.mark, ()) == Decision(True, None, "")


def test_the_same_findings_leave_the_mark_as_the_instructor_left_it():
    cleared = decide(False, Mark(True, FOUND), FOUND)
    assert cleared.flagged is False and cleared.mark == Mark(True, FOUND)
    assert "cleared since" in cleared.note
    assert decide(True, Mark(True, FOUND), FOUND) == Decision(True, Mark(True, FOUND),
                                                              "flagged")
    assert decide(False, Mark(True, FOUND), FOUND + OTHER) == Decision(
        True, Mark(True, FOUND + OTHER), "flagged")  # something new: flagged again


def test_the_record_is_a_file_per_submitted_notebook_of_this_gradebook(tmp_path):
    record = MarkRecord(tmp_path, "jacobians", "ann/../../x\n", "01_a")
    assert record.read("id1") == MarkRead(None) and not record.exists()
    record.write("id1", Mark(True, FOUND))
    assert MarkRecord(tmp_path, "jacobians", "ann/../../x\n", "01_a").read("id1") == MarkRead(
        Mark(True, FOUND))
    assert record.read("id2") == MarkRead(None)  # a record made with another gradebook
    assert MarkRecord(tmp_path, "jacobians", "ann", "01_a").read("id1") == MarkRead(None)
    assert record.path.parent == tmp_path / ".autograder" / "flags"
    assert list(record.path.parent.iterdir()) == [record.path]  # no temporary file left
    record.write("id1", None)
    assert not record.exists()


@pytest.mark.parametrize("text", [
    "{not json",
    '{"submission": "id1", "set_by_grader": true, "reasons": []}',  # before versions
    '{"schema_version": 99, "submission": "id1", "set_by_grader": true, "reasons": []}',
    '{"schema_version": 1, "submission": "id1", "set_by_grader": "yes", "reasons": []}',
    '[1, 2]'])
def test_a_record_the_grader_cannot_read_is_reported_and_not_applied(tmp_path, text):
    record = MarkRecord(tmp_path, "jacobians", "ann", "01_a")
    record.write("id1", Mark(True, FOUND))
    record.path.write_text(text)
    read = record.read("id1")
    assert read.mark is None
    assert read.problem is not None and str(record.path) in read.problem
    record.write("id1", Mark(False, OTHER))  # grading replaces it
    assert record.read("id1") == MarkRead(Mark(False, OTHER))


def test_the_note_lists_every_reason():
    assert note_text(FOUND + OTHER, Decision(True, Mark(True, FOUND + OTHER), "flagged")) == (
        "Flagged for the instructor by the grader (the formgrader's \"Flagged?\" mark: flagged). "
        "Flags change no score; students do not see this note.\n"
        f"- {FOUND[0]}\n- {OTHER[0]}\n")
    assert note_text((), decide(True, Mark(True, FOUND), ())).startswith(
        "Not flagged by the grader (the grader's flag was cleared")


def test_the_notebooks_record_is_a_flag_and_a_malformed_one_is_reported_unread():
    detail = "da_dh differentiates numerically (cell 7, line 3): ..."
    found = {"function": "da_dh", "where": "cell 7, line 3", "detail": detail}
    notebook = {"metadata": {"autograder": {"schema_version": 1, NUMERICAL_DIFF: [found]}}}
    assert notebook_flags(notebook) == [Flag(NUMERICAL_DIFF, detail)]
    notebook["metadata"]["autograder"][NUMERICAL_DIFF].append("junk")
    [flag] = notebook_flags(notebook)
    assert flag.kind == GRADER_RECORDS and f"{NUMERICAL_DIFF}[1]" in flag.detail


def test_the_summary_names_numerical_differentiation_and_counts_flagged_notebooks():
    flag = NotebookFlag("05_tanh", NUMERICAL_DIFF, "da_dh differentiates numerically (...)")
    run = GradeRun(outcomes=[Outcome("ann", "graded", 24, 24, flags=[flag]),
                             Outcome("bob", "graded", 24, 24)], seconds=3,
                   where="with 2 worker(s)")
    lines = format_summary(run).splitlines()
    assert lines[1:4] == [
        "Numerical differentiation (scored as any answer; look at these notebooks):",
        "  ann: 05_tanh: da_dh differentiates numerically (...)",
        "Flagged for you in the formgrader (its \"Flagged?\" column; the reason is atop each "
        "autograded notebook): 1 notebook(s).",
    ]
    assert "bob" not in format_summary(run)


def test_the_report_lists_numerical_differentiation_among_the_findings():
    detail = "da_dh differentiates numerically (cell 7, line 3): ..."
    notebooks = {("ann", "05_tanh"): {"cells": [], "metadata": {"autograder": stamped(
        NotebookRecord(numerical_diff=(NumericalDifferentiation("da_dh", "cell 7, line 3",
                                                                detail),)))}},
        ("bob", "05_tanh"): {"cells": [], "metadata": {"autograder": stamped(
            NotebookRecord())}}}
    report = collect_report("backprop", [], {}, notebooks, records={})
    assert [(p.student, p.notebook, p.kind, p.detail, p.in_run) for p in report.problems] == [
        ("ann", "05_tanh", NUMERICAL_DIFF, detail, False)]


def test_the_graded_functions_are_read_from_the_graders_records_on_test_cells():
    notebook = {"cells": [
        {"metadata": {"autograder": stamped(CellRecord("tanh", True, False))}},
        {"metadata": {"autograder": stamped(CellRecord("tanh", False, True))}},
        {"metadata": {"autograder": stamped(CellRecord("no such case", False, False))}},
        {"metadata": {"autograder": {"case": "softmax", "passed": True}}},  # no version
        {"metadata": {"autograder": "junk"}}, {"metadata": {}}]}
    assert graded_functions(notebook) == ["da_dh"]
    assert graded_functions({"cells": []}) == []
