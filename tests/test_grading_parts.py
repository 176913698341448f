"""The grading command's own logic, without nbgrader: failure reasons, retry, progress,
summary, submission scan and the record of what was graded."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import sqlalchemy
from jupyter_client import BlockingKernelClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.converters import NbGraderException
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import CheckCellMetadata
from nbgrader.preprocessors.execute import UnresponsiveKernelError

from autograder.grading import run as grading_run
from autograder.grading.failures import ConverterError, explain, with_one_retry
from autograder.grading.inputs import what_changed
from autograder.grading.outcome import NotebookFailure, NotebookFlag, Outcome
from autograder.grading.progress import Progress, format_duration, outcome_line, status_line
from autograder.grading.run import GradeRun
from autograder.grading.scan import Finding, ReleasedCell, scan
from autograder.grading.state import (
    StudentRecord,
    fingerprint,
    load_state,
    needs_grading,
    save_state,
)
from autograder.grading.summary import format_summary
from autograder.kernels.fork.client import ZygoteError
from autograder.notebook_files import parse_notebook_json
from autograder.submission_files import read_file
from autograder.terminal import printable
from cases.jacobians import ASSIGNMENT
from course.workspace import copy_course

# --- failure reasons and the retry ---------------------------------------------------------------
# Each failure is a real exception, raised where nbgrader's converters meet it; the reason comes
# from its type (or where it was raised), never from its text.

KERNEL_DIED = ("the kernel died while running the notebook (the student's code crashed or "
               "exited the process)")
BROKEN_METADATA = ("a cell's nbgrader metadata is broken (a graded cell whose grade_id or "
                   "metadata was edited)")
NBGRADER_GAVE_UP = NbGraderException("Please see the the above traceback for details on the "
                                     "specific errors on the above failures.")
"""What nbgrader's converters raise once they caught a submission's exception."""


def raised(action, *args):
    """The exception ``action(*args)`` raises (or, for an exception type, the exception
    itself, raised here), with its traceback."""
    try:
        if isinstance(action, type) and issubclass(action, BaseException):
            raise action(*args)
        action(*args)
    except Exception as exc:
        return exc
    raise AssertionError(f"{action} raised nothing")


def caught(*exceptions, log=()):
    """A converter's run that caught ``exceptions`` (as nbgrader does), then gave up."""
    return ConverterError((*exceptions, NBGRADER_GAVE_UP), tuple(log))


def locked_gradebook(folder):
    """nbgrader's database error: an NbGraderException raised while handling SQLAlchemy's
    error on a gradebook another connection holds locked."""
    database = folder / "gradebook.db"
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("create table grade (score)")
    holder.execute("begin exclusive")
    engine = sqlalchemy.create_engine(f"sqlite:///{database}", connect_args={"timeout": 0})
    try:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("insert into grade values (1)"))
    except sqlalchemy.exc.OperationalError:
        return raised(NbGraderException, "There was an error accessing the nbgrader database.")
    finally:
        engine.dispose()
        holder.close()
    raise AssertionError("the gradebook was not locked")


def kernel_that_never_answers():
    """jupyter_client's own error: a client waits for a kernel that is not there."""
    client = BlockingKernelClient()
    client.load_connection_info({"transport": "tcp", "ip": "127.0.0.1", "shell_port": 1,
                                 "iopub_port": 2, "stdin_port": 3, "hb_port": 4,
                                 "control_port": 5, "key": "", "signature_scheme": "hmac-sha256"})
    client.start_channels(hb=False)  # no heartbeat thread reconnecting meanwhile
    try:
        return raised(client.wait_for_ready, 0)
    finally:
        client.stop_channels()


def notebook_with(metadata):
    return new_notebook(cells=[new_code_cell("check()", metadata={"nbgrader": metadata})])


def test_the_failures_nbgrader_meets_get_a_reason_from_their_type(tmp_path):
    (tmp_path / "link").symlink_to(tmp_path)
    without_grade_id = notebook_with({"grade": True, "solution": False, "locked": True,
                                      "points": 1, "schema_version": 3})
    old_schema = notebook_with({"grade": True, "grade_id": "test_a", "points": 1})
    not_a_notebook = new_notebook(cells=[new_code_cell("x")])
    not_a_notebook.cells[0].outputs = "no list"
    timeout = raised(UnresponsiveKernelError)
    cases = [
        (ConverterError((locked_gradebook(tmp_path),)),
         "the gradebook was busy (sqlite lock)", True),
        (caught(kernel_that_never_answers()), "the kernel failed to start", True),
        (caught(raised(ZygoteError, "the zygote died")), "the kernel failed to start", True),
        (caught(raised(DeadKernelError, "Kernel died")), KERNEL_DIED, False),
        (caught(raised(CellTimeoutError, "timed out")), "a cell ran past the execution "
         "timeout and the kernel could not be interrupted", False),
        (caught(timeout), "a cell ran past the execution timeout and the kernel could not be "
         "interrupted", False),
        (caught(raised(parse_notebook_json, b"{not json", "02.ipynb")),
         "the notebook file is not valid JSON", False),
        (caught(raised(nbformat.reads, "{not json", 4)),
         "the notebook file is not valid JSON", False),
        (caught(raised(json.loads, "{")), "the notebook file is not valid JSON", False),
        (caught(raised(parse_notebook_json, b"[" * 100 + b"]" * 100, "01.ipynb")),
         "the notebook nests lists and objects more than 64 levels deep", False),
        (caught(raised(read_file, tmp_path, "link")), "a file of the submission was refused "
         "unread (a link, not a file, or too large: see the findings)", False),
        (caught(raised(CheckCellMetadata().preprocess, without_grade_id, {})),
         BROKEN_METADATA, False),
        (caught(raised(MetadataValidator().validate_nb, old_schema)), BROKEN_METADATA, False),
        (caught(raised(nbformat.validate, not_a_notebook)),
         "the notebook file is not a valid notebook", False),
    ]
    for error, reason, retry in cases:
        assert (explain(error).reason, explain(error).retry) == (reason, retry), error


def test_an_exception_is_known_by_its_type_and_origin_not_its_words():
    """A ``RuntimeError`` that says what jupyter_client says, raised elsewhere, is no kernel
    start; an unknown failure quotes the first exception nbgrader caught."""
    words = raised(RuntimeError, "Kernel didn't respond in 60 seconds")
    assert explain(caught(words)).reason == (
        "nbgrader failed: RuntimeError: Kernel didn't respond in 60 seconds")
    assert explain(caught(raised(OSError, "disk full\nsecond line"),
                          raised(DeadKernelError, "Kernel died"))).reason == KERNEL_DIED
    assert explain(caught(raised(OSError, "disk full\nsecond line"))).reason == (
        "nbgrader failed: OSError: disk full")


def test_without_an_exception_to_explain_it_the_log_or_the_submission_says_why():
    log = ("Converting notebook x", "Traceback (most recent call last):",
           "OSError: disk full", "bye")
    assert explain(ConverterError((NBGRADER_GAVE_UP,), log)).reason == (
        "nbgrader failed: OSError: disk full")
    assert explain(ConverterError((NBGRADER_GAVE_UP,), log),
                   notebooks_submitted=False).reason == "no notebooks were submitted"
    assert explain(ConverterError((raised(DeadKernelError, "Kernel died"),)),
                   notebooks_submitted=False).reason == KERNEL_DIED


def test_a_kernel_that_failed_to_start_is_retried_once():
    did_not_start = caught(raised(ZygoteError, "the zygote died"))
    errors = iter([did_not_start, None])
    assert with_one_retry(lambda: next(errors)) == (None, 2)
    twice = iter([did_not_start] * 2)
    assert with_one_retry(lambda: next(twice)) == (did_not_start, 2)


def test_other_failures_are_not_retried():
    calls = []
    died = caught(raised(DeadKernelError, "Kernel died"))

    def attempt():
        calls.append(1)
        return died

    assert with_one_retry(attempt) == (died, 1)
    assert len(calls) == 1


# --- progress ------------------------------------------------------------------------------------

class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_durations_read_like_a_clock():
    assert [format_duration(s) for s in (0, 42.4, 725, 3725)] == [
        "0:00", "0:42", "12:05", "1:02:05"]


def test_status_line_has_bar_counts_rate_and_eta():
    assert status_line(12, 40, 3, 6.0) == (
        "[#######-----------------]  12/40 students  3 failed  2.0/s  ETA 0:14")
    assert status_line(0, 40, 0, 0.0) == (
        "[------------------------]   0/40 students  0.0/s  ETA ?")


def test_a_log_gets_one_plain_line_per_student():
    stream, clock = io.StringIO(), FakeClock()
    progress = Progress(2, stream, tty=False, clock=clock)
    clock.now += 2.0
    progress.finished(Outcome("ann", "graded", score=20, max_score=20, seconds=1.5))
    clock.now += 2.0
    progress.finished(Outcome("bob", "partial", score=16, max_score=20, seconds=2.0,
                              failures=[NotebookFailure("02", "the kernel died")]))
    progress.close()
    assert stream.getvalue().splitlines() == [
        "[############------------]  1/2 students  0.5/s  ETA 0:02  ann: 20/20 (1.5 s)",
        "[########################]  2/2 students  1 failed  0.5/s  ETA 0:00  "
        "bob: 16/20 (2.0 s)  PARTIAL: 02: the kernel died",
    ]
    assert "\r" not in stream.getvalue()


def test_a_terminal_gets_one_redrawn_bar_and_a_line_per_problem():
    stream, clock = io.StringIO(), FakeClock()
    progress = Progress(2, stream, tty=True, clock=clock)
    clock.now += 1.0
    progress.finished(Outcome("ann", "graded", score=20, max_score=20, seconds=1.0))
    progress.finished(Outcome("bob", "graded", score=4, max_score=20, seconds=1.0,
                              timed_out=["01"]))
    progress.close()
    screen = stream.getvalue()
    assert screen.count("\r\033[K[") == 3  # the bar, drawn at the start and after each student
    assert "\r\033[Kbob: 4/20 (1.0 s)  timed out in 01\n" in screen
    assert "ann:" not in screen
    assert screen.endswith("2/2 students  2.0/s  ETA 0:00\n")


def test_what_a_submission_names_reaches_the_terminal_as_text():
    name = "\x1b[2K\x1b[1Gann scored 20\u202e"
    line = outcome_line(Outcome(name, "failed", failures=[NotebookFailure(name, "boom")]))
    assert line == ("\\x1b[2K\\x1b[1Gann scored 20\\u202e: no score (0.0 s)  FAILED: "
                    "\\x1b[2K\\x1b[1Gann scored 20\\u202e: boom")
    run = GradeRun(outcomes=[Outcome("ann", "graded", 20, 20)], findings={"ann": [
        Finding(name, "unknown_notebook", f"{name}.ipynb is not part of the assignment")]})
    assert "\x1b" not in format_summary(run) and "\\x1b[2K" in format_summary(run)
    assert printable("Zoë 中 (B, D)") == "Zoë 中 (B, D)"  # letters of any script are text


def test_an_outcome_without_a_score_says_so():
    assert outcome_line(Outcome("cy", "failed", failures=[NotebookFailure("*", "boom")])) == (
        "cy: no score (0.0 s)  FAILED: *: boom")


# --- summary -------------------------------------------------------------------------------------

def test_the_summary_counts_and_names_every_problem():
    run = GradeRun(
        outcomes=[Outcome("ann", "graded", 20, 20), Outcome("bob", "partial", 16, 20, failures=[
            NotebookFailure("02_x", "the notebook file is not valid JSON")]),
            Outcome("cy", "failed", failures=[NotebookFailure("*", "no notebooks")]),
            Outcome("dee", "graded", 19, 20, timed_out=["01_x"])],
        skipped=["eve"], findings={"ann": [Finding("03_x", "edited_test", "test cell 't' was "
                                                   "edited")]},
        seconds=75, where="with 2 worker(s)")
    assert format_summary(run).splitlines() == [
        "Graded 4 submission(s) in 1:15 with 2 worker(s): 2 complete, 1 partial, 1 failed; "
        "1 unchanged, skipped (--force grades them again).",
        "Problems:",
        "  bob: 02_x: the notebook file is not valid JSON",
        "  cy: whole submission: no notebooks",
        "  dee: a cell timed out (scored 0) in 01_x",
        "Flagged for you in the formgrader (its \"Flagged?\" column; the reason is atop each "
        "autograded notebook): 1 notebook(s).",
        "Found in submissions:",
        "  ann: 03_x: test cell 't' was edited",
        "Scores out of 20: mean 18.3, median 19, min 16, max 20.",
    ]
    assert not run.ok


# --- the submission scan -------------------------------------------------------------------------

RELEASE = {"01_a": {"answer": ReleasedCell("def f(): ...", locked=False, grade=False),
                    "test_f": ReleasedCell("check(f)", locked=True, grade=True)},
           "02_b": {"test_g": ReleasedCell("check(g)", locked=True, grade=True)}}


def graded_cell(grade_id: str, source: str, **flags: bool):
    meta = {"grade_id": grade_id, "grade": False, "solution": False, "locked": False,
            "schema_version": 3, **flags}
    return new_code_cell(source, metadata={"nbgrader": meta})


def test_a_clean_submission_has_no_findings(tmp_path):
    nbformat.write(new_notebook(cells=[graded_cell("answer", "def f(): return 1", solution=True),
                                       graded_cell("test_f", "check(f)", grade=True,
                                                   locked=True)]), tmp_path / "01_a.ipynb")
    nbformat.write(new_notebook(cells=[graded_cell("test_g", "check(g)", grade=True,
                                                   locked=True)]), tmp_path / "02_b.ipynb")
    assert scan(tmp_path, RELEASE) == []


def test_every_kind_of_broken_submission_is_found(tmp_path):
    nbformat.write(new_notebook(cells=[
        graded_cell("answer", "def f(): return 1", solution=True),
        graded_cell("answer", "def f(): return 2", solution=True),
        graded_cell("mine", "pass", grade=True, locked=True)]), tmp_path / "01_a.ipynb")
    (tmp_path / "03_renamed.ipynb").write_text(json.dumps({"cells": []}))
    assert scan(tmp_path, RELEASE) == [
        Finding("02_b", "missing_notebook", "02_b.ipynb was not submitted (nbgrader scores it 0)"),
        Finding("03_renamed", "unknown_notebook", "03_renamed.ipynb is not part of the "
                "assignment (renamed?); nbgrader does not grade it"),
        Finding("01_a", "duplicate_cell", "cell 'answer' appears 2 times (copy-pasted)"),
        Finding("01_a", "unknown_cell", "a cell has the unknown grade_id 'mine'"),
        Finding("01_a", "deleted_test", "test cell 'test_f' was deleted (it is put back and "
                "graded)"),
    ]


def test_an_edited_test_and_an_unreadable_notebook_are_found(tmp_path):
    nbformat.write(new_notebook(cells=[graded_cell("test_f", "pass", grade=True, locked=True)]),
                   tmp_path / "01_a.ipynb")
    (tmp_path / "02_b.ipynb").write_text("{not json")
    findings = scan(tmp_path, RELEASE)
    assert findings[0] == Finding("01_a", "edited_test", "test cell 'test_f' was edited (the "
                                  "original is restored and graded)")
    assert findings[1].kind == "invalid_notebook"
    assert findings[1].detail.startswith("02_b.ipynb cannot be read as a notebook: it is not "
                                         "valid JSON (")


def test_metadata_of_the_wrong_type_is_a_finding_not_a_crash(tmp_path):
    numbered = graded_cell("answer", "def f(): return 1", solution=True)
    numbered.metadata.nbgrader.grade_id = 7
    cells = [graded_cell("test_f", "check(f)", grade=True, locked=True), numbered,
             {**new_code_cell("x = 1"), "metadata": []}, "not a cell",
             {**new_code_cell("y = 2"), "metadata": {"nbgrader": "not an object"}}]
    (tmp_path / "01_a.ipynb").write_text(json.dumps({"cells": cells}))
    (tmp_path / "02_b.ipynb").write_text(json.dumps({"cells": {"not": "a list"}}))
    assert [(f.notebook, f.kind) for f in scan(tmp_path, RELEASE)] == [
        ("01_a", "malformed_cell"), ("02_b", "invalid_notebook")]
    assert scan(tmp_path, RELEASE)[0].detail.startswith("3 cell(s) have metadata of the wrong")


def test_every_symbolic_link_is_found_and_a_linked_notebook_is_not_read(tmp_path):
    outside = tmp_path / "source"
    outside.mkdir()
    (outside / "01_a.ipynb").write_text("{not json")  # read, it would be a finding
    submission = tmp_path / "submission"
    (submission / "data").mkdir(parents=True)
    nbformat.write(new_notebook(cells=[graded_cell("test_g", "check(g)", grade=True,
                                                   locked=True)]), submission / "02_b.ipynb")
    (submission / "01_a.ipynb").symlink_to(outside / "01_a.ipynb")
    (submission / "data" / "secret.txt").symlink_to("../../../course_secret.key")
    (submission / "up").symlink_to("..")
    assert [(f.notebook, f.kind, f.detail) for f in scan(submission, RELEASE)] == [
        ("01_a", "linked_file", f"01_a.ipynb is a symbolic link (to {outside}/01_a.ipynb), "
         "not a file: it is neither graded nor copied"),
        ("data/secret.txt", "linked_file", "data/secret.txt is a symbolic link (to "
         "../../../course_secret.key), not a file: it is neither graded nor copied"),
        ("up", "linked_file", "up is a symbolic link (to ..), not a file: it is neither graded "
         "nor copied")]


def test_a_notebook_nesting_a_thousand_levels_is_a_finding_not_a_crash(tmp_path):
    nbformat.write(new_notebook(cells=[graded_cell("test_g", "check(g)", grade=True,
                                                   locked=True)]), tmp_path / "02_b.ipynb")
    (tmp_path / "01_a.ipynb").write_text('{"cells": [], "metadata": {"x": '
                                         + "[" * 1000 + "]" * 1000 + "}}")
    assert scan(tmp_path, RELEASE) == [Finding(
        "01_a", "invalid_notebook", "01_a.ipynb cannot be read as a notebook: it nests lists "
        "and objects more than 64 levels deep")]


def test_pipes_huge_files_and_devices_are_found_unread(tmp_path):
    nbformat.write(new_notebook(cells=[graded_cell("test_g", "check(g)", grade=True,
                                                   locked=True)]), tmp_path / "02_b.ipynb")
    os.mkfifo(tmp_path / "01_a.ipynb")  # read, the scan would hang
    with open(tmp_path / "data.bin", "wb") as sparse:
        sparse.truncate(64 << 30)
    assert [(f.notebook, f.kind, f.detail) for f in scan(tmp_path, RELEASE)] == [
        ("01_a", "refused_file", "01_a.ipynb is a named pipe, not a file: neither read nor "
         "copied"),
        ("data.bin", "refused_file", "data.bin holds 65536 MiB, over the 64 MiB a submitted "
         "file may hold: neither read nor copied")]


# --- what was graded -----------------------------------------------------------------------------

def test_the_fingerprint_changes_with_any_file_of_the_submission(tmp_path):
    (tmp_path / "01.ipynb").write_text("a")
    first = fingerprint(tmp_path)
    assert fingerprint(tmp_path) == first
    (tmp_path / "timestamp.txt").write_text("2026")
    second = fingerprint(tmp_path)
    (tmp_path / "01.ipynb").write_text("b")
    third = fingerprint(tmp_path)
    (tmp_path / "notes").symlink_to("01.ipynb")
    fourth = fingerprint(tmp_path)
    (tmp_path / "notes").unlink()
    (tmp_path / "notes").symlink_to("timestamp.txt")  # the same file name, another target
    assert len({first, second, third, fourth, fingerprint(tmp_path)}) == 5


FINGERPRINT_IN_A_BOUNDED_PROCESS = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
from autograder.grading.state import fingerprint
from tests.peak_memory import peak_mib
print(fingerprint(Path(sys.argv[1])), peak_mib())
"""


def test_the_fingerprint_reads_no_link_pipe_or_huge_file(tmp_path):
    """A link to /dev/zero or a pipe would never end, a 64 GiB sparse file would not fit in
    memory: the fingerprint, in a process of 1 GiB of address space, reads none of them."""
    (tmp_path / "01.ipynb").write_text("a")
    (tmp_path / "zero").symlink_to("/dev/zero")
    (tmp_path / "kmsg").symlink_to("/proc/kmsg")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "loop").symlink_to(".")
    with open(tmp_path / "sparse.bin", "wb") as sparse:
        sparse.truncate(64 << 30)
    limit = 1 << 30
    done = subprocess.run([sys.executable, "-c", FINGERPRINT_IN_A_BOUNDED_PROCESS,
                           str(tmp_path), str(limit)], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]  # a MemoryError past 1 GiB
    printed, peak_mib = done.stdout.split()
    assert printed == fingerprint(tmp_path)
    assert int(peak_mib) < 256


def test_what_needs_grading(tmp_path):
    inputs = {"source": "s1", "config": "c1"}
    graded = StudentRecord("abc", Outcome("ann", "graded"), inputs=inputs)
    output = tmp_path / "autograded"
    output.mkdir()
    assert needs_grading(None, "abc", output, inputs)
    assert not needs_grading(graded, "abc", output, inputs)
    assert needs_grading(graded, "changed", output, inputs)
    assert needs_grading(graded, "abc", output, {**inputs, "config": "c2"})
    assert needs_grading(StudentRecord("abc", Outcome("ann", "partial"), inputs=inputs), "abc",
                         output, inputs)
    assert needs_grading(graded, "abc", tmp_path / "gone", inputs)


def test_what_changed_names_each_input_in_words():
    before = {"source": "a", "config": "b", "checks": "c", "secret": "d", "due_date": ""}
    assert what_changed(before, before) == []
    assert what_changed(before, {**before, "source": "x", "due_date": "2026-12-24"}) == [
        "the tests (source notebooks)", "the due date"]
    assert what_changed({}, before) == ["the grader (the last grading recorded no inputs)"]


def test_records_round_trip_through_the_state_file(tmp_path: Path):
    records = {"ann": StudentRecord("abc", Outcome(
        "ann", "partial", 12.0, 20.0, [NotebookFailure("02", "died")], ["01"],
        [NotebookFlag("04", "integrity", "disagrees")], 3.5, 2),
        [Finding("03", "edited_test", "edited")], {"source": "s1"})}
    save_state(tmp_path, "hw", records)
    assert load_state(tmp_path, "hw", on_problem=pytest.fail) == records
    assert load_state(tmp_path, "other", on_problem=pytest.fail) == {}


class HandingBack:
    """A backend that hands back an outcome for each student at once (the run's own logic,
    without grading), and stops as an interrupted run does after ``stop_after`` students."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.stop_after = stop_after

    def check(self, config):
        return []

    def where(self, students):
        return "nowhere"

    def grade(self, settings, students, say):
        for number, student in enumerate(students):
            if number == self.stop_after:
                raise KeyboardInterrupt
            yield Outcome(student, "graded", score=1.0, max_score=1.0)


def test_the_records_are_written_at_the_end_of_a_run_even_an_interrupted_one(
        generated_course, tmp_path, monkeypatch):
    course = copy_course(generated_course, tmp_path / "course")
    students = [f"s{number:02d}" for number in range(30)]
    for student in students:
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("2027-01-10 12:00:00 UTC")
    writes = []
    save_state = grading_run.save_state
    monkeypatch.setattr(grading_run, "save_state",
                        lambda *args: (writes.append(1), save_state(*args))[1])
    monkeypatch.setattr(grading_run, "SAVE_EVERY", 1e9)  # a fast class, however busy the host
    with pytest.raises(KeyboardInterrupt):
        grading_run.grade_assignment(course, ASSIGNMENT, backend=HandingBack(stop_after=20),
                                     stream=io.StringIO())
    assert sorted(load_state(course, ASSIGNMENT, on_problem=pytest.fail)) == students[:20]
    assert len(writes) == 1  # not once per student: the file holds the whole class
    grading_run.grade_assignment(course, ASSIGNMENT, backend=HandingBack(),
                                 stream=io.StringIO())
    assert sorted(load_state(course, ASSIGNMENT, on_problem=pytest.fail)) == students
    assert len(writes) == 2
    monkeypatch.setattr(grading_run, "SAVE_EVERY", 0.0)  # a slow class: written as it goes
    grading_run.grade_assignment(course, ASSIGNMENT, backend=HandingBack(), force=True,
                                 stream=io.StringIO())
    assert len(writes) == 2 + len(students) + 1
