"""What an instructor sees when a command cannot run: no course, a typo, a run already going."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.course_config import with_scripts_on_path
from autograder.course_lock import LOCK_FILE
from autograder.lms.export import RosterEntry, canvas_table
from autograder.scores import GradeRow, score_table
from cases.registry import ASSIGNMENTS
from course.classroom import write_submission
from course.workspace import copy_course, new_course_dir

ASSIGNMENT = next(iter(ASSIGNMENTS))


def error_of(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_a_folder_without_nbgrader_config_is_named_as_not_a_course(tmp_path, capsys):
    (tmp_path / "source").mkdir()
    for command in (["grade", ASSIGNMENT], ["report", ASSIGNMENT],
                    ["export", ASSIGNMENT, "--format", "csv"],
                    ["release-solutions", ASSIGNMENT]):
        code, err = error_of(capsys, *command, "--course-dir", str(tmp_path))
        assert (code, err) == (2, (
            f"error: {tmp_path} is not a course directory: it has no nbgrader_config.py. Run "
            "the command in your course directory (or pass --course-dir DIR), or make one "
            "with `python -m autograder new-course DIR`\n")), command
    assert not (tmp_path / ".autograder").exists()


def test_a_misspelt_assignment_lists_the_course_s_assignments(tmp_path, capsys):
    course = new_course_dir(tmp_path / "course")
    known = ", ".join(sorted(ASSIGNMENTS))
    code, err = error_of(capsys, "grade", ASSIGNMENT[:-1], "--course-dir", str(course))
    assert (code, err) == (2, f"error: unknown assignment {ASSIGNMENT[:-1]!r}: the course has "
                              f"{known} (did you mean {ASSIGNMENT!r}?)\n")
    code, err = error_of(capsys, "grade", "zzzz", "--course-dir", str(course))
    assert (code, err) == (2, f"error: unknown assignment 'zzzz': the course has {known}\n")
    assert not (course / "gradebook.db").exists()


HOLD_LOCK = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from autograder.course_lock import course_lock
    with course_lock(Path(sys.argv[1]), "python -m autograder grade jacobians"):
        if os.fork() == 0:  # a worker of the run: it must not keep the lock alive
            time.sleep(60)
            os._exit(0)
        print("locked", flush=True)
        sys.stdin.read()
""")


def test_one_command_at_a_time_and_a_killed_run_leaves_no_lock_behind(tmp_path, capsys):
    course = new_course_dir(tmp_path / "course")
    with subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(course)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                          start_new_session=True) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
            for command in (["grade", ASSIGNMENT], ["report", ASSIGNMENT],
                            ["release-solutions", ASSIGNMENT]):
                code, err = error_of(capsys, *command, "--course-dir", str(course))
                assert code == 2
                assert err.startswith(f"error: `python -m autograder grade jacobians` (process "
                                      f"{holder.pid}, started 20"), err
                assert err.endswith(") is running on this course: wait for it to end, or stop "
                                    "it, then run this command again\n")
            os.kill(holder.pid, signal.SIGKILL)  # its forked worker lives on
            holder.wait()
            code, err = error_of(capsys, "grade", ASSIGNMENT, "--course-dir", str(course))
            assert err.startswith(f"note: the previous `python -m autograder grade jacobians` "
                                  f"(process {holder.pid}, started ")
            assert "did not finish (it was killed?)" in err
            assert "error: no gradebook at" in err  # the command itself ran
            code, err = error_of(capsys, "grade", ASSIGNMENT, "--course-dir", str(course))
            assert "note:" not in err  # a command that ended cleanly leaves nothing stale
        finally:
            try:
                os.killpg(holder.pid, signal.SIGKILL)  # the holder, and its forked worker
            except ProcessLookupError:
                pass
    assert (course / LOCK_FILE).stat().st_mode & 0o777 == 0o600


def test_the_lock_file_is_never_followed_through_a_link(tmp_path, capsys):
    course = new_course_dir(tmp_path / "course")
    (course / LOCK_FILE).parent.mkdir()
    target = tmp_path / "elsewhere"
    target.write_text("keep")
    (course / LOCK_FILE).symlink_to(target)
    code, err = error_of(capsys, "report", ASSIGNMENT, "--course-dir", str(course))
    assert (code, target.read_text()) == (2, "keep")
    assert err == (f"error: cannot open the course's lock {course / LOCK_FILE}: Too many levels "
                   "of symbolic links (it must be a regular file: remove it)\n")


def test_a_canvas_column_without_an_assignment_id_is_warned_about():
    table = score_table([GradeRow("1001", "01", "t", 4, 4, 4, None, False)])
    roster = [RosterEntry("1001")]
    assert canvas_table(table, roster, "Jacobians (123456)").warnings == []
    assert canvas_table(table, roster, "Jacobians (123456) ").warnings == []
    (warning,) = canvas_table(table, roster, "Jacobians").warnings
    assert warning.startswith("the column 'Jacobians' has no Canvas assignment id: Canvas's "
                              "import will create a new assignment of that name")
    assert len(canvas_table(table, roster, "Jacobians (draft)").warnings) == 1


FORMGRADER_AUTOGRADE = """
import sys
from pathlib import Path
from nbgrader.apps import NbGraderAPI
from autograder.course_config import load_course_config
result = NbGraderAPI(config=load_course_config(Path.cwd())).autograde(sys.argv[1], "ann")
print(result["log"])
"""


def without_user_namespaces(course: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """``python *argv`` in ``course``, in a user namespace that may not create another one:
    what a host without user namespaces looks like to the grader."""
    return subprocess.run(
        ["unshare", "--user", "--map-root-user", "sh", "-c",
         'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"', "sh", sys.executable,
         *argv], cwd=course, capture_output=True, text=True, timeout=300,
        env=with_scripts_on_path())


@pytest.mark.nbgrader
def test_without_user_namespaces_every_front_end_says_so_first_with_its_fallback(
        generated_course, tmp_path):
    course = copy_course(generated_course, tmp_path / "course")
    write_submission(course, ASSIGNMENT, "ann", {})
    reason = ("Linux user namespaces are turned off on this machine, so student kernels cannot "
              "be sandboxed. To grade anyway, with student code running with your rights "
              "(unsafe): ")
    cli = without_user_namespaces(course, "-m", "autograder", "grade", ASSIGNMENT)
    assert cli.returncode == 2
    assert cli.stderr.splitlines()[0] == f"error: {reason}pass --no-sandbox."
    assert "max_user_namespaces is above 0 (it is 0)" in cli.stderr.splitlines()[1]
    nbgrader_fallback = ("--VerifiedExecute.sandbox=False on nbgrader's command line, or "
                         "c.VerifiedExecute.sandbox = False in nbgrader_config.py for the "
                         "formgrader.")
    plain = without_user_namespaces(course, "-m", "nbgrader", "autograde", ASSIGNMENT)
    errors = [line for line in plain.stderr.splitlines() if "| ERROR]" in line]
    assert errors[0] == f"[AutogradeApp | ERROR] {reason}{nbgrader_fallback}", plain.stderr
    formgrader = without_user_namespaces(course, "-c", FORMGRADER_AUTOGRADE, ASSIGNMENT)
    errors = [line for line in formgrader.stdout.splitlines() if line.startswith("[ERROR]")]
    assert errors[0] == f"[ERROR] {reason}{nbgrader_fallback}", formgrader.stdout
