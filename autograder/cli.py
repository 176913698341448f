"""Command line: ``python -m autograder grade|report|collect|export|release-solutions
ASSIGNMENT``, ``new-course DIR`` and ``doctor``. Parsing only."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from .cluster.access import ClusterTLS, reaching
from .cluster.dispatch import DaskCluster
from .command_error import CommandError
from .course_lock import Holder, course_lock
from .doctor import examine, format_findings
from .grading.backend import Backend, LocalPool
from .grading.run import grade_assignment
from .grading.settings import options_config
from .grading.summary import format_summary
from .lms.collect_downloads import collect_downloads, format_collection
from .lms.export import FORMATS, export_grades, format_export
from .lms.patterns import LAYOUTS
from .lms.solutions import format_release, release_solutions
from .new_course import LatePolicy, format_new_course, new_course, parse_due_dates

GRADESCOPE = "gradescope"
"""The export that is an autograder zip, not grades (:mod:`.gradescope.export`)."""


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
                    "in parallel; only new or changed submissions unless --force.",
        epilog="Any setting of nbgrader_config.py can be given as for nbgrader autograde, "
               "--Class.name=VALUE (e.g. --Execute.timeout=30); it wins over the file. "
               "--no-sandbox, --fresh-kernels and --student-timeout are such settings.")
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
                            "warm process (slower; for comparison): "
                            "--VerifiedExecute.fork_kernels=False")
    grade.add_argument("--student-timeout", type=float, default=None, metavar="SECONDS",
                       help="kill the grading of one student after this long (default 900): "
                            "--GradingSupervisor.student_timeout=SECONDS")
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
                            "only where the sandbox cannot work, on trusted submissions): "
                            "--VerifiedExecute.sandbox=False")

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
        "export", help="write the grades as a CSV file Canvas or Moodle imports, or a "
                       "Gradescope autograder",
        description="Write ASSIGNMENT's totals (after nbgrader's late penalties) for Canvas's "
                    "gradebook import, Moodle's grading worksheet upload, or as a plain table; "
                    "students without a submission get empty cells. Columns: docs/lms.md. "
                    "--format gradescope writes instead the autograder zip that grades "
                    "ASSIGNMENT on Gradescope (README, Gradescope).")
    export.add_argument("assignment")
    export.add_argument("--format", dest="grade_format", required=True,
                        choices=(*FORMATS, GRADESCOPE))
    _course_dir(export)
    export.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help="where to write (default: COURSE_DIR/exports/ASSIGNMENT-FORMAT.csv, "
                             "or .zip)")
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

    course = commands.add_parser(
        "new-course", help="make a course directory ready for its first release",
        description="Make DIR a course directory: this kit's nbgrader_config.py with the "
                    "course's settings, source/ of the assignments, generated with their due "
                    "dates, an exchange and a fresh course secret.")
    course.add_argument("directory", type=Path, metavar="DIR")
    course.add_argument("--assignment", action="append", default=[], metavar="NAME",
                        help="an assignment of the kit to include (repeatable; default: all)")
    course.add_argument("--course-id", default=None,
                        help="nbgrader's course id (default: the directory's name)")
    course.add_argument("--exchange", type=Path, default=None, metavar="DIR",
                        help="nbgrader's exchange (default: DIR/exchange, for your account "
                             "only; give a folder outside DIR for students on this machine)")
    course.add_argument("--due", action="append", default=[], metavar="ASSIGNMENT=DATE",
                        help="a due date, e.g. jacobians='2027-01-15 23:59 UTC' (repeatable)")
    course.add_argument("--late-points", type=float, default=None, metavar="N",
                        help="late penalty: N points per started --late-per, once per "
                             "assignment")
    course.add_argument("--late-per", choices=("hour", "day"), default="day")
    course.add_argument("--late-cap", type=float, default=None, metavar="N",
                        help="the most points a late submission loses (default: all)")

    doctor = commands.add_parser(
        "doctor", help="check that a course is ready to grade, one line per check",
        description="Check the course directory, its gradebook and assignments, the course "
                    "secret, the exchange, the sandbox and the grading stack's versions; each "
                    "problem comes with its fix. Exit status 1 if anything needs fixing.")
    _course_dir(doctor)

    args, settings = parser.parse_known_args(argv)
    if settings and args.command != "grade":
        parser.error(f"unrecognized arguments: {' '.join(settings)}")
    args.settings = settings
    if args.command == "grade" and args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.command == "export" and args.column is not None and args.grade_format != "canvas":
        parser.error("--column applies to --format canvas only")
    try:
        return COMMANDS[args.command](args)
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _holding_the_lock(args: argparse.Namespace) -> AbstractContextManager[None]:
    """The course's lock (:mod:`.course_lock`): one of grade, report, collect and
    release-solutions at a time on a course."""
    return course_lock(args.course_dir, f"python -m autograder {args.command}",
                       on_stale=_report_stale)


def _report_stale(holder: Holder) -> None:
    print(f"note: the previous {holder.describe()} on this course did not finish (it was "
          "killed?); its unfinished work is done now", file=sys.stderr)


def _new_course(args: argparse.Namespace) -> int:
    late = (None if args.late_points is None else
            LatePolicy(args.late_points, args.late_per, args.late_cap))
    made = new_course(args.directory, assignments=args.assignment, course_id=args.course_id,
                      exchange=args.exchange, due=parse_due_dates(args.due), late=late)
    print(format_new_course(made))
    return 0


def _doctor(args: argparse.Namespace) -> int:
    findings = examine(args.course_dir)
    print(format_findings(findings))
    return 0 if all(finding.ok for finding in findings) else 1


def _grade(args: argparse.Namespace) -> int:
    tls = ClusterTLS(args.tls_ca_file, args.tls_cert, args.tls_key)
    backend: Backend = (LocalPool(args.jobs) if args.scheduler is None
                        else DaskCluster(args.scheduler, args.jobs))
    with reaching(args.scheduler, tls, args.insecure_cluster, sys.stderr), \
            _holding_the_lock(args):
        run = grade_assignment(
            args.course_dir, args.assignment, backend=backend, students=args.student,
            force=args.force, feedback=args.feedback,
            config=options_config([*_aliases(args), *args.settings]), stream=sys.stderr)
    print(format_summary(run))
    return 0 if run.ok else 1


def _aliases(args: argparse.Namespace) -> list[str]:
    """The settings that ``grade``'s own options stand for (:func:`options_config`)."""
    return (["--VerifiedExecute.sandbox=False"] * args.no_sandbox
            + ["--VerifiedExecute.fork_kernels=False"] * args.fresh_kernels
            + ([] if args.student_timeout is None else
               [f"--GradingSupervisor.student_timeout={args.student_timeout!r}"]))


def _report(args: argparse.Namespace) -> int:
    from .report import write_report  # matplotlib: only when a report is asked for

    with _holding_the_lock(args):
        files = write_report(args.course_dir, args.assignment, args.out)
    print("\n".join(map(str, files.paths())))
    return 0


def _collect(args: argparse.Namespace) -> int:
    with _holding_the_lock(args):
        collection = collect_downloads(args.course_dir, args.assignment, args.lms,
                                       args.downloads, force=args.force)
    print(format_collection(collection))
    return 1 if collection.left_out else 0


def _export(args: argparse.Namespace) -> int:
    if args.grade_format == GRADESCOPE:
        from .gradescope.export import export_autograder, format_autograder_zip

        print(format_autograder_zip(export_autograder(args.course_dir, args.assignment,
                                                      args.out)))
        return 0
    written = export_grades(args.course_dir, args.assignment, args.grade_format,
                            args.out, column=args.column)
    print(format_export(written))
    return 0


def _release_solutions(args: argparse.Namespace) -> int:
    with _holding_the_lock(args):
        released = release_solutions(args.course_dir, args.assignment,
                                     zip_path=args.zip_path, force=args.force)
    print(format_release(released))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "grade": _grade, "report": _report, "collect": _collect, "export": _export,
    "release-solutions": _release_solutions, "new-course": _new_course, "doctor": _doctor,
}
"""Each command's action: it returns the exit status."""

