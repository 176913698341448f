"""Late penalties charged once per assignment, as the course's policy says.

nbgrader's ``AssignLatePenalties`` asks its plugin for a penalty for *each notebook*, so a
policy of "1 point per hour late" costs a five-notebook assignment 5 points per hour.
:class:`AssignmentLatePenalties` asks the plugin once, for the whole submission (its score and
how late it was), and spreads that penalty over the submission's notebooks, in notebook order,
each charged at most its own score: the notebooks' penalties add up to the policy's, and
``nbgrader export``, the formgrader, ``python -m autograder grade`` and its report all show
the same total.

nbgrader grades a submission one notebook at a time, and runs this step after each one; each
run spreads the penalty over the scores the gradebook holds at that moment, so the run after
the last notebook leaves the right split.

:class:`LatePenaltyPolicy` is a plugin for the common policy: so many points per started hour
or day late, up to a cap. nbgrader's own ``LateSubmissionPlugin`` (``penalty_method = "zero"``)
and any plugin of the same interface work too, now once per assignment.
"""

from __future__ import annotations

import math

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.plugins import LateSubmissionPlugin
from nbgrader.preprocessors import AssignLatePenalties
from traitlets import Enum, Float

SECONDS_PER = {"hour": 3600, "day": 86400}


def policy_penalty(seconds_late: float, *, points: float, per: str,
                   cap: float | None) -> float:
    """``points`` for every started ``per`` (hour or day) late, at most ``cap`` points.

    >>> policy_penalty(3601, points=1, per="hour", cap=None)
    2.0
    >>> policy_penalty(10 * 86400, points=2, per="day", cap=5)
    5.0
    """
    if seconds_late <= 0:
        return 0.0
    penalty = points * math.ceil(seconds_late / SECONDS_PER[per])
    return float(penalty if cap is None else min(penalty, cap))


def spread(penalty: float, scores: list[float]) -> list[float]:
    """Each notebook's share of ``penalty``: in order, each at most its own score.

    >>> spread(5, [4, 4, 4])
    [4, 1, 0]
    """
    shares, remaining = [], max(0.0, penalty)
    for score in scores:
        share = min(remaining, max(0.0, score))
        shares.append(share)
        remaining -= share
    return shares


class LatePenaltyPolicy(LateSubmissionPlugin):
    """So many points per started hour or day late, up to a cap, charged once per assignment
    (with :class:`AssignmentLatePenalties`). Without ``points``, nbgrader's own
    ``penalty_method`` applies (``"none"``, its default, or ``"zero"``)."""

    points = Float(0.0, help="Points taken for every started unit (--per) late.").tag(
        config=True)
    per = Enum(tuple(SECONDS_PER), default_value="day",
               help="The unit of lateness: 'hour' or 'day'; a started unit counts whole.").tag(
                   config=True)
    cap = Float(None, allow_none=True,
                help="The most points a late submission loses (default: all of them).").tag(
                    config=True)

    def late_submission_penalty(self, student_id: str, score: float,
                                total_seconds_late: float) -> float | None:
        if not self.points:
            return super().late_submission_penalty(student_id, score, total_seconds_late)
        return policy_penalty(total_seconds_late, points=self.points, per=self.per,
                              cap=self.cap)


class AssignmentLatePenalties(AssignLatePenalties):
    """``AssignLatePenalties``, charging the plugin's penalty once per assignment (see the
    module docstring)."""

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict
                   ) -> tuple[NotebookNode, ResourcesDict]:
        assignment_id = resources["nbgrader"]["assignment"]
        student_id = resources["nbgrader"]["student"]
        self.init_plugin()
        with Gradebook(resources["nbgrader"]["db_url"]) as gradebook:
            submission = gradebook.find_submission(assignment_id, student_id)
            penalty = 0.0
            if submission.total_seconds_late > 0:
                charged = self.plugin_inst.late_submission_penalty(
                    student_id, float(submission.score), submission.total_seconds_late)
                penalty = min(float(charged or 0.0), float(submission.score))
                self.log.warning("%s is %s seconds late: late penalty %g for the assignment",
                                 submission, submission.total_seconds_late, penalty)
            if penalty > 0:
                notebooks = sorted(submission.notebooks, key=lambda notebook: notebook.name)
                shares = spread(penalty, [float(notebook.score) for notebook in notebooks])
                for notebook, share in zip(notebooks, shares, strict=True):
                    notebook.late_submission_penalty = share
            else:  # on time, or no penalty: no notebook's name or score to look up
                for notebook in submission.notebooks:
                    notebook.late_submission_penalty = None
            gradebook.db.commit()
        return nb, resources
