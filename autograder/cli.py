"""Command line: ``python -m autograder grade|report ASSIGNMENT``. Parsing only."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .course_config import CommandError
from .grading.run import grade_assignment
from .grading.summary import format_summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Instructor tools for the jacobians course.")
    commands = parser.add_subparsers(dest="command", required=True)

    grade = commands.add_parser(
        "grade", help="autograde submissions in parallel, with progress and a summary",
        description="Autograde submitted/<student>/ASSIGNMENT/ with nbgrader's own machinery, "
                    "in parallel; only new or changed submissions unless --force.")
    grade.add_argument("assignment")
    grade.add_argument("--course-dir", type=Path, default=Path.cwd(),
                       help="the nbgrader course directory (default: the current directory)")
    grade.add_argument("--jobs", "-j", type=int, default=None,
                       help="worker processes (default: the number of CPU cores)")
    grade.add_argument("--student", action="append", default=[], metavar="ID",
                       help="grade only this student (a glob; repeatable)")
    grade.add_argument("--force", action="store_true",
                       help="grade again even if the submission is unchanged")
    grade.add_argument("--feedback", action="store_true",
                       help="also generate feedback for the graded students")
    grade.add_argument("--fresh-kernels", action="store_true",
                       help="start every kernel from scratch instead of forking it from a "
                            "warm process (slower; for comparison)")
    grade.add_argument("--student-timeout", type=float, default=900.0, metavar="SECONDS",
                       help="kill the grading of one student after this long (default 900)")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="run student code WITHOUT the sandbox, with your rights (unsafe: "
                            "only where the sandbox cannot work, on trusted submissions)")

    report = commands.add_parser(
        "report", help="write the course report: an HTML page with plots, and its CSV tables",
        description="Write a self-contained HTML report of ASSIGNMENT (score distributions, "
                    "pass rate per test cell, common mistakes, grading problems) and the CSV "
                    "tables behind it, from the gradebook and the autograded notebooks.")
    report.add_argument("assignment")
    report.add_argument("--course-dir", type=Path, default=Path.cwd(),
                        help="the nbgrader course directory (default: the current directory)")
    report.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="where to write the files (default: COURSE_DIR/reports)")

    args = parser.parse_args(argv)
    try:
        if args.command == "grade":
            if args.jobs is not None and args.jobs < 1:
                parser.error("--jobs must be at least 1")
            run = grade_assignment(
                args.course_dir, args.assignment, jobs=args.jobs, students=args.student,
                force=args.force, feedback=args.feedback, fork_kernels=not args.fresh_kernels,
                sandbox=not args.no_sandbox,
                student_timeout=args.student_timeout)
            print(format_summary(run))
            return 0 if run.ok else 1
        if args.command == "report":
            from .report import write_report  # matplotlib: only when a report is asked for

            files = write_report(args.course_dir, args.assignment, args.out)
            print("\n".join(map(str, files.paths())))
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
