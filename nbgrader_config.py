"""nbgrader configuration of the `jacobians` course (read by every nbgrader command).

Every value that differs from nbgrader 0.9.6's default says why.
"""

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearOutput,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
)

from autograder.late_penalty import AssignmentLatePenalties, LatePenaltyPolicy
from autograder.lms.exchange import LinkFreeExchangeCollect
from autograder.nbgrader_plugins import (
    ClearGraderRecords,
    ClearHiddenTestsInFeedback,
    DropInstructorNotes,
    FlagForInstructor,
    RefuseLinks,
    RepairGradeIds,
    SaveAutoGradesAtOnce,
    ShowStudentContentAsText,
    StripTestTracebacks,
)
from autograder.offline_math import ReadableOffline, template_basedirs
from autograder.submission_exporter import SubmissionExporter
from autograder.verify.executor import VerifiedExecute

c = get_config()  # noqa: F821 -- provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "jacobians-course"

# `nbgrader collect` copies what students submitted to the exchange, and nothing a link
# there points to: nbgrader's own collect follows a symbolic link a student planted in their
# inbound submission (to the course secret, /etc/shadow, ...) and copies its content into
# submitted/. Links, hard links and special files are left out and reported instead.
c.ExchangeFactory.collect = LinkFreeExchangeCollect

# The three directories of the repository (nbgrader's default for solutions is "solution").
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.solution_directory = "solutions"

# An infinite loop is cut off after 10 s per cell (nbgrader's default is 30 s): the cell
# is interrupted and scores 0, the rest of the notebook still runs, the next student is
# graded. The slowest correct answers we know (pure Python loops over every entry) take
# well under 1 s per test cell.
c.Execute.timeout = 10
c.Execute.interrupt_on_timeout = True

# A runaway print loop cannot bloat the graded notebooks or the feedback.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 40

# nbgrader scores a test cell 0 if it wrote anything to stderr, e.g. a NumPy RuntimeWarning
# raised while checking a correct float32 answer. In a Python kernel a failed test is an
# error output, never a stderr stream, so every stderr stream is dropped before scoring.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(?s).*"

# A test cell the student deleted is put back and graded instead of being silently
# skipped (nbgrader's default leaves it ungraded, needing a manual grade).
c.OverwriteCells.add_missing_cells = True

# A submission is read as files: nbgrader follows no link (it would read a link to the course
# secret, the gradebook, source/ or /dev/zero), opens no pipe or device, reads no file over
# 64 MiB and no notebook nesting over 64 levels; what it may not read is neither graded nor
# copied, and a submission too deep or too large to walk is refused: that student's problem,
# with the reason (autograder/submission_files.py).
c.Autograde.exporter_class = SubmissionExporter

# Before anything runs: the grader's records a student copied into a notebook are dropped;
# a notebook submitted as a symbolic link is graded as the blank notebook. A copy-pasted
# graded cell aborts the whole autograde run (jupyter/nbgrader#1083), and a cell whose
# grade_id a student changed fails the notebook: such cells run as plain cells instead; the
# last copy, or the original test put back from the gradebook, is graded.
c.Autograde.sanitize_preprocessors = [
    ClearGraderRecords, RefuseLinks, ClearOutput, RepairGradeIds, OverwriteKernelspec,
    OverwriteCells, CheckCellMetadata,
]

# Graded verdicts are made outside the student's kernel: after the notebook has run, the
# grader calls the student's functions in it on the notebook's sizes and on hidden ones drawn
# from the course secret (course_secret.key, created on first use: keep it), and replaces the
# test cells' outputs with its verdicts, which nbgrader then scores (autograder/verify).
# Last, once the grades are saved (it changes none): the grader's findings -- integrity, no
# sandbox, timeouts, a notebook stopped early, a graded function that differentiates
# numerically -- set nbgrader's own "flagged" mark of the submitted notebook (the formgrader's
# "Flagged?" column), with the reason in a note atop the autograded notebook and in this log;
# a regrade without findings clears the mark the grader set, never one set by hand.
# nbgrader's SaveAutoGrades commits after every cell; SaveAutoGradesAtOnce writes the same rows
# in one transaction per notebook.
c.Autograde.autograde_preprocessors = [
    VerifiedExecute, IgnorePattern, LimitOutput, SaveAutoGradesAtOnce, AssignmentLatePenalties,
    CheckCellMetadata, FlagForInstructor,
]

# A late submission loses points once per assignment, as the policy says, not once per
# notebook as nbgrader's AssignLatePenalties charges its plugin's penalty (autograder/
# late_penalty.py). No penalty unless one is set: e.g. 1 point per started hour, at most 10:
#   c.LatePenaltyPolicy.points = 1
#   c.LatePenaltyPolicy.per = "hour"
#   c.LatePenaltyPolicy.cap = 10
# (nbgrader's c.LateSubmissionPlugin.penalty_method = "zero" works too, and zeroes the whole
# submission.) The due date is the gradebook's: `nbgrader db assignment add jacobians
# --duedate="2027-01-15 23:59 UTC"`, or `python -m autograder new-course --due`.
c.AssignLatePenalties.plugin_class = LatePenaltyPolicy

# Feedback without the grader's notes to the instructor (why a notebook is flagged), and
# without hidden tests: drop the hidden lines from the restored test cells, and
# keep only the message of a failed check, not the traceback quoting the hidden line. What a
# student's code displayed is shown as text and plain images only, and Markdown cells they
# wrote as plain text: no HTML, SVG or JavaScript of theirs reaches a feedback page. The
# course's math is drawn as MathML (no CDN needed) and long lines wrap. (Our preprocessors,
# and our ClearHiddenTests, declare the exporter's display_data_priority configurable, so
# generating feedback logs no "Config option not recognized" warnings.)
c.GenerateFeedback.preprocessors = [
    DropInstructorNotes, GetGrades, ClearHiddenTestsInFeedback, StripTestTracebacks,
    ShowStudentContentAsText, CSSHTMLHeaderPreprocessor, ReadableOffline,
]

# Feedback pages and the formgrader's grading page load no MathJax from a CDN: the course's
# math is MathML (autograder/offline_math.py), offline too. The formgrader reads this file
# from the directory its Jupyter server was started in (or from CourseDirectory.root, if the
# Jupyter configuration sets it): start `jupyter lab` (or `jupyter server`) here.
c.HTMLExporter.extra_template_basedirs = template_basedirs()
