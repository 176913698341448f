"""Late penalties charged once per assignment (autograder/late_penalty.py)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.cli import main
from autograder.course_config import gradebook_url
from autograder.late_penalty import policy_penalty, spread
from cases.jacobians import ASSIGNMENT
from cases.registry import cases_of
from course.classroom import solution_answers
from course.notebooks import assignment_points, points_by_test_cell
from course.workspace import copy_course, run
from tests.handing_in import hand_in

HOUR = 3600


@pytest.mark.parametrize("seconds, points, per, cap, expected", [
    (0, 1, "hour", None, 0), (-5, 1, "hour", None, 0), (1, 1, "hour", None, 1),
    (HOUR, 1, "hour", None, 1), (HOUR + 1, 1, "hour", None, 2), (2.5 * HOUR, 1, "hour", 10, 3),
    (30 * HOUR, 1, "hour", 10, 10), (30 * HOUR, 0.5, "hour", 10, 10),
    (3 * HOUR, 0.5, "hour", 10, 1.5), (1, 2, "day", None, 2), (25 * HOUR, 1, "day", None, 2),
])
def test_a_started_unit_counts_whole_up_to_the_cap(seconds, points, per, cap, expected):
    assert policy_penalty(seconds, points=points, per=per, cap=cap) == expected


@pytest.mark.parametrize("penalty, scores, expected", [
    (5, [4, 4, 4], [4, 1, 0]), (3, [0, 4, 4], [0, 3, 0]), (20, [4, 2], [4, 2]),
    (0, [4, 4], [0, 0]), (1.5, [1, 1], [1, 0.5]), (-2, [4], [0]),
])
def test_a_penalty_is_spread_in_order_each_notebook_at_most_its_score(penalty, scores,
                                                                     expected):
    shares = spread(penalty, scores)
    assert shares == expected
    assert sum(shares) == min(max(penalty, 0), sum(scores))


def exported_scores(course: Path) -> dict[str, float]:
    run(course, "nbgrader", "export", "--to", "grades.csv")
    with (course / "grades.csv").open() as file:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}


CAP = 10
NOTEBOOK_POINTS = {case.notebook: sum(points_by_test_cell(case).values())
                   for case in cases_of(ASSIGNMENT)}


def leading_notebooks_worth_more_than(points: float) -> list[str]:
    """The fewest notebooks, in order, whose points add up to more than ``points``."""
    chosen: list[str] = []
    for notebook in NOTEBOOK_POINTS:
        if sum(NOTEBOOK_POINTS[name] for name in chosen) > points:
            break
        chosen.append(notebook)
    return chosen


def submit(course: Path, student: str, time: str, filled: list[str], handed_in: list[str]
           ) -> None:
    """A submission of the notebooks ``handed_in`` only, ``filled`` with the solutions, the
    others untouched."""
    answers = solution_answers(course, ASSIGNMENT)
    hand_in(course, ASSIGNMENT, student, {name: answers[name] for name in filled}, handed_in,
            timestamp=f"{time}.000000 UTC")


@pytest.mark.nbgrader
def test_a_late_submission_pays_the_policy_once_and_every_tool_shows_one_total(
        generated_course, tmp_path, capsys):
    """1 point per started hour, at most 10: 2.5 hours late costs 3 points in all, not 3 per
    notebook (two notebooks); 30 hours late costs 10, spread over the notebooks in order
    (the fewest worth more than 10: the grader charges after each notebook, and the last
    charge is the one that stands); on time costs nothing; a penalty is charged to a solved
    notebook, not to an untouched one after it. nbgrader export, the progress line, the
    summary, the course report and the LMS export agree, under both graders. Each student
    hands in only the notebooks their case needs: the others are not run. ``python -m
    autograder`` runs in this process (saving a Python's imports), nbgrader's commands in
    their own."""
    course = copy_course(generated_course, tmp_path / "course")
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.LatePenaltyPolicy.points = 1\n"
                      f'c.LatePenaltyPolicy.per = "hour"\nc.LatePenaltyPolicy.cap = {CAP}\n')
    with Gradebook(gradebook_url(course)) as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate="2026-11-20 12:00:00 UTC")
    first, second = list(NOTEBOOK_POINTS)[:2]
    over_the_cap = leading_notebooks_worth_more_than(CAP)
    assert sum(NOTEBOOK_POINTS[name] for name in over_the_cap) > CAP and len(over_the_cap) > 1
    submissions = {"ontime": ("2026-11-20 11:00:00", [first], [first], 0),
                   "late": ("2026-11-20 14:30:00", [first, second], [first, second], 3),
                   "verylate": ("2026-11-21 18:00:00", over_the_cap, over_the_cap, CAP),
                   "onlyfirst": ("2026-11-20 13:10:00", [first], [first, second], 2)}
    for student, (time, filled, handed_in, _) in submissions.items():
        submit(course, student, time, filled, handed_in)
    serial = copy_course(course, tmp_path / "serial")
    assert main(["grade", ASSIGNMENT, "--jobs", "2", "--course-dir", str(course)]) == 0
    graded = capsys.readouterr()
    run(serial, "nbgrader", "autograde", ASSIGNMENT)

    full = assignment_points(ASSIGNMENT)
    expected = {student: sum(NOTEBOOK_POINTS[name] for name in filled) - penalty
                for student, (_, filled, _, penalty) in submissions.items()}
    assert exported_scores(course) == expected
    assert exported_scores(serial) == expected
    for student, total in expected.items():  # the progress lines
        penalty = submissions[student][3]
        late = f", late penalty {penalty:g}" if penalty else ""
        assert re.search(rf"  {student}: {total:g}/{full:g} \([0-9.]+ s{late}\)",
                         graded.err), graded.err
    summary = re.search(r"Scores out of .*", graded.out)
    assert summary and f"max {max(expected.values()):g}" in summary[0]
    for copy in (course, serial):
        with Gradebook(gradebook_url(copy)) as gradebook:
            for student, (_, _, _, penalty) in submissions.items():
                notebooks = gradebook.find_submission(ASSIGNMENT, student).notebooks
                shares = [nb.late_submission_penalty or 0 for nb in notebooks]
                assert sum(shares) == penalty
                assert all(share <= nb.score for share, nb in zip(shares, notebooks,
                                                                  strict=True))

    assert main(["export", ASSIGNMENT, "--format", "csv", "--course-dir", str(course)]) == 0
    with (course / "exports" / f"{ASSIGNMENT}-csv.csv").open() as file:
        assert {row["student_id"]: float(row["total"]) for row in csv.DictReader(file)} == (
            expected)
    assert main(["report", ASSIGNMENT, "--course-dir", str(course)]) == 0
    with (course / "reports" / f"{ASSIGNMENT}-scores.csv").open() as file:
        assert {row["student"]: float(row["total"]) for row in csv.DictReader(file)} == expected
