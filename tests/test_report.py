"""The course report: pure collecting functions on hand-made rows and notebooks, the page and
its CSVs, and `python -m autograder report` on a graded class."""

from __future__ import annotations

import base64
import csv
import io
import re
import shutil
from collections import defaultdict
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.cli import main
from autograder.course_config import gradebook_url
from autograder.grading.outcome import NotebookFailure, Outcome
from autograder.grading.scan import Finding
from autograder.grading.state import StudentRecord
from autograder.report import write_report
from autograder.report.collect import collect_report
from autograder.report.csv_files import cells_csv, mistakes_csv, problems_csv, scores_csv
from autograder.report.mistakes import (
    FailedCell,
    Mistake,
    count_mistakes,
    failed_cells,
    normalise_message,
)
from autograder.report.page import render_page
from autograder.report.plots import ReportImages, score_histogram, score_step
from autograder.report.problems import StudentProblem, student_problems
from autograder.report.score_tables import CellPassRate, cell_pass_rates
from autograder.scores import GradeRow, StudentScores, read_grades, score_table
from autograder.timeouts import timed_out
from autograder.verify.records import Flag
from cases.jacobians import ASSIGNMENT
from cases.registry import ASSIGNMENTS, cases_of
from course.classroom import solution_answers, write_submission
from course.notebooks import assignment_points, points_by_test_cell
from course.workspace import copy_course, run

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def row(student, notebook, cell, score, max_score, manual=None):
    return GradeRow(student, notebook, cell, score, max_score, auto_score=score,
                    manual_score=manual, needs_manual_grade=False)


def error(ename, evalue="", traceback=()):
    return {"output_type": "error", "ename": ename, "evalue": evalue,
            "traceback": list(traceback)}


def cell(grade_id, *outputs, grade=True):
    return {"cell_type": "code", "source": "", "outputs": list(outputs),
            "metadata": {"nbgrader": {"grade": grade, "grade_id": grade_id}}}


def check_failure(first_line, case="scalar_wrt_vector", check="values",
                  verdict="wrong_values", diagnosis=None):
    """A failure message and the grader's record of its verdict."""
    return f"{first_line}\nmore report", {"case": case, "check": check, "verdict": verdict,
                                          "diagnosis": diagnosis}


def failed(student, evalue, ename="JacobianCheckError", notebook="02", cell="test_values"):
    message, record = evalue if isinstance(evalue, tuple) else (evalue, None)
    return FailedCell(student, notebook, cell, ename, message, record)


# --- scores and pass rates ---------------------------------------------------------------------

ROWS = [
    row("ann", "01", "test_a", 1, 1), row("ann", "01", "test_b", 2, 2),
    row("ann", "02", "test_c", 0, 2),
    row("bob", "01", "test_a", 0, 1), row("bob", "01", "test_b", 2, 2),
    row("bob", "02", "test_c", 1.5, 2, manual=1.5),
]


def test_score_table_sums_per_student_and_notebook():
    table = score_table(ROWS)
    assert table.notebooks == ["01", "02"]
    assert table.max_by_notebook == {"01": 3, "02": 2}
    assert table.max_total == 5
    assert table.students == [StudentScores("ann", {"01": 3, "02": 0}, 3),
                              StudentScores("bob", {"01": 2, "02": 1.5}, 3.5)]


def test_pass_rates_count_full_points_in_notebook_order():
    rates = cell_pass_rates(ROWS, {"01": ["test_b", "test_a"]})
    assert rates == [CellPassRate("01", "test_b", 2, passed=2, graded=2),
                     CellPassRate("01", "test_a", 1, passed=1, graded=2),
                     CellPassRate("02", "test_c", 2, passed=0, graded=2)]  # 1.5/2 fails
    assert [r.rate for r in rates] == [1.0, 0.5, 0.0]


def test_cells_missing_from_the_order_come_last_by_name():
    rows = [row("ann", "01", name, 1, 1) for name in ("z", "y", "x")]
    assert [r.cell for r in cell_pass_rates(rows, {"01": ["y"]})] == ["y", "x", "z"]


# --- mistakes ----------------------------------------------------------------------------------

def test_failed_cells_are_the_first_error_of_each_test_cell_with_the_graders_record():
    verdict = {"case": "c", "check": "shape", "verdict": "wrong_shape", "diagnosis": None}
    recorded = cell("test_recorded", error("JacobianCheckError", "Wrong."))
    recorded["metadata"]["autograder"] = verdict
    notebook = {"cells": [
        cell("answer", error("NameError", "name 'np' is not defined"), grade=False),
        cell("test_shape", error("NotImplementedError"), error("Other")),
        cell("test_values"),
        recorded,
        {"cell_type": "markdown", "source": "", "metadata": {}},
    ]}
    assert failed_cells("ann", "01", notebook) == [
        FailedCell("ann", "01", "test_shape", "NotImplementedError", ""),
        FailedCell("ann", "01", "test_recorded", "JacobianCheckError", "Wrong.", verdict)]


def test_numbers_are_normalised_in_the_first_line():
    assert normalise_message("\nreturned shape (256, 10, 1.5e-3), -2 of 7.\nsecond") == (
        "returned shape (N, N, N), N of N.")


def test_shapes_in_symbols_keep_their_symbols_and_lose_their_numbers():
    assert normalise_message("Your Jacobian has the shape of yhat, (B, D) = (256, 10): it "
                             "looks like the gradient, without the output's axis (1,).") == (
        "Your Jacobian has the shape of yhat, (B, D): it looks like the gradient, without "
        "the output's axis (N,).")
    assert normalise_message("Expected (B, 1, D) = (29, 1, 7) after 3 tries") == (
        "Expected (B, 1, D) after N tries")


def test_diagnosed_failures_are_counted_by_case_check_and_diagnosis():
    sign = "Your Jacobian has the wrong sign: its negative is right."
    errors = [failed(student, check_failure(sign, diagnosis="sign_flipped"))
              for student in ("ann", "bob")]
    errors.append(failed("bob", check_failure(sign, diagnosis="sign_flipped"), cell="test_2"))
    assert count_mistakes(errors) == [Mistake(
        "02", "scalar_wrt_vector", "values", "diagnosis", "sign_flipped", sign, failures=3,
        students=("ann", "bob"))]


def test_without_diagnosis_failures_are_grouped_by_verdict_and_first_line_without_sizes():
    errors = [
        failed("ann", check_failure("Returned shape (256, 10), expected (256, 1, 10).",
                                    check="shape", verdict="wrong_shape")),
        failed("bob", check_failure("Returned shape (7, 3), expected (7, 1, 3).",
                                    check="shape", verdict="wrong_shape")),
        failed("cy", check_failure("3 of 2560 entries differ (0.1%).")),
        failed("dee", check_failure("40 of 2560 entries differ (1.6%).")),
        failed("eve", check_failure("Returned a list of strings.", check="shape",
                                    verdict="wrong_type")),
    ]
    counted = {(m.check, m.name, m.example): m.students for m in count_mistakes(errors)}
    assert counted == {
        ("shape", "wrong_shape", "Returned shape (N, N), expected (N, N, N)."): ("ann", "bob"),
        ("values", "wrong_values", "N of N entries differ (N%)."): ("cy", "dee"),
        ("shape", "wrong_type", "Returned a list of strings."): ("eve",),
    }
    assert all(m.kind == "verdict" for m in count_mistakes(errors))


def test_errors_of_the_students_code_are_counted_by_name_after_the_checks_failures():
    errors = [
        failed("ann", "", "NotImplementedError"), failed("bob", "", "NotImplementedError"),
        failed("cy", "", "NotImplementedError"),
        failed("ann", "name 'W' is not defined", "NameError", cell="test_2"),
        failed("cy", check_failure("Wrong.", diagnosis="scaled")),
        failed("dee", "", "KeyboardInterrupt"),  # a timeout: a run problem, not a mistake
    ]
    assert [(m.kind, m.name, m.students, m.example) for m in count_mistakes(errors)] == [
        ("diagnosis", "scaled", ("cy",), "Wrong."),
        ("error", "NotImplementedError", ("ann", "bob", "cy"), ""),
        ("error", "NameError", ("ann",), "name 'W' is not defined"),
    ]


# --- problems ----------------------------------------------------------------------------------

def record(outcome, *findings):
    return StudentRecord("fingerprint", outcome, list(findings))


def test_timeouts_are_seen_in_the_notebooks():
    assert timed_out({"cells": [cell("test", error("KeyboardInterrupt"))]})
    assert timed_out({"cells": [cell("answer", error("CellTimeoutError"), grade=False)]})
    assert not timed_out({"cells": [cell("test", error("NotImplementedError"))]})


def test_problems_come_from_the_records_and_the_notebooks():
    records = {
        "ann": record(Outcome("ann", "failed", failures=[NotebookFailure("*", "died")])),
        "bob": record(Outcome("bob", "partial", timed_out=["01"],
                              failures=[NotebookFailure("02", "not valid JSON")]),
                      Finding("03", "missing_notebook", "03.ipynb was not submitted")),
        "cy": record(Outcome("cy", "graded")),
    }
    timeout = Flag("timed_out", "a cell ran past the execution timeout (it scores 0)")
    problems = student_problems(records, {"bob": [("01", timeout)], "dee": [("05", timeout)]})
    assert problems == [
        StudentProblem("ann", "failed", "*", "not_graded", "died"),
        StudentProblem("bob", "partial", "01", "timed_out",
                       "a cell ran past the execution timeout (it scores 0)"),
        StudentProblem("bob", "partial", "02", "not_graded", "not valid JSON"),
        StudentProblem("bob", "partial", "03", "missing_notebook", "03.ipynb was not submitted"),
        StudentProblem("dee", "unknown", "05", "timed_out",
                       "a cell ran past the execution timeout (it scores 0)"),
    ]
    assert [p.in_run for p in problems] == [True, True, True, False, True]


def test_without_records_only_the_notebooks_speak():
    notebooks = {("ann", "01"): {"cells": [cell("test", error("KeyboardInterrupt"))]}}
    report = collect_report("hw", ROWS, {}, notebooks, records={})
    assert [(p.student, p.status, p.kind) for p in report.problems] == [
        ("ann", "unknown", "timed_out")]
    assert report.mistakes == []


# --- page and CSV ------------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script>'


def hostile_report():
    rows = [row(HOSTILE, "01", "test_a", 0, 1), row("bob", "01", "test_a", 1, 1)]
    notebooks = {(HOSTILE, "01"): {"cells": [
        cell("test_a", error("ValueError", "<b>bad</b> & worse"))]}}
    records = {HOSTILE: record(Outcome(HOSTILE, "partial",
                                       failures=[NotebookFailure("01", "<i>oops</i>")]))}
    return collect_report("hw<1>", rows, {"01": ["test_a"]}, notebooks, records)


def test_the_page_escapes_everything_students_wrote():
    page = render_page(hostile_report(),
                       ReportImages(b"total", {"01": b"notebook"}, b"rates"), {"a&b": "a&b.csv"})
    for raw in (HOSTILE, "<b>bad", "<i>oops", "hw<1>", "a&b"):
        assert raw not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;bad&lt;/b&gt; &amp; worse" in page
    assert f'src="data:image/png;base64,{base64.b64encode(b"notebook").decode()}"' in page


def test_the_csv_tables_hold_the_report_data():
    report = hostile_report()

    def parse(text):
        return list(csv.reader(io.StringIO(text)))

    assert parse(scores_csv(report)) == [["student", "01", "late_penalty", "total"],
                                         [HOSTILE, "0", "0", "0"], ["bob", "1", "0", "1"]]
    assert parse(cells_csv(report)) == [
        ["notebook", "cell", "points", "passed", "graded", "pass_rate"],
        ["01", "test_a", "1", "1", "2", "0.5"]]
    assert parse(mistakes_csv(report))[1] == [
        "01", "", "", "error", "ValueError", "1", "1", "<b>bad</b> & worse", HOSTILE]
    assert parse(problems_csv(report))[1] == [HOSTILE, "partial", "01", "not_graded",
                                              "<i>oops</i>"]


def test_scores_get_a_bar_per_whole_or_half_point_else_a_histogram():
    assert score_step([0, 4, 3], 4) == 1
    assert score_step([0, 1.5, 3], 4) == 0.5
    assert score_step([0, 1.25], 4) is None
    assert score_step([0, 20.5], 100) is None  # 200 bars: too many
    for scores in ([0, 4, 3], [0, 1.5, 3.25], []):
        assert score_histogram(scores, 4, "01").startswith(PNG_SIGNATURE)


def test_a_missing_course_directory_is_a_clear_error(tmp_path, capsys):
    assert main(["report", ASSIGNMENT, "--course-dir", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err == (
        f"error: course directory {tmp_path / 'nowhere'} does not exist\n")


# --- end to end --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reported_class(graded_class, tmp_path_factory):
    """The end-to-end class (``tests/e2e_class.py``) as graded by `autograder grade`, then
    reported by `autograder report`.

    ``solution``: full marks; ``untouched``: 0; ``mistakes``: 01 timed out, a sign error in 02, a
    hard-coded size in 03, a wrong shape in 05; ``tampering``: a sign error in 02 with its
    values test deleted, a wrong 05 with its values test edited. So 1 of 4 passes the values
    test of 02.
    """
    course = copy_course(graded_class.parallel, tmp_path_factory.mktemp("report") / "course")
    printed = io.StringIO()
    with redirect_stdout(printed):  # in-process: saves the imports of another Python process
        assert main(["report", ASSIGNMENT, "--course-dir", str(course)]) == 0
    return course, printed.getvalue()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


@pytest.mark.nbgrader
def test_the_report_page_shows_scores_pass_rates_and_mistakes(reported_class):
    course, stdout = reported_class
    reports = course / "reports"
    assert stdout.splitlines() == [str(reports / f"{ASSIGNMENT}{suffix}") for suffix in (
        ".html", "-scores.csv", "-cells.csv", "-mistakes.csv", "-problems.csv")]
    page = (reports / f"{ASSIGNMENT}.html").read_text()
    for student in ("solution", "untouched", "mistakes", "tampering"):
        assert f"<td>{student}</td>" in page
    images = dict(re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([^"]+)"', page))
    assert len(images) == 1 + len(cases_of(ASSIGNMENT)) + 1  # the total, each notebook, the rates
    for name in sorted((course / "release" / ASSIGNMENT).glob("*.ipynb")):
        assert base64.b64decode(images[f"scores in {name.stem}"]).startswith(PNG_SIGNATURE)
    assert ('<td>02_scalar_wrt_vector</td><td>test_dloss_dyhat_values</td>'
            '<td class="number">2</td><td class="number">1/4</td><td class="number">25%</td>'
            in page)
    mistakes_of_02 = page.split("<h3>02_scalar_wrt_vector (case <code>scalar_wrt_vector"
                                "</code>)</h3>")[1].split("</table>")[0]
    assert re.search(r'<td>values</td><td>diagnosis: sign_flipped</td>'
                     r'<td class="number">2</td><td class="number">2</td><td>[^<]*</td>'
                     r'<td>mistakes, tampering</td>', mistakes_of_02)


@pytest.mark.nbgrader
def test_the_report_csv_tables_match_the_gradebook(reported_class):
    course, _ = reported_class
    reports = course / "reports"
    expected: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for grade in read_grades(gradebook_url(course), ASSIGNMENT):
        expected[grade.student][grade.notebook] += grade.score
    scores = read_csv(reports / f"{ASSIGNMENT}-scores.csv")
    assert {r["student"]: {k: float(v) for k, v in r.items()
                           if k not in ("student", "late_penalty", "total")}
            for r in scores} == expected
    totals = {r["student"]: float(r["total"]) for r in scores}
    assert totals == {student: sum(by_notebook.values())
                      for student, by_notebook in expected.items()}
    assert (totals["solution"], totals["untouched"]) == (assignment_points(ASSIGNMENT), 0)
    cells = read_csv(reports / f"{ASSIGNMENT}-cells.csv")
    assert len(cells) == sum(len(points_by_test_cell(case)) for case in cases_of(ASSIGNMENT))
    values_02 = next(r for r in cells if r["notebook"] == "02_scalar_wrt_vector"
                     and r["cell"] == "test_dloss_dyhat_values")
    assert (values_02["passed"], values_02["graded"], values_02["pass_rate"]) == ("1", "4", "0.25")
    mistakes = read_csv(reports / f"{ASSIGNMENT}-mistakes.csv")

    def who(notebook, case, check):
        return [(r["kind"], r["students"]) for r in mistakes
                if (r["notebook"], r["case"], r["check"]) == (notebook, case, check)]

    assert who("02_scalar_wrt_vector", "scalar_wrt_vector", "values") == [
        ("diagnosis", "mistakes tampering")]
    assert [students for _, students in who(
        "05_elementwise_nonlinearity", "elementwise_nonlinearity", "shape")] == ["mistakes"]
    assert who("02_scalar_wrt_vector", "", "") == [("error", "untouched")]  # NotImplementedError
    problems = read_csv(reports / f"{ASSIGNMENT}-problems.csv")
    assert sorted((r["student"], r["notebook"], r["kind"]) for r in problems) == [
        ("mistakes", "01_scalar_wrt_scalar", "timed_out"),
        ("tampering", "02_scalar_wrt_vector", "deleted_test"),
        ("tampering", "04_scalar_wrt_matrix", "deleted_test"),
        ("tampering", "05_elementwise_nonlinearity", "edited_test")]


@pytest.mark.nbgrader
def test_an_unknown_or_ungraded_assignment_is_a_clear_error(reported_class, generated_course,
                                                            capsys):
    course, _ = reported_class
    assert main(["report", "homework", "--course-dir", str(course)]) == 2
    assert capsys.readouterr().err == (
        f"error: unknown assignment 'homework': the course has "
        f"{', '.join(sorted(ASSIGNMENTS))}\n")
    assert main(["report", ASSIGNMENT, "--course-dir", str(generated_course)]) == 2
    assert capsys.readouterr().err == (
        f"error: the gradebook {gradebook_url(generated_course)} has no graded submissions of "
        f"'{ASSIGNMENT}' (is the name right? Grade them with: python -m autograder grade "
        f"{ASSIGNMENT})\n")


@pytest.mark.nbgrader
def test_the_report_agrees_with_nbgrader_export_on_a_late_submission(generated_course,
                                                                     tmp_path):
    """A late submission zeroed by nbgrader's late-penalty plugin: the report's total is the
    score `nbgrader export` writes, and the page says a penalty was applied."""
    course = copy_course(generated_course, tmp_path / "course")
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + '\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    with Gradebook(gradebook_url(course)) as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate="2026-11-20 12:00:00 UTC")
    solutions = solution_answers(course, ASSIGNMENT)
    write_submission(course, ASSIGNMENT, "on-time", solutions,
                     timestamp="2026-11-20 11:00:00.000000 UTC")
    write_submission(course, ASSIGNMENT, "late", solutions,
                     timestamp="2026-11-21 12:00:00.000000 UTC")
    run(course, "autograder", "grade", ASSIGNMENT)
    run(course, "nbgrader", "export", "--to", "grades.csv")
    exported = {r["student_id"]: float(r["score"]) for r in read_csv(course / "grades.csv")}
    full = assignment_points(ASSIGNMENT)
    assert exported == {"on-time": full, "late": 0.0}
    files = write_report(course, ASSIGNMENT, tmp_path / "out")
    totals = {r["student"]: float(r["total"]) for r in read_csv(files.scores)}
    assert totals == exported
    assert {r["student"]: r["late_penalty"] for r in read_csv(files.scores)} == {
        "on-time": "0", "late": f"{full:g}"}
    assert "A late penalty was applied to 1 student(s)" in files.page.read_text()


@pytest.mark.nbgrader
def test_a_class_graded_by_plain_nbgrader_has_a_report_too(reported_class, tmp_path):
    course = Path(shutil.copytree(reported_class[0], tmp_path / "course",
                                  ignore=shutil.ignore_patterns(".autograder", "reports")))
    files = write_report(course, ASSIGNMENT, tmp_path / "out")
    assert files.page == tmp_path / "out" / f"{ASSIGNMENT}.html"
    assert files.scores.read_text() == (
        reported_class[0] / "reports" / f"{ASSIGNMENT}-scores.csv").read_text()
