"""How many notebooks per second the instructor's process records into the gradebook, on
sqlite and on a real PostgreSQL server, side by side.

On a cluster, every graded notebook comes back to the instructor's process, which records it
in the course's gradebook through nbgrader's own ``Autograde``, with the worker's graded
notebook in place of sanitizing and running the submission
(:class:`autograder.cluster.dispatch.Recorder`, :mod:`autograder.cluster.replay`). That one
process is the run's only gradebook writer, so its rate bounds how many workers a run can
keep busy. This benchmark grades a few synthetic students once on a grading station
(:class:`autograder.cluster.station.Station`, as a cluster worker does), then records their
results again and again, as new students each time, into a fresh course on each database --
the same code path as ``grade --scheduler``, timed alone -- and checks that every recorded
score is the station's. It prints, per database, the notebooks and students recorded per
second, the CPU seconds per notebook of this process (and of the PostgreSQL server), and the
number of grading workers one instructor process can feed when a worker spends
``--grading-seconds`` of a core per notebook (``bench_grade.py`` measures it): at the rate
measured, and with a core of its own (at its CPU seconds per notebook: the figure to trust
on a busy machine).

Run: ``.venv/bin/python benchmarks/bench_gradebook.py [--assignment jacobians] [--graded 4]
[--students 60]``. PostgreSQL: the distribution's server (``make postgres``), started for the
run in a temporary folder (:mod:`tests.postgres_server`). Course directories are kept in
``.bench/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402
from traitlets.config import Config  # noqa: E402

from autograder.cluster.dispatch import Recorder  # noqa: E402
from autograder.cluster.kit import pack_kit, read_files, read_links  # noqa: E402
from autograder.cluster.station import (  # noqa: E402
    Recording,
    Station,
    StationSettings,
    grading_stack,
)
from autograder.grading.settings import RunSettings  # noqa: E402
from benchmarks.bench_grade import BENCH_DIR, fresh_copy, synthetic_course  # noqa: E402
from cases.registry import ASSIGNMENTS, cases_of  # noqa: E402
from course.workspace import run  # noqa: E402
from tests.postgres_server import PostgresServer, postgres_server  # noqa: E402


@dataclass(frozen=True)
class Recorded:
    """What recording a class into one gradebook cost.

    Attributes
    ----------
    students : int
    wall : float
        Seconds from the first recording to the last.
    cpu : float
        CPU seconds of this process (the writer).
    server_cpu : float or None
        CPU seconds of the database server, if it runs apart (PostgreSQL).
    scores_match : bool
        Every recorded score is the one the station graded.
    """

    students: int
    wall: float
    cpu: float
    server_cpu: float | None
    scores_match: bool


def graded_once(base: Path, assignment: str, students: list[str]) -> list[Recording]:
    """The station's recordings of ``students``, graded as a cluster worker grades them."""
    station = Station(pack_kit(base, assignment),
                      StationSettings(assignment=assignment, checks=grading_stack()))
    try:
        recordings = []
        for student in students:
            folder = base / "submitted" / student / assignment
            recordings.append(station.grade(student, read_files(folder), read_links(folder)))
        return recordings
    finally:
        station.close()


def record_class(course: Path, assignment: str, recordings: list[Recording], students: int,
                 server: psutil.Process | None) -> Recorded:
    """Record ``students`` new students into ``course``'s gradebook, the i-th with the
    submission and the recording of ``recordings[i % len(recordings)]``."""
    submitted = course / "submitted"
    replays = []
    for number in range(students):
        recording = recordings[number % len(recordings)]
        name = f"replay{number:04d}"
        shutil.copytree(submitted / recording.student, submitted / name)
        replays.append(replace(recording, student=name))
    settings = RunSettings(root=str(course), assignment=assignment, feedback=False,
                           log=str(course / "grading.log"), config=Config())
    with Recorder(settings) as recorder:
        server_before = _cpu_of(server)
        cpu_before = _own_cpu()
        started = time.perf_counter()
        outcomes = [recorder.record(replay.student, replay) for replay in replays]
        wall = time.perf_counter() - started
        cpu = _own_cpu() - cpu_before
        server_cpu = None if server is None else _cpu_of(server) - server_before
    expected = [recordings[number % len(recordings)].outcome["score"]
                for number in range(students)]
    return Recorded(students, wall, cpu, server_cpu,
                    [outcome.score for outcome in outcomes] == expected)


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_of(server: psutil.Process | None) -> float:
    """CPU seconds of the server's process, of its children that ended (the postmaster reaps
    one backend per connection) and of those still running."""
    if server is None:
        return 0.0
    times = server.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in server.children(recursive=True):
        try:
            child_times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += child_times.user + child_times.system
    return total


@contextmanager
def gradebooks(base: Path, assignment: str, databases: list[str]
               ) -> Iterator[list[tuple[str, Path, psutil.Process | None]]]:
    """A fresh copy of ``base`` per database, its gradebook holding the assignment, with the
    server process of a PostgreSQL one."""
    with ExitStack() as stack:
        courses = []
        for database in databases:
            course = fresh_copy(base, BENCH_DIR / f"gradebook-{database}")
            server = None
            if database == "postgresql":
                postgres: PostgresServer = stack.enter_context(postgres_server())
                url = postgres.database("bench_gradebook")
                config = course / "nbgrader_config.py"
                config.write_text(config.read_text() + f"\nc.CourseDirectory.db_url = {url!r}\n")
                run(course, "nbgrader", "generate_assignment", assignment, "--force")
                server = psutil.Process(int(
                    (postgres.socket / "data" / "postmaster.pid").read_text().split()[0]))
            courses.append((database, course, server))
        yield courses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", choices=list(ASSIGNMENTS),
                        default=next(iter(ASSIGNMENTS)))
    parser.add_argument("--graded", type=int, default=4,
                        help="students graded once on a station (default 4)")
    parser.add_argument("--students", type=int, default=60,
                        help="students recorded into each gradebook (default 60)")
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgresql"],
                        default=["sqlite", "postgresql"])
    parser.add_argument("--grading-seconds", type=float, default=0.3,
                        help="CPU seconds a worker spends grading a notebook (bench_grade.py)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    assignment = args.assignment
    base = synthetic_course(BENCH_DIR / "gradebook-base", assignment, args.graded, args.seed)
    graded = sorted(path.name for path in (base / "submitted").iterdir())
    recordings = graded_once(base, assignment, graded)
    per_student = len(cases_of(assignment))
    notebooks = args.students * per_student
    print(f"{assignment}: {args.graded} students graded once on a station, recorded as "
          f"{args.students} new students ({notebooks} notebooks) into each gradebook")
    print(f"{'':<12}{'wall s':>8}{'notebooks/s':>13}{'students/s':>12}{'CPU ms/nb':>11}"
          f"{'server CPU ms/nb':>18}{'workers fed':>13}{'on a core':>11}")
    results = {}
    with gradebooks(base, assignment, args.databases) as courses:
        for database, course, server in courses:
            result = record_class(course, assignment, recordings, args.students, server)
            results[database] = result
            rate = notebooks / result.wall
            server_cpu = ("" if result.server_cpu is None
                          else f"{1000 * result.server_cpu / notebooks:.1f}")
            on_a_core = notebooks / result.cpu
            print(f"{database:<12}{result.wall:>8.1f}{rate:>13.1f}"
                  f"{args.students / result.wall:>12.2f}{1000 * result.cpu / notebooks:>11.1f}"
                  f"{server_cpu:>18}{rate * args.grading_seconds:>13.0f}"
                  f"{on_a_core * args.grading_seconds:>11.0f}")
    if len(results) == 2:
        print(f"postgresql / sqlite: {results['postgresql'].wall / results['sqlite'].wall:.2f}x "
              "the wall time")
    print(f"workers fed: notebooks/s x {args.grading_seconds} s of a core per notebook (on a "
          "core: with a core of its own, at its CPU ms per notebook); every recorded score is "
          "the station's: "
          f"{'yes' if all(r.scores_match for r in results.values()) else 'NO'}")
    return 0 if all(result.scores_match for result in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
