"""Command line: ``python -m autograder grade|report|collect|export|release-solutions
ASSIGNMENT``. Parsing only."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .cluster.access import ClusterTLS, reaching
from .course_config import CommandError
from .grading.run import grade_assignment
from .grading.summary import format_summary
from .lms.collect import collect_downloads, format_collection
from .lms.export import FORMATS, export_grades, format_export
from .lms.patterns import LAYOUTS
from .lms.solutions import format_release, release_solutions


def _course_dir(command: argparse.ArgumentParser) -> None:
    command.add_argument("--course-dir", type=Path, default=Path.cwd(),
                         help="the nbgrader course directory (default: the current directory)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Instructor tools for the jacobians course.")
    commands = parser.add_subparsers(dest="command", required=True)

    grade = commands.add_parser(
        "grade", help="autograde submissions in parallel, with progress and a summary",
        description="Autograde submitted/<student>/ASSIGNMENT/ with nbgrader's own machinery, "
                    "in parallel; only new or changed submissions unless --force.")
    grade.add_argument("assignment")
    _course_dir(grade)
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
    grade.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="grade on the Dask cluster whose scheduler is at ADDRESS "
                            "(tls://host:8786), or on a private cluster of --jobs workers on "
                            "this machine if 'local'")
    grade.add_argument("--tls-ca-file", type=Path, default=None, metavar="FILE",
                       help="with a tls:// scheduler: the certificate of the authority that "
                            "signed the cluster's certificates (as for dask scheduler/worker)")
    grade.add_argument("--tls-cert", type=Path, default=None, metavar="FILE",
                       help="with a tls:// scheduler: your certificate, signed by that "
                            "authority")
    grade.add_argument("--tls-key", type=Path, default=None, metavar="FILE",
                       help="with a tls:// scheduler: your certificate's private key, "
                            "readable by you only (default: in the --tls-cert file)")
    grade.add_argument("--insecure-cluster", action="store_true",
                       help="allow an unencrypted tcp:// scheduler on another machine "
                            "(unsafe: whoever reaches it runs code on its workers and reads "
                            "the course secret)")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="run student code WITHOUT the sandbox, with your rights (unsafe: "
                            "only where the sandbox cannot work, on trusted submissions)")

    report = commands.add_parser(
        "report", help="write the course report: an HTML page with plots, and its CSV tables",
        description="Write a self-contained HTML report of ASSIGNMENT (score distributions, "
                    "pass rate per test cell, common mistakes, grading problems) and the CSV "
                    "tables behind it, from the gradebook and the autograded notebooks.")
    report.add_argument("assignment")
    _course_dir(report)
    report.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="where to write the files (default: COURSE_DIR/reports)")

    collect = commands.add_parser(
        "collect", help="collect submissions from a Canvas or Moodle download (zip_collect)",
        description="Put the submissions of LMS download zips into submitted/<student>/"
                    "ASSIGNMENT/ with nbgrader's zip_collect, after screening the zips; every "
                    "file not collected is listed. Exit status 1 if some were not collected.")
    collect.add_argument("assignment")
    collect.add_argument("downloads", nargs="+", type=Path, metavar="ZIP",
                         help="the zip(s) the LMS downloaded, unchanged")
    collect.add_argument("--from", dest="lms", required=True, choices=sorted(LAYOUTS),
                         help="the LMS the zips come from (its file-name layout)")
    _course_dir(collect)
    collect.add_argument("--force", action="store_true",
                         help="replace the submissions of students collected before")

    export = commands.add_parser(
        "export", help="write the grades as a CSV file Canvas or Moodle imports",
        description="Write ASSIGNMENT's totals (after nbgrader's late penalties) for Canvas's "
                    "gradebook import, Moodle's grading worksheet upload, or as a plain table; "
                    "students without a submission get empty cells. Columns: docs/lms.md.")
    export.add_argument("assignment")
    export.add_argument("--format", dest="grade_format", required=True, choices=FORMATS)
    _course_dir(export)
    export.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help="where to write (default: COURSE_DIR/exports/ASSIGNMENT-FORMAT.csv)")
    export.add_argument("--column", default=None, metavar="NAME",
                        help="canvas only: the gradebook column to fill, as Canvas's export "
                             "names it, e.g. 'Jacobians (123456)' (default: ASSIGNMENT)")

    solutions = commands.add_parser(
        "release-solutions", help="release the solution notebooks after the due date",
        description="Release solutions/ASSIGNMENT/*.ipynb (hidden tests removed) through "
                    "nbgrader's exchange as ASSIGNMENT-solutions, or into a zip for an LMS; "
                    "refused before the gradebook's due date (and extensions) unless --force.")
    solutions.add_argument("assignment")
    _course_dir(solutions)
    solutions.add_argument("--zip", dest="zip_path", type=Path, default=None, metavar="FILE",
                           help="write a zip for an LMS instead of releasing to the exchange")
    solutions.add_argument("--force", action="store_true",
                           help="release even before the due date, or without one")

    args = parser.parse_args(argv)
    try:
        if args.command == "grade":
            if args.jobs is not None and args.jobs < 1:
                parser.error("--jobs must be at least 1")
            tls = ClusterTLS(args.tls_ca_file, args.tls_cert, args.tls_key)
            with reaching(args.scheduler, tls, args.insecure_cluster, sys.stderr):
                run = grade_assignment(
                    args.course_dir, args.assignment, jobs=args.jobs, students=args.student,
                    force=args.force, feedback=args.feedback,
                    fork_kernels=not args.fresh_kernels, sandbox=not args.no_sandbox,
                    student_timeout=args.student_timeout, scheduler=args.scheduler)
            print(format_summary(run))
            return 0 if run.ok else 1
        if args.command == "report":
            from .report import write_report  # matplotlib: only when a report is asked for

            files = write_report(args.course_dir, args.assignment, args.out)
            print("\n".join(map(str, files.paths())))
        if args.command == "collect":
            collection = collect_downloads(args.course_dir, args.assignment, args.lms,
                                           args.downloads, force=args.force)
            print(format_collection(collection))
            return 1 if collection.left_out else 0
        if args.command == "export":
            if args.column is not None and args.grade_format != "canvas":
                parser.error("--column applies to --format canvas only")
            written = export_grades(args.course_dir, args.assignment, args.grade_format,
                                    args.out, column=args.column)
            print(format_export(written))
        if args.command == "release-solutions":
            released = release_solutions(args.course_dir, args.assignment,
                                         zip_path=args.zip_path, force=args.force)
            print(format_release(released))
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
