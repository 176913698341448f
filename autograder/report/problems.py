"""Students whose grading went wrong, and what was found in their submissions.

From the grading run's records (``python -m autograder grade`` keeps one per student, see
:mod:`autograder.grading.state`) and from the autograded notebooks themselves, so that a
timeout is seen also after a plain ``nbgrader autograde``, which keeps no records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..grading.state import StudentRecord

NO_RECORD = "unknown"
"""The status of a student the grading records do not know (graded by ``nbgrader``)."""

NOT_GRADED = "not_graded"
TIMED_OUT = "timed_out"
RUN_PROBLEMS = (NOT_GRADED, TIMED_OUT)
"""Problem kinds of a grading run; every other kind is a finding about the submission."""

_TIMEOUT_DETAIL = "a cell ran past the execution timeout (it scores 0)"


@dataclass(frozen=True, order=True)
class StudentProblem:
    """One problem of one student.

    Attributes
    ----------
    student : str
    status : str
        The student's grading status: ``graded``, ``partial``, ``failed``, or ``unknown``
        without a grading record.
    notebook : str
        Notebook name, or ``"*"`` for the whole submission.
    kind : str
        ``not_graded`` (the notebook or submission could not be graded), ``timed_out``, or
        a finding's kind (``missing_notebook``, ``deleted_test``, ``edited_test``, ... see
        :class:`autograder.grading.scan.Finding`).
    detail : str
        The reason, in words an instructor can act on.
    """

    student: str
    status: str
    notebook: str
    kind: str
    detail: str

    @property
    def in_run(self) -> bool:
        """Whether this is a problem of the grading run rather than a finding."""
        return self.kind in RUN_PROBLEMS


def student_problems(records: Mapping[str, StudentRecord],
                     timed_out_notebooks: Mapping[str, Sequence[str]]) -> list[StudentProblem]:
    """Every failure, timeout and finding, sorted by student.

    Parameters
    ----------
    records : mapping of str to StudentRecord
        The grading records by student (empty without a state file).
    timed_out_notebooks : mapping of str to sequence of str
        ``{student: notebooks whose autograded version shows a timeout}``; merged with the
        timeouts the records hold.
    """
    problems: set[StudentProblem] = set()
    for student, record in records.items():
        outcome = record.outcome
        problems.update(StudentProblem(student, outcome.status, failure.notebook, NOT_GRADED,
                                       failure.reason) for failure in outcome.failures)
        problems.update(StudentProblem(student, outcome.status, notebook, TIMED_OUT,
                                       _TIMEOUT_DETAIL) for notebook in outcome.timed_out)
        problems.update(StudentProblem(student, outcome.status, finding.notebook, finding.kind,
                                       finding.detail) for finding in record.findings)
    for student, notebooks in timed_out_notebooks.items():
        status = records[student].outcome.status if student in records else NO_RECORD
        problems.update(StudentProblem(student, status, notebook, TIMED_OUT, _TIMEOUT_DETAIL)
                        for notebook in notebooks)
    return sorted(problems)
