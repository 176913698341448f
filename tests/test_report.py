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
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from nbgrader.api import Gradebook

from autograder.cli import main
from autograder.course_config import gradebook_url, load_course_config
from autograder.grading.outcome import NotebookFailure, Outcome
from autograder.grading.scan import Finding, ReleasedCell, read_release
from autograder.grading.state import StudentRecord
from autograder.report import write_report
from autograder.report.contents import collect_report, release_cases
from autograder.report.csv_files import cells_csv, mistakes_csv, problems_csv, scores_csv
from autograder.report.links import feedback_links
from autograder.report.mistakes import (
    FailedCell,
    Mistake,
    count_mistakes,
    failed_cells,
    normalise_message,
)
from autograder.report.page import mistakes_by_notebook, render_page
from autograder.report.plots import ReportImages, score_histogram, score_step
from autograder.report.problems import StudentProblem, student_problems
from autograder.report.score_tables import CellPassRate, cell_pass_rates
from autograder.scores import GradeRow, StudentScores, read_grades, score_table
from autograder.typed_json import stamped
from autograder.verify.plan import plan_cell
from autograder.verify.records import CellRecord, Flag, timed_out
from cases.jacobians import ASSIGNMENT
from cases.registry import ASSIGNMENTS, cases_of
from course.classroom import solution_answers
from course.notebooks import assignment_points, points_by_test_cell
from course.workspace import ROOT, copy_course, run
from tests.handing_in import hand_in

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
    return f"{first_line}\nmore report", CellRecord(case, False, False, check, verdict,
                                                     diagnosis)


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
    verdict = CellRecord("c", False, False, "shape", "wrong_shape")
    recorded = cell("test_recorded", error("JacobianCheckError", "Wrong."))
    recorded["metadata"]["autograder"] = stamped(verdict)
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
        "02", "scalar_wrt_vector", ("values",), "diagnosis", "sign_flipped", sign, failures=3,
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
    counted = {(m.checks, m.name, m.example): m.students for m in count_mistakes(errors)}
    assert counted == {
        (("shape",), "wrong_shape", "Returned shape (N, N), expected (N, N, N)."): ("ann", "bob"),
        (("values",), "wrong_values", "N of N entries differ (N%)."): ("cy", "dee"),
        (("shape",), "wrong_type", "Returned a list of strings."): ("eve",),
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


def raised(student, check, cell, message="dloss_dyhat is not implemented yet."):
    """A test cell whose check found that the student's function raised
    ``NotImplementedError``, with the grader's record."""
    return FailedCell(student, "02", cell, "JacobianCheckError", message, CellRecord(
        "scalar_wrt_vector", False, False, check, "raised", None, "NotImplementedError"))


def test_errors_the_grader_recorded_keep_their_case_and_name_every_check():
    errors = [raised("ann", "values", "test_values"), raised("ann", "shape", "test_shape"),
              raised("ann", "predicted_shape", "test_predicted",
                     "jacobian_shape is not implemented yet."),
              raised("bob", "values", "test_values")]
    assert count_mistakes(errors) == [Mistake(
        "02", "scalar_wrt_vector", ("predicted_shape", "shape", "values"), "error",
        "NotImplementedError", "dloss_dyhat is not implemented yet.", failures=4,
        students=("ann", "bob"))]


def test_one_mistake_found_by_the_shape_and_the_values_cells_is_said_once():
    typed_in = "Your Jacobian has the shape (B, 10, 10): the notebook's output_dim = {} is typed."
    flat = "Returned shape (7, 3), expected (7, 1, 3)."
    errors = [
        failed("ann", check_failure(typed_in.format(10), check="shape", verdict="wrong_shape",
                                    diagnosis="hardcoded_sizes"), cell="test_shape"),
        failed("ann", check_failure(typed_in.format(10), check="values", verdict="wrong_shape",
                                    diagnosis="hardcoded_sizes"), cell="test_values"),
        failed("bob", check_failure(typed_in.format(7), check="values", verdict="wrong_shape",
                                    diagnosis="hardcoded_sizes"), cell="test_values"),
        failed("cy", check_failure(flat, check="values", verdict="wrong_shape"),
               cell="test_values"),
        failed("cy", check_failure(flat, check="shape", verdict="wrong_shape"), cell="test_shape"),
        # another mistake on the same check is a row of its own
        failed("dee", check_failure("Wrong sign.", check="values", diagnosis="sign_flipped")),
    ]
    assert [(m.checks, m.name, m.failures, m.students) for m in count_mistakes(errors)] == [
        (("shape", "values"), "hardcoded_sizes", 3, ("ann", "bob")),
        (("shape", "values"), "wrong_shape", 2, ("cy",)),
        (("values",), "sign_flipped", 1, ("dee",)),
    ]


def test_the_release_names_the_case_of_every_notebook():
    release = read_release(ROOT / "release" / ASSIGNMENT)
    assert release_cases(release) == {case.notebook: (case.key,)
                                      for case in cases_of(ASSIGNMENT)}
    not_planned = {"01": {"test_a": ReleasedCell("assert answer() == 3", True, True),
                          "intro": ReleasedCell("# 01", True, False)}}
    assert release_cases(not_planned) == {"01": ()}


def test_a_notebook_with_only_errors_without_records_still_names_its_case():
    """A notebook graded without the grader's records (its errors name no case)."""
    release = read_release(ROOT / "release" / ASSIGNMENT)
    notebook = next(case for case in cases_of(ASSIGNMENT))
    graded = {("ann", notebook.notebook): {"cells": [
        cell(grade_id, error("NotImplementedError"))
        for grade_id, released in release[notebook.notebook].items() if released.grade]}}
    rows = [row("ann", notebook.notebook, "test_a", 0, 1)]
    report = collect_report(ASSIGNMENT, rows, release, graded, records={})
    (section,) = mistakes_by_notebook(report)
    assert (section.notebook, section.cases) == (notebook.notebook, (notebook.key,))
    assert [(m.kind, m.name, m.checks) for m in section.mistakes] == [
        ("error", "NotImplementedError", ())]


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

HOSTILE = '</script><script>alert("x")</script>\u202e\x1b[2J\x00'
"""A student id that closes a script, opens one, reverses the text's direction, clears the
terminal and ends a C string."""
HOSTILE_MESSAGE = "<b>bad</b> & 'worse' <img src=x onerror=alert(x)>\x07"
MADE = datetime(2027, 1, 15, 9, 30, tzinfo=UTC)
INERT_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "small", "time", "p", "a",
              "h2", "h3", "figure", "img", "div", "details", "summary", "table", "thead",
              "tbody", "tr", "th", "td", "code", "em"}
"""Every element the report page may hold: none runs anything or loads anything."""


def hostile_report():
    rows = [row(HOSTILE, "01", "test_a", 0, 1), row("bob", "01", "test_a", 1, 1)]
    notebooks = {(HOSTILE, "01"): {"cells": [
        cell("test_a", error("ValueError", HOSTILE_MESSAGE))]}}
    records = {HOSTILE: record(Outcome(HOSTILE, "partial",
                                       failures=[NotebookFailure("01", "<i>oops</i>")]))}
    return collect_report("hw<1>", rows, {"01": {"test_a": ReleasedCell("", True, True)}},
                          notebooks, records, course='course "<c>"')


class PageParts(HTMLParser):
    """The elements, attributes and text of an HTML page, as a browser's parser finds them."""

    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.text = set(), [], []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]

    def handle_data(self, data):
        self.text.append(data)


def hostile_page(feedback=None):
    return render_page(hostile_report(), ReportImages(b"total", {"01": b"notebook"}, b"rates"),
                       {"a&b": "a&b.csv"}, made=MADE, feedback=feedback)


def test_the_page_escapes_everything_students_wrote():
    page = hostile_page()
    for raw in ("<script", "<b>bad", "<i>oops", "<img src=x", "hw<1>", "a&b", "\u202e",
                "\x1b", "\x00", "\x07"):
        assert raw not in page
    assert ("&lt;/script&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;\\u202e\\x1b[2J"
            "\\x00") in page
    assert ("&lt;b&gt;bad&lt;/b&gt; &amp; &#39;worse&#39; &lt;img src=x onerror=alert(x)&gt;"
            "\\x07") in page
    assert f'src="data:image/png;base64,{base64.b64encode(b"notebook").decode()}"' in page
    parts = PageParts(page)
    assert parts.tags <= INERT_TAGS
    assert not any(name.startswith("on") for _, name, _ in parts.attributes)
    assert [value for tag, name, value in parts.attributes if name == "src"] == [
        f"data:image/png;base64,{base64.b64encode(data).decode()}"
        for data in (b"total", b"notebook", b"rates")]
    (policy,) = [value for tag, name, value in parts.attributes if name == "content"
                 and "default-src" in value]
    assert "default-src 'none'" in policy and "script" not in policy  # no script may run
    text = "".join(parts.text)
    assert '</script><script>alert("x")</script>\\u202e\\x1b[2J\\x00' in text


def test_the_heading_names_the_assignment_the_course_and_the_date():
    heading = hostile_page().split("<h1>")[1].split("</h1>")[0]
    assert "Course report: hw&lt;1&gt;" in heading
    assert "Course course &#34;&lt;c&gt;&#34;, made" in heading
    assert '<time datetime="2027-01-15T09:30:00+00:00">2027-01-15 09:30 UTC</time>' in heading
    report = collect_report("hw", ROWS, {}, {}, records={})
    page = render_page(report, ReportImages(b"", {"01": b"", "02": b""}, b""), {}, made=MADE)
    assert "Course report: hw\n<small>Made <time" in page  # no course id: no "Course"


def test_feedback_links_reach_only_feedback_pages_that_exist(tmp_path):
    course = tmp_path / "course d'été"
    feedback, reports = course / "feedback", course / "reports"

    def feedback_page(student, notebook="01"):
        path = feedback / student / "hw" / f"{notebook}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("feedback")
        return path

    linked = ["ann", "javascript:alert(1)", 'a"b <c> 100% #x?y', "zoë"]
    for student in linked:
        feedback_page(student)
    (course / "hw").mkdir()
    (course / "hw" / "01.html").write_text("not feedback")  # what ".." would reach
    (feedback / "eve").symlink_to(feedback / "ann")  # a linked folder
    (feedback / "fay" / "hw").mkdir(parents=True)
    (feedback / "fay" / "hw" / "01.html").symlink_to(feedback / "ann" / "hw" / "01.html")
    (feedback / "gus" / "hw" / "01.html").mkdir(parents=True)  # not a file
    ids = [*linked, "..", ".", "", "ann/../ann", "eve", "fay", "gus", "hal"]
    links = feedback_links(feedback, reports, "hw", [(student, "01") for student in ids]
                           + [("ann", "02"), ("ann", "../01")])
    assert sorted(links) == sorted((student, "01") for student in linked)
    page_url = reports.as_uri() + "/"
    for (student, notebook), href in links.items():
        assert href.startswith("../feedback/") and ":" not in href and "#" not in href
        target = unquote(urljoin(page_url, href).removeprefix("file://"))
        assert Path(target) == feedback / student / "hw" / f"{notebook}.html"


def test_the_page_links_each_score_to_its_feedback_page():
    page = hostile_page({(HOSTILE, "01"): "../feedback/x/hw%3C1%3E/01.html"})
    parts = PageParts(page)
    assert [value for tag, name, value in parts.attributes if tag == "a" and name == "href"
            and "feedback" in value] == ["../feedback/x/hw%3C1%3E/01.html"]
    assert "a score links to the student's\nfeedback page" in page
    bob = page.split("<tr><td>bob</td>")[1].split("</tr>")[0]
    assert "<a " not in bob


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
        "01", "", "", "error", "ValueError", "1", "1", HOSTILE_MESSAGE, HOSTILE]
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

FEEDBACK_PAGES = [("solution", case.notebook) for case in cases_of(ASSIGNMENT)] + [
    ("mistakes", cases_of(ASSIGNMENT)[1].notebook)]


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
    for student, notebook in FEEDBACK_PAGES:  # feedback generated for some, not all
        page = course / "feedback" / student / ASSIGNMENT / f"{notebook}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("feedback")
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
    # the hard-coded size fails the shape cell and the values cell: one row, both checks
    assert page.count("diagnosis: hardcoded_sizes") == 1
    assert "<td>shape, values</td><td>diagnosis: hardcoded_sizes</td>" in page
    release = read_release(course / "release" / ASSIGNMENT)
    for case in cases_of(ASSIGNMENT):  # untouched fails every notebook with errors only
        section = page.split(f"<h3>{case.notebook} (case <code>{case.key}</code>)</h3>")[1]
        checks = re.search(r"<td>([a-z_, ]*)</td><td>error: NotImplementedError</td>",
                           section.split("</table>")[0])
        planned = {check.check for grade_id, cell in release[case.notebook].items()
                   if cell.grade for check in plan_cell(cell.source, grade_id)}
        assert checks and set(checks.group(1).split(", ")) == planned


@pytest.mark.nbgrader
def test_the_report_names_the_course_and_links_the_feedback_pages_that_exist(reported_class):
    course, _ = reported_class
    reports = course / "reports"
    page = (reports / f"{ASSIGNMENT}.html").read_text()
    heading = page.split("<h1>")[1].split("</h1>")[0]
    course_id = load_course_config(course).CourseDirectory.course_id
    assert course_id and f"Course {course_id}, made <time" in heading
    links = re.findall(r'<a href="(\.\./feedback/[^"]+)">', page)
    assert sorted(Path(unquote(urljoin(reports.as_uri() + "/", href).removeprefix("file://")))
                  for href in links) == sorted(
        course / "feedback" / student / ASSIGNMENT / f"{notebook}.html"
        for student, notebook in FEEDBACK_PAGES)


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

    def who(notebook, case, checks):
        return [(r["kind"], r["students"]) for r in mistakes
                if (r["notebook"], r["case"], r["checks"]) == (notebook, case, checks)]

    assert who("02_scalar_wrt_vector", "scalar_wrt_vector", "values") == [
        ("diagnosis", "mistakes tampering")]
    assert [students for _, students in who(
        "05_elementwise_nonlinearity", "elementwise_nonlinearity", "shape values")] == [
        "mistakes"]
    assert [r["students"] for r in mistakes if r["notebook"] == "02_scalar_wrt_vector"
            and r["mistake"] == "NotImplementedError"] == ["untouched"]
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
                                                                     tmp_path, capsys):
    """A late submission zeroed by nbgrader's late-penalty plugin: the report's total is the
    score `nbgrader export` writes, and the page says a penalty was applied. Each student hands
    in the first notebook, solved, and no other (the others score 0 without running)."""
    course = copy_course(generated_course, tmp_path / "course")
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + '\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    with Gradebook(gradebook_url(course)) as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate="2026-11-20 12:00:00 UTC")
    first = cases_of(ASSIGNMENT)[0]
    solved = {first.notebook: solution_answers(course, ASSIGNMENT)[first.notebook]}
    for student, time in (("on-time", "2026-11-20 11:00:00"), ("late", "2026-11-21 12:00:00")):
        hand_in(course, ASSIGNMENT, student, solved, [first.notebook],
                timestamp=f"{time}.000000 UTC")
    assert main(["grade", ASSIGNMENT, "--course-dir", str(course)]) == 0
    capsys.readouterr()
    run(course, "nbgrader", "export", "--to", "grades.csv")
    exported = {r["student_id"]: float(r["score"]) for r in read_csv(course / "grades.csv")}
    points = sum(points_by_test_cell(first).values())
    assert exported == {"on-time": points, "late": 0.0}
    files = write_report(course, ASSIGNMENT, tmp_path / "out")
    totals = {r["student"]: float(r["total"]) for r in read_csv(files.scores)}
    assert totals == exported
    assert {r["student"]: r["late_penalty"] for r in read_csv(files.scores)} == {
        "on-time": "0", "late": f"{points:g}"}
    assert "A late penalty was applied to 1 student(s)" in files.page.read_text()


@pytest.mark.nbgrader
def test_a_class_graded_by_plain_nbgrader_has_a_report_too(reported_class, tmp_path):
    course = Path(shutil.copytree(reported_class[0], tmp_path / "course",
                                  ignore=shutil.ignore_patterns(".autograder", "reports")))
    files = write_report(course, ASSIGNMENT, tmp_path / "out")
    assert files.page == tmp_path / "out" / f"{ASSIGNMENT}.html"
    assert files.scores.read_text() == (
        reported_class[0] / "reports" / f"{ASSIGNMENT}-scores.csv").read_text()
