"""``make demo``: grade a small class end to end with the real nbgrader, in every assignment.

In the scratch course directory ``.demo/`` (git-ignored, rebuilt each run): generate the
assignments, submit a class of six students to each (a full solution, an untouched release
copy, and typical mistakes), autograde them with feedback (``python -m autograder grade``,
nbgrader's autograde in parallel), export the grades, write the course reports, and print
each assignment's table.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.course_config import gradebook_url
from autograder.scores import format_score_table, read_grades, read_penalties
from cases.registry import ASSIGNMENTS, CASES

from .answer_bank import answer
from .classroom import Answers, solution_answers, write_submission
from .workspace import ROOT, new_course_dir, run

DEMO_DIR = ROOT / ".demo"

MISTAKES: dict[str, dict[str, tuple[str, str]]] = {
    "jacobians": {
        "cam-transposed": ("scalar_wrt_vector", "einsum_wrong_output_order"),
        "dee-sign-error": ("vector_wrt_matrix", "negated"),
        "eli-missing-batch-axis": ("elementwise_nonlinearity", "diag_of_first_example"),
        "fay-sum-not-mean": ("scalar_wrt_matrix", "sum_instead_of_mean"),
    },
    "backprop": {
        "cam-softmax-diagonal-only": ("softmax", "diagonal_a_one_minus_a"),
        "dee-cross-entropy-sign": ("softmax_cross_entropy", "y_minus_softmax"),
        "eli-tanh-not-squared": ("tanh", "forgot_the_square"),
        "fay-two-layer-summed": ("two_layer_network", "summed_over_batch"),
    },
}
"""Per assignment, the demo students with one typical mistake: (case, the bank's answer)."""


def demo_class(course: Path, assignment: str) -> dict[str, Answers]:
    """``{student: answers}`` for the demo class of ``assignment``; see :mod:`course.classroom`.

    A full solution, an untouched copy, and the students of :data:`MISTAKES` (an assignment
    without any gets the first two only)."""
    solutions = solution_answers(course, assignment)
    students: dict[str, Answers] = {"ada-full-solution": solutions, "ben-untouched": {}}
    for student, (case, name) in MISTAKES.get(assignment, {}).items():
        wrong, notebook = answer(case, name), CASES[case].notebook
        students[student] = {**solutions,
                             notebook: {**solutions[notebook], wrong.graded: wrong.source}}
    return students


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", default=None, metavar="URL",
                        help="the gradebook, e.g. postgresql://user@host/empty_database "
                             "(default: sqlite in the course directory)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="grade on this Dask cluster ('local': one on this machine)")
    args = parser.parse_args(argv)
    course = new_course_dir(DEMO_DIR)
    if args.db_url:
        config = course / "nbgrader_config.py"
        config.write_text(config.read_text() + "\n# The demo's gradebook (--db-url).\n"
                          f"c.CourseDirectory.db_url = {args.db_url!r}\n")
    print(f"Course directory: {course}")
    for assignment in ASSIGNMENTS:
        grade_demo_class(course, assignment, args.scheduler)
    print(f"Feedback: {course / 'feedback'}/<student>/<assignment>/*.html")
    print(f"Grades:   {course / 'grades.csv'}")
    print(f"Reports:  {course / 'reports'}/<assignment>.html")
    return 0


def grade_demo_class(course: Path, assignment: str, scheduler: str | None = None) -> None:
    """Generate ``assignment``, submit its demo class, grade (on the Dask cluster at
    ``scheduler`` if given), export, report; print the table."""
    print(f"\n== {assignment} ==")
    print(f"1/5 nbgrader generate_assignment {assignment}", flush=True)
    run(course, "nbgrader", "generate_assignment", assignment)
    students = demo_class(course, assignment)
    for student, answers in students.items():
        write_submission(course, assignment, student, answers)
    print(f"2/5 submitted: {', '.join(students)}")
    print("3/5 python -m autograder grade --feedback (nbgrader autograde, in parallel)",
          flush=True)
    cluster = ("--scheduler", scheduler) if scheduler else ()
    graded = run(course, "autograder", "grade", assignment, "--feedback", *cluster)
    print(graded.stdout.strip())
    print("4/5 nbgrader export", flush=True)
    run(course, "nbgrader", "export", "--to", str(course / "grades.csv"))
    print(f"5/5 python -m autograder report {assignment}", flush=True)
    run(course, "autograder", "report", assignment)
    print()
    gradebook = gradebook_url(course)
    print(format_score_table(read_grades(gradebook, assignment),
                             read_penalties(gradebook, assignment)))
    print()


if __name__ == "__main__":
    sys.exit(main())
