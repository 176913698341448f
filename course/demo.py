"""``make demo``: grade a small class end to end with the real nbgrader.

In the scratch course directory ``.demo/`` (git-ignored, rebuilt each run): generate the
assignment, submit a class of six students (a full solution, an untouched release copy, and
typical mistakes), autograde them with feedback (``python -m autograder grade``, nbgrader's
autograde in parallel), export the grades, write the course report, and print the table.
"""

from __future__ import annotations

import sys
from pathlib import Path

from autograder.course_config import gradebook_url
from autograder.scores import format_score_table, read_grades, read_penalties

from .classroom import solution_answers, write_submission
from .notebooks import ASSIGNMENT
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


def demo_class(course: Path) -> dict[str, dict[str, dict[str, str]]]:
    """``{student: answers}`` for the demo class; see :mod:`course.classroom`."""
    solutions = solution_answers(course)

    def with_answer(notebook: str, grade_id: str, source: str) -> dict[str, dict[str, str]]:
        return {**solutions, notebook: {**solutions[notebook], grade_id: source}}

    return {
        "ada-full-solution": solutions,
        "ben-untouched": {},
        "cam-transposed": with_answer("02_scalar_wrt_vector", "dloss_dyhat", TRANSPOSED),
        "dee-sign-error": with_answer("03_vector_wrt_matrix", "dyhat_dW", SIGN_ERROR),
        "eli-missing-batch-axis": with_answer("05_elementwise_nonlinearity", "da_dh",
                                              MISSING_BATCH_AXIS),
        "fay-sum-not-mean": with_answer("04_scalar_wrt_matrix", "dloss_dW", SUM_NOT_MEAN),
    }


def main() -> int:
    course = new_course_dir(DEMO_DIR)
    print(f"Course directory: {course}")
    print("1/5 nbgrader generate_assignment", flush=True)
    run(course, "nbgrader", "generate_assignment", ASSIGNMENT)
    students = demo_class(course)
    for student, answers in students.items():
        write_submission(course, student, answers)
    print(f"2/5 submitted: {', '.join(students)}")
    print("3/5 python -m autograder grade --feedback (nbgrader autograde, in parallel)",
          flush=True)
    graded = run(course, "autograder", "grade", ASSIGNMENT, "--feedback")
    print(graded.stdout.strip())
    print("4/5 nbgrader export", flush=True)
    run(course, "nbgrader", "export", "--to", str(course / "grades.csv"))
    print("5/5 python -m autograder report", flush=True)
    run(course, "autograder", "report", ASSIGNMENT)
    print()
    gradebook = gradebook_url(course)
    print(format_score_table(read_grades(gradebook, ASSIGNMENT),
                             read_penalties(gradebook, ASSIGNMENT)))
    print()
    print(f"Feedback: {course / 'feedback'}/<student>/{ASSIGNMENT}/*.html")
    print(f"Grades:   {course / 'grades.csv'}")
    print(f"Report:   {course / 'reports' / ASSIGNMENT}.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
