"""Students whose grading went wrong, and what was found in their submissions.

From the grading run's records (``python -m autograder grade`` keeps one per student, see
:mod:`autograder.grading.state`) and from what the grader recorded in the autograded notebooks
themselves (:func:`autograder.verify.records.notebook_flags`: timeouts, notebooks that stopped
early, integrity flags), which a plain ``nbgrader autograde`` leaves too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..grading.state import StudentRecord
from ..verify.records import STOPPED, TIMED_OUT, Flag

NO_RECORD = "unknown"
"""The status of a student the grading records do not know (graded by ``nbgrader``)."""

NOT_GRADED = "not_graded"
RUN_PROBLEMS = (NOT_GRADED, TIMED_OUT, STOPPED)
"""Problem kinds of a grading run; every other kind is a finding about the submission (or an
``integrity`` flag)."""


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
        ``not_graded`` (the notebook or submission could not be graded), a flag's kind
        (``timed_out``, ``stopped``, ``integrity``, see :class:`autograder.verify.records.Flag`),
        or a finding's kind (``missing_notebook``, ``deleted_test``, ``edited_test``, ... see
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
                     flags: Mapping[str, Sequence[tuple[str, Flag]]]) -> list[StudentProblem]:
    """Every failure, flag and finding, sorted by student.

    Parameters
    ----------
    records : mapping of str to StudentRecord
        The grading records by student (empty without a state file).
    flags : mapping of str to sequence of (str, Flag)
        ``{student: [(notebook, flag), ...]}`` read from the autograded notebooks.
    """
    problems: set[StudentProblem] = set()
    for student, record in records.items():
        outcome = record.outcome
        problems.update(StudentProblem(student, outcome.status, failure.notebook, NOT_GRADED,
                                       failure.reason) for failure in outcome.failures)
        problems.update(StudentProblem(student, outcome.status, finding.notebook, finding.kind,
                                       finding.detail) for finding in record.findings)
    for student, flagged in flags.items():
        status = records[student].outcome.status if student in records else NO_RECORD
        problems.update(StudentProblem(student, status, notebook, flag.kind, flag.detail)
                        for notebook, flag in flagged)
    return sorted(problems)
