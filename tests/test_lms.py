"""The LMS round trip (autograder/lms): collect Canvas and Moodle downloads, export grades
for their gradebooks, release the solutions after the due date."""

from __future__ import annotations

import csv
import io
import os
import shutil
import stat
import warnings
import zipfile
from contextlib import redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from autograder.cli import main
from autograder.command_error import CommandError
from autograder.course_config import gradebook_url
from autograder.lms.archives import MIB, LeftOut, Limits, clean_copy, screen
from autograder.lms.collector_plugins import CollectedFile, plan_collection
from autograder.lms.export import (
    RosterEntry,
    canvas_table,
    moodle_worksheet,
    plain_table,
    points,
)
from autograder.lms.solutions import Deadline, refusal
from autograder.scores import ScoreTable, StudentScores
from cases.jacobians import ASSIGNMENT
from cases.registry import cases_of
from course.classroom import fill, release_notebooks, solution_answers, write_submission
from course.notebooks import points_by_test_cell
from course.workspace import ROOT, copy_course, run
from tests.handing_in import hand_in

NOTEBOOKS = {"01_first.ipynb", "02_second-part.ipynb"}
CANVAS_LAYOUT = ("its path does not follow Canvas's download layout "
                 "<name>_[LATE_]<user id>_<file id>_<notebook>.ipynb, at the top of the zip")
MOODLE_LAYOUT = ("its path does not follow Moodle's download layout <full name>_<participant "
                 "id>_assignsubmission_file/<notebook>.ipynb (or ..._assignsubmission_file_"
                 "<notebook>.ipynb at the top of the zip)")
NOT_OURS = "is not a notebook of the assignment (those are 01_first.ipynb, 02_second-part.ipynb)"


def file_name(lms: str, path: str) -> CollectedFile | LeftOut:
    """What becomes of the file at ``path`` (its download's folder first) alone."""
    return plan_collection([path], lms, NOTEBOOKS)[0]


# --- file names ----------------------------------------------------------------------------

@pytest.mark.parametrize("path, student, notebook, name, late", [
    ("dl/doejane_1234_567_01_first.ipynb", "1234", "01_first.ipynb", "doejane", False),
    ("dl/doejane_LATE_1234_567_01_first.ipynb", "1234", "01_first.ipynb", "doejane", True),
    ("dl/doejane_late_1234_567_01_first-1.ipynb", "1234", "01_first.ipynb", "doejane", True),
    ("dl/o_brien_1234_567_02_second-part-12.ipynb", "1234", "02_second-part.ipynb", "o_brien",
     False),
    ("dl/1234_567_01_first.ipynb", "1234", "01_first.ipynb", "", False),  # anonymous grading
    ("dl/LATE_1234_567_01_first.ipynb", "1234", "01_first.ipynb", "", True),
    ("dl/zoé2_1234_567_01_first.ipynb", "1234", "01_first.ipynb", "zoé2", False),
])
def test_canvas_file_names_give_the_user_id_and_the_notebook(path, student, notebook, name,
                                                             late):
    assert file_name("canvas", path) == CollectedFile(path, student, notebook, name, late)


@pytest.mark.parametrize("path, student, notebook, name", [
    ("dl/Jane Doe_2001_assignsubmission_file/01_first.ipynb", "2001", "01_first.ipynb",
     "Jane Doe"),
    ("dl/Jane Doe_2001_assignsubmission_file_/01_first.ipynb", "2001", "01_first.ipynb",
     "Jane Doe"),  # folders of Moodle before 4.x
    ("dl/Jane Doe_2001_assignsubmission_file_02_second-part.ipynb", "2001",
     "02_second-part.ipynb", "Jane Doe"),  # "Download submissions in folders" off
    ("dl/Ana María Ñúñez_2002_assignsubmission_file/01_first.ipynb", "2002", "01_first.ipynb",
     "Ana María Ñúñez"),
    ("dl/Participant_2003_assignsubmission_file/01_first.ipynb", "2003", "01_first.ipynb",
     "Participant"),  # blind marking
])
def test_moodle_file_names_give_the_participant_id_and_the_notebook(path, student, notebook,
                                                                    name):
    assert file_name("moodle", path) == CollectedFile(path, student, notebook, name)


@pytest.mark.parametrize("lms, path, reason", [
    ("canvas", "dl/random.ipynb", CANVAS_LAYOUT),
    ("canvas", "dl/doejane_first.ipynb", CANVAS_LAYOUT),
    ("canvas", "dl/doejane_1234_01_first.ipynb", f"'first.ipynb' {NOT_OURS}"),  # no file id
    ("canvas", "dl/doejane_1234_567_notes.pdf", "not a notebook (only .ipynb files are "
                                                "collected)"),
    ("canvas", "dl/doejane_1234_567_01_first (1).ipynb", f"'01_first (1).ipynb' {NOT_OURS}"),
    ("moodle", "dl/doejane_1234_567_01_first.ipynb", MOODLE_LAYOUT),
    ("moodle", "dl/Jane Doe_2001_assignsubmission_onlinetext/01_first.ipynb", MOODLE_LAYOUT),
    ("moodle", "01_first.ipynb", "it is not inside a download's folder (put the LMS's zip "
                                 "into archive/)"),
])
def test_a_file_that_is_no_notebook_of_a_student_is_left_out_with_the_reason(lms, path,
                                                                              reason):
    assert file_name(lms, path) == LeftOut(path, reason)


@pytest.mark.parametrize("lms, path, reason", [
    # Moodle: a folder the student uploaded, named like another student's folder
    ("moodle", "dl/Aaron Apple_11111_assignsubmission_file/Zoe Victim_22222_assignsubmission_"
               "file/01_first.ipynb",
     "it is in a subfolder of student 11111's folder, where Moodle puts a student's files "
     "directly; the subfolder is named like the folder of student 22222, and a student's "
     "upload cannot hand in for another"),
    ("moodle", "dl/Jane Doe_2001_assignsubmission_file/old/01_first.ipynb",
     "it is in a subfolder of student 2001's folder, where Moodle puts a student's files "
     "directly"),
    ("moodle", "dl/extra/Zoe Victim_22222_assignsubmission_file/01_first.ipynb",
     MOODLE_LAYOUT),  # deeper than the layout
    # an uploaded file's name that spells another student's folder or ids
    ("moodle", "dl/Aaron Apple_11111_assignsubmission_file_Zoe Victim_22222_assignsubmission_"
               "file_01_first.ipynb",
     f"'Zoe Victim_22222_assignsubmission_file_01_first.ipynb' {NOT_OURS}"),
    ("canvas", "dl/appleaaron_11111_555_22222_999_01_first.ipynb",
     f"'22222_999_01_first.ipynb' {NOT_OURS}"),
    ("canvas", "dl/victimzoe_22222_999/01_first.ipynb",
     "it is in a folder, and Canvas's download has none: its folder, not Canvas, would say "
     "whose it is"),
    # look-alikes: digits of other scripts, Cyrillic letters
    ("moodle", "dl/Zoe Victim_２２２２２_assignsubmission_file/01_first.ipynb", MOODLE_LAYOUT),
    ("canvas", "dl/victimzoe_٢٢٢٢٢_999_01_first.ipynb", f"'first.ipynb' {NOT_OURS}"),
    ("moodle", "dl/Zoe Victim_22222_assignsubmission_file/01_f\u0456rst.ipynb",
     f"'01_f\u0456rst.ipynb' {NOT_OURS}"),
    ("moodle", "dl/Zoe Victim_22222_assignsubmission_file/01_first.\u0456pynb",
     "not a notebook (only .ipynb files are collected)"),
    ("moodle", "dl/Aaron Apple_11111_assignsubmission_file/Z\u043ee Victim_22222_assignsubmi"
               "ssion_file/01_first.ipynb",
     "it is in a subfolder of student 11111's folder, where Moodle puts a student's files "
     "directly; the subfolder is named like the folder of student 22222, and a student's "
     "upload cannot hand in for another"),
])
def test_no_path_a_student_chose_makes_a_file_another_students(lms, path, reason):
    assert file_name(lms, path) == LeftOut(path, reason)


def test_a_notebook_handed_in_twice_is_collected_in_neither_copy_and_reported():
    paths = ["dl/doejane_1234_567_01_first.ipynb", "dl/doejane_1234_568_01_first-1.ipynb",
             "dl/doejane_1234_569_02_second-part.ipynb", "dl/smithjo_1235_570_01_first.ipynb",
             "other/doejane_1234_900_01_first.ipynb"]  # and once more, in a second download
    plan = plan_collection(paths, "canvas", NOTEBOOKS)
    copies = "dl/doejane_1234_567_01_first.ipynb, dl/doejane_1234_568_01_first-1.ipynb, " \
             "other/doejane_1234_900_01_first.ipynb"
    reason = (f"student 1234 handed in 3 files for 01_first.ipynb ({copies}): none is "
              "collected, as nothing in the download says which one to grade; keep one in "
              "the zip and collect again")
    assert plan == [
        LeftOut(paths[0], reason), LeftOut(paths[1], reason),
        CollectedFile(paths[2], "1234", "02_second-part.ipynb", "doejane"),
        CollectedFile(paths[3], "1235", "01_first.ipynb", "smithjo"),
        LeftOut(paths[4], reason)]


# --- downloads -----------------------------------------------------------------------------

def member(name: str, size: int = 10, mode: int = 0o100644, flags: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.file_size, info.external_attr, info.flag_bits = size, mode << 16, flags
    return info


def test_screening_leaves_out_what_could_escape_or_flood_and_keeps_odd_names():
    members = [
        member("dl/"),  # a directory: no word
        member("dl/Ana María_1_assignsubmission_file/01 first.ipynb"),
        member("../up.ipynb"), member("/etc/cron.ipynb"), member("dl/a/../../up.ipynb"),
        member("dl/bad\x1b[2Jname.ipynb"), member("dl/" + "x" * 300 + ".ipynb"),
        member("dl/link.ipynb", mode=0o120777), member("dl/secret.ipynb", flags=0x1),
        member("dl/inner.ZIP"), member("dl/huge.ipynb", size=11 * MIB),
        member("dl/Ana María_1_assignsubmission_file/01 first.ipynb"),
        member("dl/b.ipynb", size=9 * MIB), member("dl/b.ipynb/x.ipynb"),
        member("dl/d/e.ipynb"), member("dl/d"), member("dl/c.ipynb", size=9 * MIB),
    ]
    screened = screen(members, "canvas", Limits(max_file_bytes=10 * MIB))
    assert [m.filename for m in screened.accepted] == [
        "dl/Ana María_1_assignsubmission_file/01 first.ipynb", "dl/b.ipynb", "dl/d/e.ipynb",
        "dl/c.ipynb"]
    escape = "its path leaves the download's folder (absolute, or with '..')"
    assert [(item.path, item.reason) for item in screened.left_out] == [
        ("canvas/../up.ipynb", escape), ("canvas//etc/cron.ipynb", escape),
        ("canvas/dl/a/../../up.ipynb", escape),
        ("canvas/dl/bad\x1b[2Jname.ipynb", "its name has control characters"),
        ("canvas/dl/" + "x" * 300 + ".ipynb", "its name is too long for a file system"),
        ("canvas/dl/link.ipynb", "it is a symbolic link"),
        ("canvas/dl/secret.ipynb", "it is encrypted"),
        ("canvas/dl/inner.ZIP", "it is an archive inside the download: ask the student to "
                                "upload the notebooks"),
        ("canvas/dl/huge.ipynb", "it is larger than 10 MiB (11 MiB)"),
        ("canvas/dl/Ana María_1_assignsubmission_file/01 first.ipynb",
         "appears twice in the zip"),
        ("canvas/dl/b.ipynb/x.ipynb", "it clashes with a folder of the same name"),
        ("canvas/dl/d", "it clashes with a folder of the same name"),
    ]


def test_the_clean_copy_has_names_and_contents_only_and_drops_damaged_members(tmp_path):
    download = tmp_path / "download.zip"
    with zipfile.ZipFile(download, "w") as archive:  # stored: the bytes can be damaged below
        good = zipfile.ZipInfo("dl/Jane Doe_1_assignsubmission_file/01.ipynb")
        good.external_attr = 0o104777 << 16  # setuid, world-writable
        archive.writestr(good, "{}")
        archive.writestr("dl/damaged.ipynb", "DAMAGED-CONTENT")
    data = download.read_bytes()
    download.write_bytes(data.replace(b"DAMAGED-CONTENT", b"damaged-content"))
    left_out = clean_copy(download, tmp_path / "copy.zip", "dl")
    assert [item.path for item in left_out] == ["dl/dl/damaged.ipynb"]
    assert left_out[0].reason.startswith("it is damaged in the zip and could not be read (")
    with zipfile.ZipFile(tmp_path / "copy.zip") as copy:
        assert [(m.filename, m.external_attr) for m in copy.infolist()] == [
            (good.filename, (stat.S_IFREG | 0o644) << 16)]
        assert copy.read(good.filename) == b"{}"
    (tmp_path / "notes.zip").write_text("not a zip")
    with pytest.raises(CommandError, match="notes.zip is not a zip file .*: pass the zip the "
                                           "LMS downloaded, as it is"):
        clean_copy(tmp_path / "notes.zip", tmp_path / "copy.zip", "notes")


def test_a_member_that_inflates_past_its_declared_size_is_read_no_further(tmp_path):
    """A zip bomb that lies: its member declares 1 KiB, and its 64 MiB of zeros deflate to a
    few KiB. What is read stops at the declared size, and the member is left out."""
    download = tmp_path / "bomb.zip"
    with zipfile.ZipFile(download, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Jane Doe_1_assignsubmission_file/01.ipynb", "{}")
        archive.writestr("Mal Lory_2_assignsubmission_file/01.ipynb", bytes(64 * MIB))
    data = download.read_bytes()
    declared = (64 * MIB).to_bytes(4, "little")
    assert data.count(declared) == 2  # the local header and the list of members
    download.write_bytes(data.replace(declared, (1024).to_bytes(4, "little")))
    assert download.stat().st_size < MIB
    left_out = clean_copy(download, tmp_path / "copy.zip", "dl")
    assert [item.path for item in left_out] == ["dl/Mal Lory_2_assignsubmission_file/01.ipynb"]
    assert left_out[0].reason.startswith("it is damaged in the zip and could not be read")
    with zipfile.ZipFile(tmp_path / "copy.zip") as copy:
        assert copy.namelist() == ["Jane Doe_1_assignsubmission_file/01.ipynb"]


def test_a_download_too_many_members_or_bytes_is_refused_whole_before_reading_it(tmp_path):
    """Whatever bound a download passes is refused for the whole download, before its list
    of members is read: leaving out the last members would let some crowd others out."""
    download = write_zip(tmp_path / "many.zip", {f"Jo_{i}_assignsubmission_file/01.ipynb": "{}"
                                                 for i in range(60)})
    with pytest.raises(CommandError, match=r"many.zip declares 60 files in a list of \d+ "
                                           r"bytes, more than the 50 files a submissions"):
        clean_copy(download, tmp_path / "copy.zip", "dl", Limits(max_members=50))
    with pytest.raises(CommandError, match="declares 60 files"):  # a list too long for them
        clean_copy(download, tmp_path / "copy.zip", "dl",
                   Limits(max_members=60, max_directory_bytes_per_member=10))
    clean_copy(download, tmp_path / "copy.zip", "dl", Limits(max_members=60))
    big = write_zip(tmp_path / "big.zip", {f"Jo_{i}_assignsubmission_file/01.ipynb": bytes(MIB)
                                           for i in range(3)})
    with pytest.raises(CommandError, match="big.zip add up to 3 MiB, more than the 2 MiB a "
                                           "submissions download can hold: download it in "
                                           "parts"):
        clean_copy(big, tmp_path / "copy.zip", "dl", Limits(max_total_bytes=2 * MIB))


# --- grade files ---------------------------------------------------------------------------

TABLE = ScoreTable(["01_a", "02_b"], {"01_a": 4.0, "02_b": 2.0}, [
    StudentScores("1001", {"01_a": 4.0, "02_b": 1.5}, 5.5),
    StudentScores("carol", {"01_a": 4.0, "02_b": 2.0}, 0.0, penalty=6.0),
])
ROSTER = [RosterEntry("1001", "Jane", "Doe"), RosterEntry("1002"), RosterEntry("carol")]


def test_the_plain_table_has_every_score_and_empty_cells_without_a_submission():
    assert plain_table(TABLE, ROSTER).rows == [
        ["student_id", "01_a", "02_b", "late_penalty", "total", "max_score"],
        ["1001", "4", "1.5", "0", "5.5", "6"],
        ["1002", "", "", "", "", "6"],
        ["carol", "4", "2", "6", "0", "6"]]


def test_canvas_gets_user_ids_in_id_and_other_ids_as_logins():
    assert canvas_table(TABLE, ROSTER, "Jacobians (42)").rows == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Jacobians (42)"],
        ["Points Possible", "", "", "", "", "6"],
        ["Doe, Jane", "1001", "", "", "", "5.5"],
        ["1002", "1002", "", "", "", ""],
        ["carol", "", "", "carol", "", "0"]]


def test_moodle_gets_participants_only_and_a_time_after_which_moodle_edits_win():
    worksheet = moodle_worksheet(TABLE, ROSTER, datetime(2026, 11, 20, 14, 30, tzinfo=timezone(
        timedelta(hours=1))))
    assert worksheet.rows == [
        ["Identifier", "Full name", "Grade", "Maximum Grade", "Last modified (grade)"],
        ["Participant 1001", "Jane Doe", "5.5", "6", "2026-11-20 13:30:00 UTC"],
        ["Participant 1002", "", "", "6", "2026-11-20 13:30:00 UTC"]]
    assert worksheet.warnings == [
        "left out of the Moodle worksheet, their ids are not participant ids: carol"]
    with pytest.raises(CommandError, match=r"^no student has a Moodle participant id"):
        moodle_worksheet(TABLE, [RosterEntry("carol")], datetime.now(UTC))


@pytest.mark.parametrize("value, text", [(20.0, "20"), (16.5, "16.5"), (1 / 3, "0.3333"),
                                         (1234567.0, "1234567"), (0.0, "0")])
def test_points_are_plain_decimals(value, text):
    assert points(value) == text


# --- due dates -----------------------------------------------------------------------------

DUE = datetime(2026, 11, 20, 12, 0)


def test_solutions_wait_for_the_due_date_and_every_extension():
    assert refusal("hw", Deadline(DUE, DUE), DUE - timedelta(seconds=1)) == (
        "'hw' is due 2026-11-20 12:00:00 UTC, and it is 2026-11-20 11:59:59 UTC: solutions are "
        "released once the deadline has passed; pass --force to release them now")
    later = DUE + timedelta(days=2)
    assert refusal("hw", Deadline(DUE, later, ("ann", "bo")), DUE + timedelta(days=1)) == (
        "'hw' is due 2026-11-22 12:00:00 UTC (the extension of ann, bo; the due date is "
        "2026-11-20 12:00:00 UTC), and it is 2026-11-21 12:00:00 UTC: solutions are released "
        "once the deadline has passed; pass --force to release them now")
    assert refusal("hw", Deadline(None, None), DUE) == (
        "no due date is set for 'hw' in the gradebook, so the deadline cannot be checked: set "
        "it in the course directory with `nbgrader db assignment add hw --duedate='YYYY-MM-DD "
        "HH:MM:SS UTC'`, or pass --force to release the solutions anyway")
    assert refusal("hw", Deadline(DUE, DUE), DUE) is None  # the very moment it is due
    assert refusal("hw", Deadline(DUE, later, ("ann",)), later + timedelta(days=9)) is None


# --- end to end: a class collected from Canvas and Moodle, graded, exported ----------------

def command(*argv: str) -> tuple[int, str]:
    """``python -m autograder ...`` in this process: the exit status and what it printed."""
    printed = io.StringIO()
    with redirect_stdout(printed):
        status = main(list(argv))
    return status, printed.getvalue()


def write_zip(path: Path, files: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


@dataclass(frozen=True)
class LmsClass:
    course: Path
    notebooks: list[str]
    canvas_zip: Path
    moodle_zips: list[Path]
    collected: dict[str, tuple[int, str]]
    exports: dict[str, Path]
    export_output: dict[str, str]
    nbgrader_scores: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def lms_class(generated_course, tmp_path_factory) -> LmsClass:
    """Canvas: 1001 solves everything; 1002 (LATE, resubmitted files) solves the first
    notebook and hands the second in blank, next to junk and hostile files. Moodle: 2001
    (folders) solves everything, 2002 (a flat download) hands in the second notebook only,
    2003 (old-style folder) the first. ``carol`` submitted the first notebook through the
    exchange, solved, a day late (zeroed); ``nosub`` never submitted. Graded (in this
    process), then exported in every format."""
    tmp = tmp_path_factory.mktemp("lms")
    course = copy_course(generated_course, tmp / "course")
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + '\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    with Gradebook(gradebook_url(course)) as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate="2026-11-20 12:00:00 UTC")
        gradebook.update_or_create_student("nosub", first_name="No", last_name="Submission")
    released = release_notebooks(course, ASSIGNMENT)
    solved = {name: nbformat.writes(fill(notebook, answers))
              for (name, notebook), answers in zip(
                  released.items(), solution_answers(course, ASSIGNMENT).values(), strict=True)}
    blank = {name: nbformat.writes(notebook) for name, notebook in released.items()}
    first, second = list(released)[:2]
    canvas = {f"doejane_1001_{100 + i}_{name}.ipynb": text
              for i, (name, text) in enumerate(solved.items())}
    canvas |= {f"smithjohn_LATE_1002_201_{first}-1.ipynb": solved[first],
               f"smithjohn_LATE_1002_202_{second}-2.ipynb": blank[second],
               "doejane_1001_300_notes.pdf": b"%PDF-1.4",
               "random name.ipynb": blank[first],
               "../../escape_1003_1_" + first + ".ipynb": solved[first],
               "evil\x1b]0;pwned\x07_1004_1_" + first + ".ipynb": solved[first],
               "smithjohn_1002_400_" + first + ".zip": b"PK\x05\x06" + bytes(18),
               "big_1005_500_" + first + ".ipynb": bytes(30 * MIB)}
    canvas_zip = write_zip(tmp / "Jacobians course-Jacobians submissions.zip", canvas)
    folders = {f"Ana María_2001_assignsubmission_file/{name}.ipynb": text
               for name, text in solved.items()}
    folders[f"Old Style_2003_assignsubmission_file_/{first}.ipynb"] = solved[first]
    folders["Ana María_2001_assignsubmission_onlinetext/onlinetext.html"] = "<p>done</p>"
    moodle_folders = write_zip(tmp / "JAC-Jacobians-17.zip", folders)
    moodle_flat = write_zip(tmp / "JAC-Jacobians-17 flat.zip", {
        f"Bob Lee_2002_assignsubmission_file_{second}.ipynb": solved[second]})
    collected = {
        "canvas": command("collect", ASSIGNMENT, str(canvas_zip), "--from", "canvas",
                          "--course-dir", str(course)),
        "moodle": command("collect", ASSIGNMENT, str(moodle_folders), str(moodle_flat),
                          "--from", "moodle", "--course-dir", str(course))}
    hand_in(course, ASSIGNMENT, "carol", solution_answers(course, ASSIGNMENT), [first],
            timestamp="2026-11-21 12:00:00.000000 UTC")
    status, graded = command("grade", ASSIGNMENT, "--course-dir", str(course))
    assert status == 0, graded
    run(course, "nbgrader", "export", "--to", "grades.csv")
    with (course / "grades.csv").open(newline="") as file:
        nbgrader_scores = {row["student_id"]: row for row in csv.DictReader(file)}
    exports, export_output = {}, {}
    for grade_format in ("csv", "canvas", "moodle"):
        exports[grade_format] = tmp / f"grades-{grade_format}.csv"
        status, export_output[grade_format] = command(
            "export", ASSIGNMENT, "--format", grade_format, "--course-dir", str(course),
            "--out", str(exports[grade_format]))
        assert status == 0, export_output[grade_format]
    return LmsClass(course, [f"{name}.ipynb" for name in released], canvas_zip,
                    [moodle_folders, moodle_flat], collected, exports, export_output,
                    nbgrader_scores)


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


@pytest.mark.nbgrader
def test_collect_places_every_students_notebooks_and_lists_every_file_it_left_out(lms_class):
    course, notebooks = lms_class.course, lms_class.notebooks
    first, second = notebooks[:2]
    submitted = {path.parent.name: sorted(p.name for p in path.iterdir())
                 for path in (course / "submitted").glob(f"*/{ASSIGNMENT}")}
    assert submitted == {"1001": notebooks, "1002": [first, second], "2001": notebooks,
                         "2002": [second], "2003": [first],
                         "carol": [first, "timestamp.txt"]}
    status, printed = lms_class.collected["canvas"]
    download = "Jacobians_course-Jacobians_submissions"
    assert status == 1
    assert printed.splitlines()[:3] == [
        f"Collected {len(notebooks) + 2} notebook(s) of 2 student(s) into submitted/<student>/"
        f"{ASSIGNMENT}/ (student ids are Canvas user ids):",
        f"  1001  {'doejane':<24} {len(notebooks)}/{len(notebooks)} notebooks",
        f"  1002  {'smithjohn':<24} 2/{len(notebooks)} notebooks  (missing "
        f"{', '.join(notebooks[2:])}; marked LATE by Canvas)"]
    assert printed.split("were NOT collected:\n")[1] == "\n".join([
        f"  {download}/../../escape_1003_1_{first}: its path leaves the download's folder "
        "(absolute, or with '..')",
        f"  {download}/evil\\x1b]0;pwned\\x07_1004_1_{first}: its name has control characters",
        f"  {download}/smithjohn_1002_400_{first[:-6]}.zip: it is an archive inside the "
        "download: ask the student to upload the notebooks",
        f"  {download}/big_1005_500_{first}: it is larger than 25 MiB (30 MiB)",
        f"  {download}/doejane_1001_300_notes.pdf: not a notebook (only .ipynb files are "
        "collected)",
        f"  {download}/random name.ipynb: {CANVAS_LAYOUT}",
        "", f"Next: python -m autograder grade {ASSIGNMENT}", ""])
    status, printed = lms_class.collected["moodle"]
    assert status == 1
    assert f"  2002  {'Bob Lee':<24} 1/{len(notebooks)} notebooks" in printed
    assert printed.split("were NOT collected:\n")[1].splitlines()[0] == (
        "  JAC-Jacobians-17/Ana María_2001_assignsubmission_onlinetext/onlinetext.html: not a "
        "notebook (only .ipynb files are collected)")
    assert not list(course.parent.rglob("*escape*")) and not list(course.rglob("evil*"))


@pytest.mark.nbgrader
def test_every_export_has_nbgrader_exports_totals_late_penalty_included(lms_class):
    nbgrader = {student: float(row["score"]) for student, row in
                lms_class.nbgrader_scores.items()}
    max_score = float(lms_class.nbgrader_scores["carol"]["max_score"])
    raw = float(lms_class.nbgrader_scores["carol"]["raw_score"])
    first = cases_of(ASSIGNMENT)[0]
    assert (nbgrader["carol"], raw, nbgrader["1001"]) == (
        0.0, sum(points_by_test_cell(first).values()), max_score)
    assert 0 < nbgrader["1002"] < max_score
    graded = sorted(set(nbgrader) - {"nosub"})

    plain = read_rows(lms_class.exports["csv"])
    assert plain[0] == ["student_id", *(n[:-6] for n in lms_class.notebooks), "late_penalty",
                        "total", "max_score"]
    totals = {row[0]: row[-2] for row in plain[1:]}
    assert {s: float(totals[s]) for s in graded} == {s: nbgrader[s] for s in graded}
    assert plain[-2][0] == "carol" and plain[-2][-3:] == [points(raw), "0", points(max_score)]
    assert plain[-1] == ["nosub", *[""] * (len(lms_class.notebooks) + 2), points(max_score)]

    canvas = read_rows(lms_class.exports["canvas"])
    assert canvas[:2] == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ASSIGNMENT],
                          ["Points Possible", "", "", "", "", points(max_score)]]
    assert {row[1] or row[3]: row[5] for row in canvas[2:]} == {
        **{s: points(nbgrader[s]) for s in graded}, "nosub": ""}
    assert ["carol", "", "", "carol", "", "0"] in canvas
    assert ["Submission, No", "", "", "nosub", "", ""] in canvas

    moodle = read_rows(lms_class.exports["moodle"])
    assert moodle[0] == ["Identifier", "Full name", "Grade", "Maximum Grade",
                         "Last modified (grade)"]
    assert {row[0]: row[2:4] for row in moodle[1:]} == {
        f"Participant {s}": [points(nbgrader[s]), points(max_score)]
        for s in graded if s.isdigit()}
    assert lms_class.export_output["moodle"].splitlines()[1] == (
        "warning: left out of the Moodle worksheet, their ids are not participant ids: "
        "carol, nosub")


@pytest.mark.nbgrader
def test_collecting_again_replaces_a_submission_only_with_force(lms_class, tmp_path):
    course = copy_course(lms_class.course, tmp_path / "course")
    args = ["collect", ASSIGNMENT, str(lms_class.canvas_zip), "--from", "canvas",
            "--course-dir", str(course)]
    status, _ = command(*args)
    assert status == 2  # everything left out: nothing to collect
    (course / "submitted" / "1001" / ASSIGNMENT / lms_class.notebooks[0]).unlink()
    status, printed = command(*args, "--force")
    assert status == 1 and "  1001  doejane" in printed
    assert sorted(p.name for p in (course / "submitted" / "1001" / ASSIGNMENT).iterdir()) == (
        lms_class.notebooks)


@pytest.mark.nbgrader
def test_a_wrong_download_is_refused_with_the_reason(lms_class, tmp_path, capsys):
    course = copy_course(lms_class.course, tmp_path / "course")
    assert main(["collect", ASSIGNMENT, str(lms_class.canvas_zip), "--from", "moodle",
                 "--course-dir", str(course)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(
        "error: nothing was collected from 1 moodle download(s):\n  Jacobians_course-Jacobians"
        "_submissions/../../escape_1003_1_")
    assert f": {MOODLE_LAYOUT}\n" in error
    (tmp_path / "grades.zip").write_text("student,grade\n")
    assert main(["collect", ASSIGNMENT, str(tmp_path / "grades.zip"), "--from", "canvas",
                 "--course-dir", str(course)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {tmp_path / 'grades.zip'} is not a zip")
    assert main(["collect", ASSIGNMENT, str(tmp_path / "missing.zip"), "--from", "canvas",
                 "--course-dir", str(course)]) == 2
    assert capsys.readouterr().err == (f"error: no such file: {tmp_path / 'missing.zip'} (pass "
                                       "the zip the LMS downloaded)\n")


@pytest.mark.nbgrader
def test_nbgraders_own_zip_collect_works_with_the_collector(lms_class, generated_course,
                                                            tmp_path):
    course = copy_course(generated_course, tmp_path / "course")
    archive = course / "downloaded" / ASSIGNMENT / "archive"
    archive.mkdir(parents=True)
    for download in lms_class.moodle_zips:
        (archive / download.name).write_bytes(download.read_bytes())
    run(course, "nbgrader", "zip_collect", ASSIGNMENT,
        "--collector=autograder.lms.collector_plugins.MoodleCollector")
    assert {path.parent.name: sorted(p.name for p in path.iterdir())
            for path in (course / "submitted").glob(f"*/{ASSIGNMENT}")} == {
        student: sorted(p.name for p in (lms_class.course / "submitted" / student / ASSIGNMENT
                                         ).iterdir())
        for student in ("2001", "2002", "2003")}


@pytest.mark.nbgrader
def test_an_export_waits_until_every_submission_is_graded(lms_class, tmp_path, capsys):
    course = copy_course(lms_class.course, tmp_path / "course")
    args = ["export", ASSIGNMENT, "--format", "canvas", "--course-dir", str(course)]
    write_submission(course, ASSIGNMENT, "1009", {})
    assert main(args) == 2
    assert capsys.readouterr().err == (
        f"error: 1 student(s) submitted {ASSIGNMENT} but have no grades in the gradebook: "
        f"1009. Grade them first: python -m autograder grade {ASSIGNMENT}\n")
    shutil.rmtree(course / "submitted" / "1009")
    resubmitted = course / "submitted" / "1002" / ASSIGNMENT / lms_class.notebooks[-1]
    resubmitted.write_bytes((lms_class.course / "release" / ASSIGNMENT / resubmitted.name
                             ).read_bytes())
    assert main(args) == 2
    assert capsys.readouterr().err == (
        "error: the submissions of 1002 changed after they were graded: grade them again "
        f"first: python -m autograder grade {ASSIGNMENT}\n")
    resubmitted.unlink()
    assert main([*args, "--out", str(tmp_path)]) == 2  # a directory
    assert capsys.readouterr().err == f"error: cannot write {tmp_path}: Is a directory\n"
    assert main(args) == 0


# --- end to end: forged downloads -------------------------------------------------------------

@pytest.mark.nbgrader
def test_forged_paths_in_a_download_are_refused_and_the_honest_students_collected(
        generated_course, tmp_path):
    """A Moodle download as hostile students make it: Aaron's folder holds, besides his own
    notebooks, folders named like Zoe's (also with a Cyrillic о) and like the folder of a
    student who submitted nothing; others try a zip slip, a symbolic link to the secret, a
    Cyrillic .іpynb, a notebook that inflates past the bound, hundreds of junk files. Zoe,
    Aaron and Jim get exactly their own notebooks; every forgery is left out with its reason.
    nbgrader's own zip_collect with the collector refuses the forged folders too."""
    course = copy_course(generated_course, tmp_path / "course")
    notebooks = {path.name: path.read_bytes()
                 for path in sorted((course / "release" / ASSIGNMENT).glob("*.ipynb"))}
    first, second = list(notebooks)[:2]
    aaron, zoe = "Aaron Apple_11111_assignsubmission_file", "Zoe Victim_22222_assignsubmission_file"
    forged = b'{"forged": true}'
    members: dict[str, bytes] = {
        **{f"{aaron}/{name}": data + b" " for name, data in notebooks.items()},
        f"{aaron}/{zoe}/{first}": forged,
        f"{aaron}/Z\u043ee Victim_22222_assignsubmission_file/{second}": forged,
        f"{aaron}/Nobody Home_33333_assignsubmission_file/{first}": forged,
        f"{aaron}/{second[:-6]}.\u0456pynb": forged,
        **{f"{zoe}/{name}": data for name, data in notebooks.items()},
        f"../../Eve Escape_44444_assignsubmission_file/{first}": forged,
        f"/tmp/Eve Escape_44444_assignsubmission_file/{first}": forged,
        f"Bomb Bob_77777_assignsubmission_file/{first}": bytes(30 * MIB),
        f"Junk Jim_66666_assignsubmission_file/{first}": notebooks[first],
        f"Dup Dana_88888_assignsubmission_file/{first}": notebooks[first],
        f"Dup Dana_88888_assignsubmission_file_{first}": forged,  # the same notebook, flat
        f"Dup Dana_88888_assignsubmission_file/{second}": notebooks[second],
        **{f"Junk Jim_66666_assignsubmission_file/junk{i}.txt": b"x" for i in range(300)},
    }
    download = tmp_path / "JAC-forged.zip"
    with zipfile.ZipFile(download, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        link = zipfile.ZipInfo(f"Mal Lory_55555_assignsubmission_file/{first}")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, str(course / "course_secret.key"))
    assert download.stat().st_size < MIB

    status, printed = command("collect", ASSIGNMENT, str(download), "--from", "moodle",
                              "--course-dir", str(course))
    submitted = course / "submitted"

    def handed_in(student: str) -> dict[str, bytes]:
        return {path.name: path.read_bytes()
                for path in sorted((submitted / student / ASSIGNMENT).iterdir())}

    assert status == 1
    assert sorted(path.name for path in submitted.iterdir()) == [
        "11111", "22222", "66666", "88888"]
    assert handed_in("88888") == {second: notebooks[second]}
    assert handed_in("22222") == notebooks
    assert handed_in("11111") == {name: data + b" " for name, data in notebooks.items()}
    assert handed_in("66666") == {first: notebooks[first]}
    assert not list(tmp_path.rglob("Eve Escape*")) and not list(Path("/tmp").glob("Eve Esc*"))
    left_out = printed.split("were NOT collected:\n")[1]
    shown = "  JAC-forged/"
    nested = ("it is in a subfolder of student 11111's folder, where Moodle puts a student's "
              "files directly; the subfolder is named like the folder of student 22222, and a "
              "student's upload cannot hand in for another")
    for line in [
            f"{shown}{aaron}/{zoe}/{first}: {nested}",
            f"{shown}{aaron}/Z\u043ee Victim_22222_assignsubmission_file/{second}: {nested}",
            f"{shown}{aaron}/Nobody Home_33333_assignsubmission_file/{first}: "
            + nested.replace("22222", "33333"),
            f"{shown}{aaron}/{second[:-6]}.\u0456pynb: not a notebook (only .ipynb files are "
            "collected)",
            f"{shown}../../Eve Escape_44444_assignsubmission_file/{first}: its path leaves the "
            "download's folder (absolute, or with '..')",
            f"{shown}/tmp/Eve Escape_44444_assignsubmission_file/{first}: its path leaves the "
            "download's folder (absolute, or with '..')",
            f"{shown}Bomb Bob_77777_assignsubmission_file/{first}: it is larger than 25 MiB "
            "(30 MiB)",
            f"{shown}Mal Lory_55555_assignsubmission_file/{first}: it is a symbolic link",
            f"{shown}Junk Jim_66666_assignsubmission_file/junk299.txt: not a notebook (only "
            ".ipynb files are collected)",
            *[f"{shown}{copy}: student 88888 handed in 2 files for {first} ({shown[2:]}Dup "
              f"Dana_88888_assignsubmission_file/{first}, {shown[2:]}Dup Dana_88888_assign"
              f"submission_file_{first}): none is collected, as nothing in the download says "
              "which one to grade; keep one in the zip and collect again"
              for copy in (f"Dup Dana_88888_assignsubmission_file/{first}",
                           f"Dup Dana_88888_assignsubmission_file_{first}")]]:
        assert line in left_out.splitlines()
    assert len(left_out.splitlines()) == 10 + 300 + 2  # and a blank line, "Next: ..."

    own = copy_course(generated_course, tmp_path / "own")
    archive_folder = own / "downloaded" / ASSIGNMENT / "archive"
    archive_folder.mkdir(parents=True)
    shutil.copy(download, archive_folder)
    run(own, "nbgrader", "zip_collect", ASSIGNMENT,
        "--collector=autograder.lms.collector_plugins.MoodleCollector")
    assert {path.name: path.read_bytes() for path in
            (own / "submitted" / "22222" / ASSIGNMENT).iterdir()} == notebooks
    assert not (own / "submitted" / "33333").exists()


# --- end to end: the exchange ---------------------------------------------------------------

def inbound_submission(inbound: Path, student: str, files: dict[str, bytes]) -> Path:
    """A submission as ``nbgrader submit`` leaves it in the exchange's inbound folder."""
    stamp = "2026-11-20 10:00:00.000000 UTC"
    folder = inbound / f"{student}+{ASSIGNMENT}+{stamp}+{student}0random"
    folder.mkdir(parents=True)
    for name, data in {**files, "timestamp.txt": stamp.encode()}.items():
        (folder / name).write_bytes(data)
    return folder


def contents(folder: Path) -> dict[str, bytes]:
    """The regular files in ``folder`` (links not followed), by path."""
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink()}


@pytest.mark.nbgrader
def test_nbgrader_collect_copies_no_link_planted_in_the_exchange(generated_course, tmp_path):
    """Real ``nbgrader collect`` with the course's config: a student who planted links in
    their inbound submission (to the course secret, /etc/shadow, /dev/zero, the instructor's
    source folder), a hard link, a pipe, or made the submission itself a link, gets only their
    own files collected, and every link is reported; an honest student gets every file.
    nbgrader's own collect, on the same kind of link, copies the secret."""
    course = copy_course(generated_course, tmp_path / "course")
    secret = (course / "course_secret.key").read_bytes()
    notebooks = {path.name: path.read_bytes()
                 for path in sorted((course / "release" / ASSIGNMENT).glob("*.ipynb"))}
    first = next(iter(notebooks))
    inbound = tmp_path / "exchange" / "jacobians-course" / "inbound"
    honest = inbound_submission(inbound, "honest", notebooks)
    mallory = inbound_submission(inbound, "mallory", {name: data for name, data in
                                                     notebooks.items() if name != first})
    (mallory / first).symlink_to(course / "course_secret.key")
    (mallory / "notes.txt").symlink_to("/etc/shadow")
    (mallory / "zeros.bin").symlink_to("/dev/zero")
    (mallory / "source").symlink_to(course / "source")
    os.mkfifo(mallory / "pipe")
    (tmp_path / "elsewhere").write_bytes(secret)
    os.link(tmp_path / "elsewhere", mallory / "hard.txt")
    (inbound / f"eve+{ASSIGNMENT}+2026-11-20 10:00:00.000000 UTC+x").symlink_to(
        course / "source" / ASSIGNMENT)

    collected = run(course, "nbgrader", "collect", ASSIGNMENT,
                    f"--Exchange.root={tmp_path / 'exchange'}")
    submitted = course / "submitted"
    assert sorted(path.parent.name for path in submitted.glob(f"*/{ASSIGNMENT}")) == [
        "honest", "mallory"]
    assert not contents(submitted / "eve")  # nbgrader made the folder, nothing is in it
    assert contents(submitted / "honest" / ASSIGNMENT) == contents(honest)
    assert contents(submitted / "mallory" / ASSIGNMENT) == {
        name: data for name, data in contents(mallory).items()
        if name in notebooks or name == "timestamp.txt"}
    assert not any(secret in data for folder in submitted.iterdir()
                   for data in contents(folder).values())
    printed = collected.stdout + collected.stderr
    for name, reason in [
            (first, f"it is a symbolic link (to '{course / 'course_secret.key'}')"),
            ("notes.txt", "it is a symbolic link (to '/etc/shadow')"),
            ("zeros.bin", "it is a symbolic link (to '/dev/zero')"),
            ("source", f"it is a symbolic link (to '{course / 'source'}')"),
            ("pipe", "it is not a regular file (a device, pipe or socket)"),
            ("hard.txt", "it is a hard link")]:
        assert f"Not collected: {mallory / name}: {reason}" in printed
    assert "+x: the submission is a symbolic link: nothing of it is collected" in printed

    for name in ("notes.txt", "zeros.bin", "source", "pipe", "hard.txt"):  # nbgrader's own
        (mallory / name).unlink()
    shutil.rmtree(course / "submitted")
    (inbound / f"eve+{ASSIGNMENT}+2026-11-20 10:00:00.000000 UTC+x").unlink()
    run(course, "nbgrader", "collect", ASSIGNMENT, f"--Exchange.root={tmp_path / 'exchange'}",
        "--ExchangeFactory.collect=nbgrader.exchange.default.collect.ExchangeCollect")
    assert (submitted / "mallory" / ASSIGNMENT / first).read_bytes() == secret


# --- end to end: solutions -----------------------------------------------------------------

HIDDEN = "### BEGIN HIDDEN TESTS\nassert 'hidden' == 'hidden'\n### END HIDDEN TESTS"


@pytest.fixture
def solutions_course(generated_course, tmp_path) -> Path:
    """A course with the repository's solution notebooks, a hidden test added to the first
    test cell of the first, and an exchange of its own."""
    course = copy_course(generated_course, tmp_path / "course")
    solutions = course / "solutions" / ASSIGNMENT
    solutions.mkdir(parents=True)
    for path in sorted((ROOT / "solutions" / ASSIGNMENT).glob("*.ipynb")):
        (solutions / path.name).write_bytes(path.read_bytes())
    first = sorted(solutions.glob("*.ipynb"))[0]
    notebook = nbformat.read(first, as_version=4)
    test = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade"))
    test.source += "\n" + HIDDEN
    nbformat.write(notebook, first)
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + f'\nc.Exchange.root = "{tmp_path / "exchange"}"\n')
    return course


def set_due_date(course: Path, duedate: str) -> None:
    with Gradebook(gradebook_url(course)) as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate=duedate)


@pytest.mark.nbgrader
def test_solutions_are_refused_before_the_due_date_and_without_one(solutions_course, capsys):
    args = ["release-solutions", ASSIGNMENT, "--course-dir", str(solutions_course)]
    assert main(args) == 2
    assert capsys.readouterr().err.startswith(
        f"error: no due date is set for '{ASSIGNMENT}' in the gradebook")
    set_due_date(solutions_course, "2020-01-01 09:00:00 UTC")
    with Gradebook(gradebook_url(solutions_course)) as gradebook, warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's own, harmless
        gradebook.update_or_create_student("slow")
        gradebook.update_or_create_submission(ASSIGNMENT, "slow",
                                              extension=datetime.now() - datetime(2019, 1, 1))
    assert main(args) == 2
    assert "(the extension of slow; the due date is 2020-01-01 09:00:00 UTC)" in (
        capsys.readouterr().err)
    assert not (solutions_course.parent / "exchange").exists()


@pytest.mark.nbgrader
def test_students_fetch_the_solutions_from_the_exchange_after_the_due_date(solutions_course,
                                                                          tmp_path):
    set_due_date(solutions_course, "2020-01-01 10:00:00 Europe/Berlin")  # 09:00 UTC
    status, printed = command("release-solutions", ASSIGNMENT, "--course-dir",
                              str(solutions_course))
    name = f"{ASSIGNMENT}-solutions"
    assert status == 0
    assert printed.splitlines()[-1] == (
        f"Next: students run: nbgrader fetch_assignment {name} --course jacobians-course")
    student = tmp_path / "student"
    student.mkdir()
    run(student, "nbgrader", "fetch_assignment", name, "--course", "jacobians-course",
        f"--Exchange.root={tmp_path / 'exchange'}")
    originals = sorted((ROOT / "solutions" / ASSIGNMENT).glob("*.ipynb"))
    fetched = sorted((student / name).iterdir())
    assert [p.name for p in fetched] == [p.name for p in originals]
    for given, original in zip(fetched, originals, strict=True):
        assert [c.source for c in nbformat.read(given, as_version=4).cells] == [
            c.source for c in nbformat.read(original, as_version=4).cells]  # hidden test gone


@pytest.mark.nbgrader
def test_forced_solutions_zip_holds_exactly_the_solution_notebooks(solutions_course, tmp_path):
    set_due_date(solutions_course, "2999-01-01 00:00:00 UTC")
    out = tmp_path / "for the LMS" / "solutions.zip"
    status, printed = command("release-solutions", ASSIGNMENT, "--course-dir",
                              str(solutions_course), "--zip", str(out), "--force")
    assert status == 0 and " before the due date (--force): " in printed
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == [
            f"{ASSIGNMENT}-solutions/{p.name}"
            for p in sorted((solutions_course / "solutions" / ASSIGNMENT).glob("*.ipynb"))]
        assert not any("HIDDEN" in archive.read(n).decode() for n in archive.namelist())
    assert not (tmp_path / "exchange").exists()
