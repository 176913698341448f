"""The summary printed at the end of a grading run."""

from __future__ import annotations

from statistics import mean, median

from ..terminal import printable
from ..verify.records import INTEGRITY, NUMERICAL_DIFF, STOPPED
from .progress import format_duration
from .run import NO_SANDBOX_WARNING, GradeRun


def format_summary(run: GradeRun) -> str:
    """Counts, problems by student, findings, and the score distribution."""
    graded = [o for o in run.outcomes if o.status == "graded"]
    partial = [o for o in run.outcomes if o.status == "partial"]
    failed = [o for o in run.outcomes if o.status == "failed"]
    lines = [] if run.sandbox else [NO_SANDBOX_WARNING]
    lines += [run.regrading] if run.regrading else []
    where = (f"with {run.jobs} worker(s)" if run.scheduler is None else
             f"on a local Dask cluster of {run.jobs} worker(s)" if run.scheduler == "local" else
             f"on the Dask cluster at {run.scheduler}")
    lines += [f"Graded {len(run.outcomes)} submission(s) in {format_duration(run.seconds)} "
             f"{where}: {len(graded)} complete, {len(partial)} partial, "
             f"{len(failed)} failed; {len(run.skipped)} unchanged, skipped "
             "(--force grades them again)."]
    problems = [o for o in run.outcomes if o.failures or o.timed_out
                or any(flag.kind == STOPPED for flag in o.flags)]
    if problems:
        lines.append("Problems:")
        for outcome in problems:
            for failure in outcome.failures:
                where = "whole submission" if failure.notebook == "*" else failure.notebook
                lines.append(f"  {outcome.student}: {where}: {failure.reason}")
            lines += [f"  {outcome.student}: {flag.notebook}: {flag.detail}"
                      for flag in outcome.flags if flag.kind == STOPPED]
            if outcome.timed_out:
                lines.append(f"  {outcome.student}: a cell timed out (scored 0) in "
                             f"{', '.join(outcome.timed_out)}")
    integrity = [(o.student, flag) for o in run.outcomes for flag in o.flags
                 if flag.kind == INTEGRITY]
    if integrity:
        lines.append("Integrity (the grader's verdicts are scored; look at these notebooks):")
        lines += [f"  {student}: {flag.notebook}: {flag.detail}" for student, flag in integrity]
    numerical = [(o.student, flag) for o in run.outcomes for flag in o.flags
                 if flag.kind == NUMERICAL_DIFF]
    if numerical:
        lines.append("Numerical differentiation (scored as any answer; look at these notebooks):")
        lines += [f"  {student}: {flag.notebook}: {flag.detail}" for student, flag in numerical]
    flagged = {(o.student, notebook) for o in run.outcomes
               for notebook in [*o.timed_out, *(flag.notebook for flag in o.flags)]}
    if flagged:
        lines.append(f"Flagged for you in the formgrader (its \"Flagged?\" column; the reason is "
                     f"atop each autograded notebook): {len(flagged)} notebook(s).")
    findings = [(student, f) for student, found in sorted(run.findings.items()) for f in found]
    if findings:
        lines.append("Found in submissions:")
        lines += [f"  {student}: {f.notebook}: {f.detail}" for student, f in findings]
    scores = [o.score for o in run.outcomes if o.score is not None]
    maximum = next((o.max_score for o in run.outcomes if o.max_score), None)
    if scores and maximum:
        lines.append(f"Scores out of {maximum:g}: mean {mean(scores):.1f}, median "
                     f"{median(scores):g}, min {min(scores):g}, max {max(scores):g}.")
    return "\n".join(map(printable, lines))
