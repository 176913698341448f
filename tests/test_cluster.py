"""Grading on a real Dask cluster, with a real PostgreSQL gradebook (``autograder.cluster``).

The class is the end-to-end class (``tests/e2e_class.py``), whose serial ``nbgrader
autograde`` on sqlite is the reference: a run on a cluster must give every gradebook row and
every autograded notebook of that run.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dask
import nbformat
import psutil
import pytest
from distributed import Client, LocalCluster
from distributed.security import Security

from autograder import cli
from autograder.cluster.access import ClusterTLS, dask_settings
from autograder.cluster.dispatch import Recorder
from autograder.cluster.kit import (
    cells_fingerprint,
    make_local_gradebook,
    pack_kit,
    read_files,
    read_links,
    unpack_kit,
    write_files,
    write_links,
)
from autograder.cluster.private import private_local_cluster
from autograder.cluster.replay import replaying
from autograder.cluster.station import Recording, Station, StationSettings
from autograder.command_error import CommandError
from autograder.course_config import gradebook_url, load_course_config, with_scripts_on_path
from autograder.grading.outcome import NotebookFailure, Outcome
from autograder.grading.settings import RunSettings
from cases.jacobians import ASSIGNMENT
from course.workspace import copy_course, run
from tests.gradebooks import autograded_notebooks, gradebook_dump
from tests.postgres_server import postgres_server

BIN = Path(sys.executable).parent
"""The environment's scripts: ``dask``."""

# --- what travels ----------------------------------------------------------------------------


def test_files_travel_without_links_and_never_land_outside_their_folder(tmp_path):
    folder = tmp_path / "submission"
    (folder / "sub").mkdir(parents=True)
    (folder / "01.ipynb").write_bytes(b"{}")
    (folder / "sub" / "data.txt").write_bytes(b"x")
    (tmp_path / "secret").write_text("s")
    (folder / "link.ipynb").symlink_to(tmp_path / "secret")
    (folder / "linked").symlink_to(folder / "sub")
    assert read_files(folder) == {"01.ipynb": b"{}", "sub/data.txt": b"x"}
    assert read_links(folder) == ["link.ipynb", "linked"]
    write_links(read_links(folder), tmp_path / "copy")
    assert [path.name for path in (tmp_path / "copy").iterdir() if path.is_symlink()
            and not path.exists()] == ["link.ipynb", "linked"]  # refused, wherever graded
    for name in ("../escape.txt", "/tmp/escape.txt", "sub/../../escape.txt"):
        with pytest.raises(ValueError, match="refused"):
            write_files({name: b"x"}, tmp_path / "out")
        with pytest.raises(ValueError, match="refused"):
            write_links([name], tmp_path / "out")
    write_files({"a/b.txt": b"y"}, tmp_path / "out")
    assert (tmp_path / "out" / "a" / "b.txt").read_bytes() == b"y"


def test_the_kit_holds_the_config_the_tests_and_the_secret_only(generated_course, tmp_path):
    kit = pack_kit(generated_course, ASSIGNMENT)
    assert pack_kit(generated_course, ASSIGNMENT) == kit  # the same bytes: one copy per worker
    unpack_kit(kit, tmp_path)
    unpacked = read_files(tmp_path)
    assert set(unpacked) == {"nbgrader_config.py", "course_secret.key"} | {
        f"source/{ASSIGNMENT}/{name}" for name in read_files(
            generated_course / "source" / ASSIGNMENT)}
    assert unpacked["course_secret.key"] == (generated_course / "course_secret.key").read_bytes()


def test_a_worker_with_other_checks_refuses_to_grade(generated_course):
    settings = StationSettings(assignment=ASSIGNMENT, checks="another version")
    station = Station(pack_kit(generated_course, ASSIGNMENT), settings)
    try:
        recording = station.grade("ann", {"01_scalar_wrt_scalar.ipynb": b"{}"})
    finally:
        station.close()
    assert recording.notebooks == {}
    assert recording.outcome["status"] == "failed"
    assert "runs another version of the checks, the grader, Python, NumPy or nbgrader" in (
        recording.outcome["failures"][0]["reason"])


# --- recording what a worker graded ----------------------------------------------------------


def test_replay_runs_the_course_s_autograde_preprocessors_but_the_one_that_runs_kernels(
        generated_course, tmp_path):
    course = load_course_config(generated_course).Autograde.autograde_preprocessors
    config = replaying(load_course_config(generated_course), tmp_path)
    assert [step.__name__ for step in config.Autograde.autograde_preprocessors] == [
        step.__name__ for step in course if step.__name__ != "VerifiedExecute"]
    assert config.ReplayingAutograde.recordings == str(tmp_path)


def test_a_gradebook_made_from_the_kit_holds_the_course_s_tests_and_no_other(generated_course,
                                                                           tmp_path):
    here = cells_fingerprint(gradebook_url(generated_course), ASSIGNMENT)
    assert here and cells_fingerprint(gradebook_url(generated_course), "no such") == ""
    unpack_kit(pack_kit(generated_course, ASSIGNMENT), tmp_path / "same")
    made = make_local_gradebook(tmp_path / "same", ASSIGNMENT)
    assert cells_fingerprint(made.db_url, ASSIGNMENT) == here
    unpack_kit(pack_kit(generated_course, ASSIGNMENT), tmp_path / "edited")
    source = tmp_path / "edited" / "source" / ASSIGNMENT / "01_scalar_wrt_scalar.ipynb"
    notebook = nbformat.read(source, as_version=4)
    test_cell = next(cell for cell in notebook.cells
                     if cell.metadata.get("nbgrader", {}).get("grade"))
    test_cell.source += "\nassert True  # one more line in a test cell"
    nbformat.write(notebook, source)
    edited = make_local_gradebook(tmp_path / "edited", ASSIGNMENT)
    assert cells_fingerprint(edited.db_url, ASSIGNMENT) != here


def _recording_of(course: Path, student: str, tests: str, leave_out: str = "") -> Recording:
    """What a station sends back for ``student``, from the course's local grading: the
    autograded notebooks (but ``leave_out``), as graded with the gradebook of ``tests``."""
    folder = course / "autograded" / student / ASSIGNMENT
    notebooks = {name: data for name, data in read_files(folder).items()
                 if name.endswith(".ipynb") and name != leave_out}
    return Recording(student, Outcome(student, "graded").to_json(), notebooks, "worker", tests)


@pytest.mark.nbgrader
def test_a_recording_is_recorded_as_graded_and_refused_if_of_other_tests_or_incomplete(
        graded_class, tmp_path):
    course = copy_course(graded_class.parallel, tmp_path / "course")
    before, notebooks = gradebook_dump(course), autograded_notebooks(course)
    settings = RunSettings(root=str(course), assignment=ASSIGNMENT, feedback=False,
                           log=str(tmp_path / "log"))
    first = sorted((course / "autograded" / "solution" / ASSIGNMENT).glob("*.ipynb"))[0]
    with Recorder(settings) as recorder:
        other = recorder.record("solution", _recording_of(course, "solution", "other tests"))
        assert other.status == "failed" and "graded with other tests than the course's " \
            "gradebook holds" in other.failures[0].reason
        assert gradebook_dump(course) == before and autograded_notebooks(course) == notebooks
        again = recorder.record("solution", _recording_of(course, "solution", recorder.tests))
        assert again.status == "graded" and again.score == again.max_score
        assert gradebook_dump(course) == before and autograded_notebooks(course) == notebooks
        partial = recorder.record("solution", _recording_of(course, "solution", recorder.tests,
                                                            leave_out=first.name))
    assert partial.status == "partial"
    assert [failure.notebook for failure in partial.failures] == [first.stem]
    assert "was not graded on the cluster" in partial.failures[0].reason
    assert not first.exists()


@pytest.mark.nbgrader
def test_a_student_no_worker_could_grade_keeps_the_grades_the_gradebook_held(graded_class,
                                                                           tmp_path):
    course = copy_course(graded_class.parallel, tmp_path / "course")
    before, notebooks = gradebook_dump(course), autograded_notebooks(course)
    settings = RunSettings(root=str(course), assignment=ASSIGNMENT, feedback=False,
                           log=str(tmp_path / "log"))
    refused = Outcome("solution", "failed", failures=[NotebookFailure("*", "refused")])
    with Recorder(settings) as recorder:
        for recording in ("its grading killed several Dask workers in turn",
                          Recording("solution", refused.to_json(), {}, "worker", "")):
            outcome = recorder.record("solution", recording)
            assert outcome.status == "failed" and outcome.failures[0].notebook == "*"
    assert gradebook_dump(course) == before
    assert autograded_notebooks(course) == notebooks


# --- who can use a cluster ----------------------------------------------------------------------

NOBODY = 65534
"""The user id of the intruder: another account on the grading machine."""


def _listening_ports() -> set[int]:
    """The TCP ports this process and its children listen on."""
    me = psutil.Process()
    return {connection.laddr.port for process in [me, *me.children(recursive=True)]
            for connection in process.net_connections(kind="inet")
            if connection.status == psutil.CONN_LISTEN}


def _intrude(ports: set[int], secret: Path) -> list[dict]:
    """What another user of this machine got from each of ``ports`` (tests/cluster_intruder),
    having been refused ``secret`` itself."""
    intruder = subprocess.run(
        [sys.executable, "-m", "tests.cluster_intruder", str(NOBODY)],
        cwd=Path(__file__).parents[1],
        input=json.dumps({"ports": sorted(ports), "secret": str(secret)}),
        capture_output=True, text=True, timeout=300,
        env={"PATH": os.environ["PATH"], "HOME": "/nonexistent"})
    assert intruder.returncode == 0, intruder.stderr
    found = json.loads(intruder.stdout)
    assert found["uid"] == NOBODY and found["direct_read"].startswith("refused"), found
    return found["ports"]


def test_no_other_user_can_reach_the_local_cluster_run_code_or_see_a_dashboard(tmp_path):
    """The cluster of ``grade --scheduler local``: another user of the machine who tries every
    port it opened, as a Dask client (plain, or with a certificate of its own) and over HTTP,
    runs nothing and reads nothing. The same intruder, against the cluster the command made
    before (Dask's defaults: plain TCP on 127.0.0.1), read a root-only file through the
    scheduler and found an HTTP server."""
    secret = tmp_path / "course_secret.key"
    secret.write_text(f"secret-{os.getpid()}")
    secret.chmod(0o600)
    before = _listening_ports()
    with private_local_cluster(2) as client:
        opened = _listening_ports() - before
        assert client.submit(os.getpid, pure=False).result() != os.getpid()  # it serves us
        findings = _intrude(opened, secret)
        assert _listening_ports() - before == opened  # the intruder met the running cluster
    assert 8787 not in opened and len(opened) == 5  # a scheduler, 2 nannies, 2 workers
    assert [finding["port"] for finding in findings] == sorted(opened)
    for finding in findings:
        assert finding["http"] is None, finding
        assert finding["tcp"].startswith("refused") and finding["tls"].startswith("refused"), (
            finding)

    before = _listening_ports()
    with LocalCluster(n_workers=1, processes=False, protocol="tcp://",
                      dashboard_address="127.0.0.1:0") as open_cluster:
        opened = _listening_ports() - before
        findings = _intrude(opened, secret)
        scheduler_port = int(open_cluster.scheduler_address.rsplit(":", 1)[1])
    assert {finding["port"]: finding["tcp"] for finding in findings}[scheduler_port] == (
        f"ran: {secret.read_text()}")
    assert any(finding["http"] for finding in findings)


@pytest.fixture(scope="module")
def cluster_tls(tmp_path_factory) -> Path:
    """The folder of certificates made by the README's commands ("Grading on a cluster")."""
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    recipe = next(block for block in readme.split("```sh\n")[1:]
                  if "openssl req -x509" in block).split("```")[0]
    folder = tmp_path_factory.mktemp("certificates")
    subprocess.run(["bash", "-e", "-c", textwrap.dedent(recipe)], cwd=folder, check=True,
                   capture_output=True)
    return folder / "cluster-tls"


def _tls_options(folder: Path, role: str) -> list[str]:
    return ["--tls-ca-file", str(folder / "ca.pem"), "--tls-cert", str(folder / f"{role}.pem"),
            "--tls-key", str(folder / f"{role}.key")]


def test_an_unencrypted_scheduler_on_another_machine_is_refused_unless_told(tmp_path, capsys):
    assert cli.main(["grade", ASSIGNMENT, "--course-dir", str(tmp_path), "--scheduler",
                     "tcp://192.0.2.1:8786"]) == 2
    refused = capsys.readouterr().err
    assert "refusing the unencrypted Dask scheduler at tcp://192.0.2.1:8786: whoever can " \
           "reach it can run code on its workers" in refused
    assert "tls://192.0.2.1:8786 with --tls-ca-file" in refused
    assert "--insecure-cluster" in refused
    for address in ("192.0.2.1:8786", "ws://cluster.example.edu:8786"):
        with pytest.raises(CommandError, match="refusing the unencrypted"):
            dask_settings(address, ClusterTLS(), insecure=False)
    settings, note = dask_settings("tcp://192.0.2.1:8786", ClusterTLS(), insecure=True)
    assert settings == {} and note is not None and "--insecure-cluster" in note
    settings, note = dask_settings("tcp://127.0.0.1:8786", ClusterTLS(), insecure=False)
    assert settings == {} and note is not None and "every user of this machine" in note


def test_a_tls_scheduler_is_reached_with_the_instructors_certificate_only(tmp_path, capsys,
                                                                          cluster_tls):
    files = ClusterTLS(cluster_tls / "ca.pem", cluster_tls / "instructor.pem",
                       cluster_tls / "instructor.key")
    settings, note = dask_settings("tls://10.0.0.5:8786", files, insecure=False)
    assert note is None and settings["distributed.comm.require-encryption"] is True
    assert settings["distributed.comm.tls.client.cert"] == str(files.cert)
    with pytest.raises(CommandError, match="speaks TLS: give the cluster's certificate"):
        dask_settings("tls://10.0.0.5:8786", ClusterTLS(), insecure=False)
    with dask.config.set({"distributed.comm.tls.ca-file": str(files.ca_file),  # Dask's own
                          "distributed.comm.tls.client.cert": str(files.cert),
                          "distributed.comm.tls.client.key": str(files.key)}):
        assert dask_settings("tls://10.0.0.5:8786", ClusterTLS(), insecure=False) == (
            settings, None)
    with pytest.raises(CommandError, match="not encrypted: write tls://10.0.0.5:8786"):
        dask_settings("tcp://10.0.0.5:8786", files, insecure=False)
    shared = tmp_path / "shared.key"
    shared.write_bytes(files.key.read_bytes())  # type: ignore[union-attr]
    shared.chmod(0o644)
    with pytest.raises(CommandError, match=f"can be read by other users .*chmod 600 {shared}"):
        dask_settings("tls://10.0.0.5:8786", ClusterTLS(files.ca_file, files.cert, shared),
                      insecure=False)
    assert cli.main(["grade", ASSIGNMENT, "--course-dir", str(tmp_path), "--scheduler",
                     "local", *_tls_options(cluster_tls, "instructor")]) == 2
    assert "apply to --scheduler ADDRESS only" in capsys.readouterr().err


# --- a real cluster -----------------------------------------------------------------------------


def _class_course(generated_course: Path, graded_class, destination: Path,
                  db_url: str | None = None, students: tuple[str, ...] = ()) -> Path:
    """A new course holding the end-to-end class's submissions (and their timestamps), or
    those of ``students`` only, on the gradebook ``db_url`` if given (the assignment
    generated into it), else sqlite."""
    course = copy_course(generated_course, destination)
    shutil.copytree(graded_class.serial / "submitted", course / "submitted")
    for folder in (course / "submitted").iterdir():
        if students and folder.name not in students:
            shutil.rmtree(folder)
    if db_url is not None:
        config = course / "nbgrader_config.py"
        config.write_text(config.read_text() + f"\nc.CourseDirectory.db_url = {db_url!r}\n")
        run(course, "nbgrader", "generate_assignment", ASSIGNMENT, "--force")
    return course


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as server:
        yield server


@pytest.mark.nbgrader
def test_a_two_worker_cluster_on_postgresql_losing_a_worker_gives_every_row_of_serial_sqlite(
        generated_course, graded_class, postgres, cluster_tls, tmp_path):
    """The class on a PostgreSQL gradebook, graded on a two-worker Dask cluster secured as the
    README says, one worker killed while it grades: every row and notebook equals the serial
    sqlite run's. Two students: one whose notebooks pass, fail, warn and had test cells
    deleted or edited, one who handed the notebooks in untouched. (Without the student whose
    infinite loop waits 10 s for the cell timeout: a timeout is handled by the same grading
    loop as in a local run, tested there; and without the one whose solution passes
    everywhere, as two of the first one's notebooks do.)"""
    students = ("tampering", "untouched")
    course = _class_course(generated_course, graded_class, tmp_path / "course",
                           postgres.database("equal_scores"), students)
    with dask_cluster(tmp_path / "scheduler.json", 2, cluster_tls) as address, \
            Client(address, security=_instructor(cluster_tls)) as client:
        grading = subprocess.Popen(
            [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "--scheduler", address,
             *_tls_options(cluster_tls, "instructor")],
            cwd=course, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=with_scripts_on_path())
        try:
            victim = _a_worker_grading_a_student(client, grading)
            pid = client.run(os.getpid, workers=[victim])[victim]
            os.kill(pid, signal.SIGKILL)
            stdout, stderr = grading.communicate(timeout=600)
        finally:
            if grading.poll() is None:  # the test failed: stop the command with it
                grading.kill()
                grading.communicate()
    assert grading.returncode == 0, stderr
    assert "2 complete, 0 partial, 0 failed" in stdout
    assert ("tampering: 05_elementwise_nonlinearity: test cell 'test_da_dh_values' was edited"
            in stdout)
    assert gradebook_dump(course) == [row for row in gradebook_dump(graded_class.serial)
                                      if row[1] in students]
    assert autograded_notebooks(course) == {
        name: notebook for name, notebook in autograded_notebooks(graded_class.serial).items()
        if name.split("/")[0] in students}
    # the other commands of the kit, on the PostgreSQL gradebook (here, not in new
    # interpreters: importing the kit is most of what each costs)
    assert cli.main(["report", ASSIGNMENT, "--course-dir", str(course)]) == 0
    for gradebook, grades in ((graded_class.serial, "sqlite.csv"), (course, "postgresql.csv")):
        assert cli.main(["export", ASSIGNMENT, "--course-dir", str(gradebook), "--format",
                         "csv", "--out", str(tmp_path / grades)]) == 0
    assert _rows(tmp_path / "postgresql.csv") == [
        row for row in _rows(tmp_path / "sqlite.csv") if row[0] in ("student_id", *students)]
    unchanged = run(course, "autograder", "grade", ASSIGNMENT, "--scheduler", "local")
    assert "Graded 0 submission(s)" in unchanged.stdout and "2 unchanged" in unchanged.stdout


@pytest.mark.nbgrader
def test_a_local_cluster_grades_the_selected_students_with_feedback(generated_course,
                                                                   graded_class, tmp_path):
    """Among them one whose submission no process of the grader can read whole: a sparse
    file of 300 MiB, links to a pipe nobody writes to and to ``/proc/kmsg``, a notebook nesting
    a thousand levels. Its files are never sent: it is graded without them, saying why."""
    course = _class_course(generated_course, graded_class, tmp_path / "course")
    untouched = course / "submitted" / "untouched" / ASSIGNMENT
    with (untouched / "data.bin").open("wb") as data:
        data.truncate(300 << 20)  # sparse: 300 MiB to read, nothing on disk
    os.mkfifo(tmp_path / "pipe")
    (untouched / "pipe").symlink_to(tmp_path / "pipe")
    (untouched / "kmsg").symlink_to("/proc/kmsg")
    deep = untouched / "01_scalar_wrt_scalar.ipynb"
    deep.write_text(deep.read_text().replace('"metadata": {', '"metadata": {"deep": '
                                             + "[" * 1000 + "]" * 1000 + ", ", 1))
    graded = run(course, "autograder", "grade", ASSIGNMENT, "--scheduler", "local", "--jobs",
                 "1", "--student", "tamper*", "--student", "untouched", "--feedback",
                 check=False)
    assert graded.returncode == 1  # one notebook could not be graded
    assert "2 submission(s)" in graded.stdout and "a local Dask cluster of 1 worker(s)" in (
        graded.stdout)
    for line in ["untouched: data.bin: data.bin holds 300 MiB, over the 64 MiB a submitted "
                 "file may hold: neither read nor copied",
                 f"untouched: pipe: pipe is a symbolic link (to {tmp_path}/pipe), not a file",
                 "untouched: kmsg: kmsg is a symbolic link (to /proc/kmsg), not a file",
                 "untouched: 01_scalar_wrt_scalar: 01_scalar_wrt_scalar.ipynb cannot be read as "
                 "a notebook: it nests lists and objects more than 64 levels deep",
                 "untouched: 01_scalar_wrt_scalar: the notebook nests lists and objects more "
                 "than 64 levels deep"]:
        assert f"  {line}" in graded.stdout, line
    assert sorted(path.name for path in (course / "autograded" / "untouched" / ASSIGNMENT)
                  .iterdir()) == sorted(path.name for path in untouched.iterdir()
                                        if path.suffix == ".ipynb" and path != deep
                                        or path.name == "timestamp.txt")
    assert ("tampering: 05_elementwise_nonlinearity: test cell 'test_da_dh_values' was edited"
            in graded.stdout)
    here, serial = gradebook_dump(course), gradebook_dump(graded_class.serial)
    assert [row for row in here if row[1] == "tampering"] == [
        row for row in serial if row[1] == "tampering"]
    readable = [row for row in serial if row[1] == "untouched" and row[0] != "submission"
                and row[2] != deep.stem]  # of untouched, the notebooks graded as serial's
    assert readable and set(readable) <= set(here)
    pages = sorted((course / "feedback" / "tampering" / ASSIGNMENT).glob("*.html"))
    assert [page.stem for page in pages] == sorted(
        path.stem for path in (course / "release" / ASSIGNMENT).glob("*.ipynb"))
    assert "HIDDEN TESTS" not in pages[0].read_text()


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="") as file:
        return list(csv.reader(file))


def _instructor(certificates: Path) -> Security:
    """What the instructor's certificate gives a Dask client of the cluster they secure."""
    return Security(tls_ca_file=str(certificates / "ca.pem"),
                    tls_client_cert=str(certificates / "instructor.pem"),
                    tls_client_key=str(certificates / "instructor.key"), require_encryption=True)


@contextmanager
def dask_cluster(scheduler_file: Path, workers: int, certificates: Path) -> Iterator[str]:
    """A scheduler and ``workers`` single-threaded workers, started as the README's guide
    starts them (``dask scheduler``, ``dask worker``, with its TLS ``certificates``, on this
    machine's loopback and free ports), stopped on exit; yield the address. Their logs go next
    to ``scheduler_file``."""
    folder = scheduler_file.parent
    with (folder / "scheduler.log").open("w") as scheduler_log, \
            (folder / "workers.log").open("w") as workers_log:
        started = [subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "tls://127.0.0.1", "--port", "0",
             *_tls_options(certificates, "scheduler"), "--no-dashboard",
             "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(scheduler_file)],
            stderr=scheduler_log)]
        try:
            deadline = time.monotonic() + 60
            while not scheduler_file.exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            started.append(subprocess.Popen(
                [str(BIN / "dask"), "worker", "--scheduler-file", str(scheduler_file),
                 "--nworkers", str(workers), "--nthreads", "1",
                 *_tls_options(certificates, "worker"), "--no-dashboard",
                 "--dashboard-address", "127.0.0.1:0"],
                stderr=workers_log))
            address = json.loads(scheduler_file.read_text())["address"]
            with Client(address, security=_instructor(certificates)) as client:
                client.wait_for_workers(workers, timeout=120)
            yield address
        finally:
            for process in reversed(started):
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _a_worker_grading_a_student(client: Client, grading: subprocess.Popen) -> str:
    """The address of a worker grading a student of the ``grading`` command, as soon as one
    is: its station holds the student's submission
    (:meth:`autograder.cluster.station.Station.grade` writes it, grades, then deletes it)."""

    def grading_a_student(dask_worker) -> bool:  # sent by value: workers cannot import tests
        return any(Path(dask_worker.local_directory).glob("autograder-station-*/submitted/*"))

    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if grading.poll() is not None:
            raise AssertionError(f"the grading stopped first: {grading.communicate()}")
        busy = [worker for worker, keys in client.processing().items()
                if any(str(key).startswith("grade-") for key in keys)]
        if busy:
            for worker, grading_now in client.run(grading_a_student, workers=busy).items():
                if grading_now:
                    return worker
        time.sleep(0.2)
    raise AssertionError("no worker started grading")
