"""Late penalties charged once per assignment (autograder/late_penalty.py)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.course_config import gradebook_url
from autograder.late_penalty import policy_penalty, spread
from cases.jacobians import ASSIGNMENT
from course.classroom import solution_answers, write_submission
from course.notebooks import assignment_points
from course.workspace import copy_course, run

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


@pytest.mark.nbgrader
def test_a_late_submission_pays_the_policy_once_and_every_tool_shows_one_total(
        generated_course, tmp_path):
    """1 point per started hour, at most 10: 2.5 hours late costs 3 points in all (not 3 per
    notebook); 30 hours late costs 10; on time costs nothing. nbgrader export, the progress
    line, the summary, the course report and the LMS export agree, under both graders."""
    course = copy_course(generated_course, tmp_path / "course")
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.LatePenaltyPolicy.points = 1\n"
                      'c.LatePenaltyPolicy.per = "hour"\nc.LatePenaltyPolicy.cap = 10\n')
    with Gradebook(gradebook_url(course)) as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate="2026-11-20 12:00:00 UTC")
    answers = solution_answers(course, ASSIGNMENT)
    first = next(iter(answers))
    submissions = {"ontime": ("2026-11-20 11:00:00", answers, 0),
                   "late": ("2026-11-20 14:30:00", answers, 3),
                   "verylate": ("2026-11-21 18:00:00", answers, 10),
                   "onlyfirst": ("2026-11-20 13:10:00", {first: answers[first]}, 2)}
    for student, (time, given, _) in submissions.items():
        write_submission(course, ASSIGNMENT, student, given, timestamp=f"{time}.000000 UTC")
    serial = copy_course(course, tmp_path / "serial")
    graded = run(course, "autograder", "grade", ASSIGNMENT, "--jobs", "2")
    run(serial, "nbgrader", "autograde", ASSIGNMENT)

    full = assignment_points(ASSIGNMENT)
    first_points = full / len(answers)  # every jacobians notebook is worth the same
    raw = {student: full if given is answers else first_points
           for student, (_, given, _) in submissions.items()}
    expected = {student: raw[student] - penalty
                for student, (_, _, penalty) in submissions.items()}
    assert exported_scores(course) == expected
    assert exported_scores(serial) == expected
    for student, total in expected.items():  # the progress lines
        penalty = submissions[student][2]
        late = f", late penalty {penalty:g}" if penalty else ""
        assert re.search(rf"  {student}: {total:g}/{full:g} \([0-9.]+ s{late}\)",
                         graded.stderr), graded.stderr
    summary = re.search(r"Scores out of .*", graded.stdout)
    assert summary and f"max {max(expected.values()):g}" in summary[0]
    with Gradebook(gradebook_url(course)) as gradebook:
        for student, (_, _, penalty) in submissions.items():
            notebooks = gradebook.find_submission(ASSIGNMENT, student).notebooks
            shares = [nb.late_submission_penalty or 0 for nb in notebooks]
            assert sum(shares) == penalty
            assert all(share <= nb.score for share, nb in zip(shares, notebooks, strict=True))

    run(course, "autograder", "export", ASSIGNMENT, "--format", "csv")
    with (course / "exports" / f"{ASSIGNMENT}-csv.csv").open() as file:
        assert {row["student_id"]: float(row["total"]) for row in csv.DictReader(file)} == (
            expected)
    run(course, "autograder", "report", ASSIGNMENT)
    with (course / "reports" / f"{ASSIGNMENT}-scores.csv").open() as file:
        assert {row["student"]: float(row["total"]) for row in csv.DictReader(file)} == expected
