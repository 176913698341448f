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
from cases.registry import ASSIGNMENTS

from .classroom import Answers, solution_answers, write_submission
from .workspace import ROOT, new_course_dir, run

DEMO_DIR = ROOT / ".demo"

TRANSPOSED = '''\
def dloss_dyhat(y, yhat):
    return -np.einsum("i,bj->bji", np.ones(1), y - yhat)  # (B, D, 1): input before output
'''

SIGN_ERROR = '''\
def dyhat_dW(W, x):
    return -np.einsum("ij,bk->bijk", np.eye(W.shape[0]), x)
'''

MISSING_BATCH_AXIS = '''\
def da_dh(h):
    s = 1 / (1 + np.exp(-h))
    return np.diag((s * (1 - s)).mean(axis=0))  # (D, D): one Jacobian for the whole batch
'''

SUM_NOT_MEAN = '''\
def dloss_dW(y, W, x):
    diff = y - x @ W.T
    return -np.einsum("bi,bk->ik", diff, x)[None]  # summed over the batch, not averaged
'''


DIAGONAL_ONLY_SOFTMAX = '''\
def da_dh(h):
    a = np.exp(h) / np.exp(h).sum(axis=1, keepdims=True)
    return np.einsum("bi,ij->bij", a * (1 - a), np.eye(h.shape[1]))  # the diagonal alone
'''

CROSS_ENTROPY_SIGN = '''\
def dloss_dh(y, h):
    a = np.exp(h) / np.exp(h).sum(axis=1, keepdims=True)
    return (y - a)[:, None, :]
'''

TANH_NOT_SQUARED = '''\
def da_dh(h):
    return np.einsum("bi,ij->bij", 1 - np.tanh(h), np.eye(h.shape[1]))
'''

TWO_LAYER_SUMMED = '''\
def dloss_dW1(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * (1 - a ** 2)
    return (delta.T @ x)[None]  # summed over the batch, not averaged
'''

MISTAKES: dict[str, dict[str, tuple[str, str, str]]] = {
    "jacobians": {
        "cam-transposed": ("02_scalar_wrt_vector", "dloss_dyhat", TRANSPOSED),
        "dee-sign-error": ("03_vector_wrt_matrix", "dyhat_dW", SIGN_ERROR),
        "eli-missing-batch-axis": ("05_elementwise_nonlinearity", "da_dh", MISSING_BATCH_AXIS),
        "fay-sum-not-mean": ("04_scalar_wrt_matrix", "dloss_dW", SUM_NOT_MEAN),
    },
    "backprop": {
        "cam-softmax-diagonal-only": ("01_softmax", "da_dh", DIAGONAL_ONLY_SOFTMAX),
        "dee-cross-entropy-sign": ("02_softmax_cross_entropy", "dloss_dh", CROSS_ENTROPY_SIGN),
        "eli-tanh-not-squared": ("05_tanh", "da_dh", TANH_NOT_SQUARED),
        "fay-two-layer-summed": ("06_two_layer_network", "dloss_dW1", TWO_LAYER_SUMMED),
    },
}
"""Per assignment, the demo students with one typical mistake: (notebook, cell, source)."""


def demo_class(course: Path, assignment: str) -> dict[str, Answers]:
    """``{student: answers}`` for the demo class of ``assignment``; see :mod:`course.classroom`.

    A full solution, an untouched copy, and the students of :data:`MISTAKES` (an assignment
    without any gets the first two only)."""
    solutions = solution_answers(course, assignment)
    students: dict[str, Answers] = {"ada-full-solution": solutions, "ben-untouched": {}}
    for student, (notebook, grade_id, source) in MISTAKES.get(assignment, {}).items():
        students[student] = {**solutions, notebook: {**solutions[notebook], grade_id: source}}
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
