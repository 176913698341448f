"""The README's semester, run as written: every command of "For instructors, The semester,
step by step", in order, with students fetching and submitting through the exchange between
the release and the collection, one on time, one late, one who hands in one notebook, blank
(the others not run). The students' steps are those of their JupyterLab's Assignments tab:
nbgrader's exchange classes, run in this process.

Only what cannot be the same on a test machine is replaced in the commands: the home folder,
the exchange (under a temporary folder, not /srv) and the first due date (a day ago, so that
the solutions may be released at the end).
"""

from __future__ import annotations

import csv
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeFactory
from traitlets.config import Config

from autograder.course_config import with_scripts_on_path
from cases.registry import cases_of
from course.classroom import fill, solution_answers
from course.documents import FULL_NOTEBOOK
from course.notebooks import assignment_points
from course.workspace import ROOT

pytestmark = pytest.mark.nbgrader

README = ROOT / "README.md"
ASSIGNMENT = "jacobians"
EXCHANGE = "/srv/nbgrader/exchange"
FIRST_DUE = "2027-02-01 23:59 UTC"


def semester_blocks(readme: str) -> list[str]:
    """The shell blocks between ``<!-- semester -->`` and ``<!-- /semester -->``, in order,
    indentation removed and continuation lines joined."""
    section = readme.split("<!-- semester -->", 1)[1].split("<!-- /semester -->", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)\n\s*```", section, flags=re.S)
    return [re.sub(r"\\\n\s*", "", "\n".join(line.strip() for line in block.splitlines()))
            for block in blocks]


class Semester:
    """Runs commands as the instructor would, in a shell, in a temporary home."""

    def __init__(self, tmp: Path, due: str) -> None:
        self.home = tmp / "home"
        self.home.mkdir()
        self.exchange = tmp / "exchange"
        self.cwd = self.home
        self.due = due
        self.env = {**with_scripts_on_path(), "HOME": str(self.home)}

    def run(self, block: str) -> str:
        script = block.replace(EXCHANGE, str(self.exchange)).replace(FIRST_DUE, self.due)
        result = subprocess.run(["bash", "-e", "-c", script], cwd=self.cwd, env=self.env,
                                capture_output=True, text=True)
        assert result.returncode == 0, f"{script}\n{result.stdout}\n{result.stderr}"
        for directory in re.findall(r"^cd (\S+)$", script, flags=re.M):
            self.cwd = Path(directory.replace("~", str(self.home)))
        return result.stdout + result.stderr

    def as_student(self, student: str, action: str) -> None:
        """A student's ``action`` on the exchange, as their JupyterLab's Assignments tab does
        it (nbgrader's exchange classes, in the lab's process; here this one), in their own
        folder, with their own cache. The test runs as one Unix user, so the student's id is
        given (on a server, it is their login)."""
        folder = self.home.parent / "students" / student
        folder.mkdir(parents=True, exist_ok=True)
        config = Config()
        config.Exchange.root = str(self.exchange)
        config.Exchange.assignment_dir = str(folder)
        config.Exchange.cache = str(folder / ".nbgrader_cache")
        config.CourseDirectory.course_id = "jacobians-2027"
        config.CourseDirectory.assignment_id = ASSIGNMENT
        config.CourseDirectory.student_id = student
        factory = ExchangeFactory(config=config)
        exchange = {"fetch_assignment": factory.FetchAssignment, "submit": factory.Submit,
                    "fetch_feedback": factory.FetchFeedback}[action]
        exchange(coursedir=CourseDirectory(config=config),
                 authenticator=Authenticator(config=config), config=config).start()

    def student_folder(self, student: str) -> Path:
        return self.home.parent / "students" / student / ASSIGNMENT


def test_the_readme_s_semester_runs_as_written(tmp_path):
    blocks = semester_blocks(README.read_text())
    assert len(blocks) >= 7 and "new-course" in blocks[0] and "release-solutions" in "".join(
        blocks)
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    due = now - timedelta(days=1)
    semester = Semester(tmp_path, f"{due:%Y-%m-%d %H:%M:%S} UTC")
    on_time, late = due - timedelta(hours=1), due + timedelta(hours=2, minutes=30)

    doctor = semester.run(blocks[0])
    assert doctor.rstrip().endswith("Ready to grade."), doctor
    course = semester.cwd
    semester.run(blocks[1])  # release

    answers = solution_answers(course, ASSIGNMENT)
    for student, stamp in (("alice", on_time), ("bob", late), ("carol", on_time)):
        semester.as_student(student, "fetch_assignment")
        fetched = sorted(semester.student_folder(student).glob("*.ipynb"))
        if student == "carol":  # keeps the first notebook, as released
            for path in fetched[1:]:
                path.unlink()
        else:
            for path in fetched:
                notebook = nbformat.read(path, as_version=4)
                nbformat.write(fill(notebook, answers[path.stem]), path)
        semester.as_student(student, "submit")
        (inbound,) = (semester.exchange / "jacobians-2027" / "inbound").glob(f"{student}+*")
        (inbound / "timestamp.txt").write_text(f"{stamp:%Y-%m-%d %H:%M:%S}.000000 UTC")

    for block in blocks[2:]:
        if "release-solutions" in block or "export" in block:
            break
        semester.run(block)  # collect, grade, report, feedback
    full = assignment_points(ASSIGNMENT)
    expected = {"alice": full, "bob": full - 3, "carol": 0.0}
    report = course / "reports" / f"{ASSIGNMENT}-scores.csv"
    with report.open() as file:
        assert {row["student"]: float(row["total"]) for row in csv.DictReader(file)} == expected
    semester.as_student("bob", "fetch_feedback")
    fetched = semester.student_folder("bob") / "feedback"
    assert sorted(p.stem for p in fetched.glob("*/*.html")) == sorted(
        case.notebook for case in cases_of(ASSIGNMENT))

    rest = blocks[blocks.index(block):]
    for block in rest:
        output = semester.run(block)
        if "release-solutions" in block:
            released = semester.exchange / "jacobians-2027" / "outbound" / (
                f"{ASSIGNMENT}-solutions")
            assert sorted(p.stem for p in released.glob("*.ipynb")) == sorted(
                [*(case.notebook for case in cases_of(ASSIGNMENT)), Path(FULL_NOTEBOOK).stem])
        if "autograder grade " in block:  # the regrade: nothing changed
            assert "Graded 0 submission(s)" in output and "3 unchanged" in output, output
    with (course / "grades.csv").open() as file:
        assert {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)
                if row["assignment"] == ASSIGNMENT} == expected
    with (course / "exports" / f"{ASSIGNMENT}-canvas.csv").open() as file:
        header = next(csv.reader(file))
    assert header[-1] == "Jacobians (123456)"
