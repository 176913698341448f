"""The grading backends' shared parts: the supervisor of grading processes (deadline, kill,
death), and the run's settings (traitlets, from nbgrader_config.py and the command line).

The supervisor is tested with stand-in graders, forked processes that answer, hang, die or
lie as told: what is tested is the supervisor's own logic. The real grader under it is graded
end to end by tests/test_grading.py (local pool) and tests/test_cluster.py (Dask).
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import time
from pathlib import Path
from typing import BinaryIO

import psutil
import pytest
from traitlets.config import Config
from traitlets.config.loader import DeferredConfigString

from autograder.cli import main
from autograder.command_error import CommandError
from autograder.grading.outcome import Outcome, took_too_long
from autograder.grading.process import forked
from autograder.grading.run import NO_SANDBOX_WARNING
from autograder.grading.settings import (
    GRADER_SETTINGS,
    RunSettings,
    check_settings,
    config_from_json,
    config_to_json,
    grading_config,
    options_config,
)
from autograder.grading.supervisor import GradingSupervisor
from cases.jacobians import ASSIGNMENT
from course.workspace import copy_course

# --- the supervisor ------------------------------------------------------------------------------


def stand_in(folder: Path, tasks: BinaryIO, results: BinaryIO) -> None:
    """A grading process's body that grades every student at once, except ``hangs`` (starts a
    child, as a grader starts kernels, and never answers), ``dies`` (exits with status 3) and
    ``lies`` (answers for someone else). It notes its pid, and its child's, in ``folder``."""
    (folder / f"process-{os.getpid()}").touch()
    for line in tasks:
        student = json.loads(line)
        if student == "hangs":
            child = subprocess.Popen(["sleep", "600"])
            (folder / f"child-{child.pid}").touch()
            time.sleep(600)
        elif student == "dies":
            os._exit(3)
        answer = Outcome("someone-else" if student == "lies" else student, "graded", 4, 4)
        results.write(json.dumps(answer.to_json()).encode() + b"\n")
        results.flush()


def supervisor(folder: Path, processes: int, timeout: float = 900) -> GradingSupervisor:
    settings = RunSettings(root=str(folder), assignment=ASSIGNMENT, feedback=False,
                           log=str(folder / "log"))
    config = Config()
    config.GradingSupervisor.student_timeout = timeout
    return GradingSupervisor(
        settings, lambda _, inherited: forked(functools.partial(stand_in, folder), inherited),
        processes, config=config)


def noted(folder: Path, kind: str) -> list[int]:
    return [int(path.name.split("-")[1]) for path in folder.glob(f"{kind}-*")]


def gone(pids: list[int], within: float = 60) -> bool:
    """Whether every process of ``pids`` has ended (zombies too), polled for ``within`` s."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if psutil.pid_exists(pid)
                 and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
        if not alive:
            return True
        time.sleep(0.1)
    return False


def by_student(outcomes) -> dict[str, Outcome]:
    return {outcome.student: outcome for outcome in outcomes}


def test_a_student_past_the_deadline_is_stopped_with_what_it_started(tmp_path):
    with supervisor(tmp_path, processes=2, timeout=5) as grading:
        outcomes = by_student(grading.grade(["ann", "hangs", "bob", "cy"]))
    assert sorted(outcomes) == ["ann", "bob", "cy", "hangs"]
    assert [outcomes[s].status for s in ("ann", "bob", "cy")] == ["graded"] * 3
    assert outcomes["hangs"].status == "failed"
    assert [f.reason for f in outcomes["hangs"].failures] == [took_too_long(5)]
    assert outcomes["hangs"].seconds >= 5
    [child] = noted(tmp_path, "child")
    assert gone([child, *noted(tmp_path, "process")])


def test_a_grading_process_that_dies_costs_its_student_only(tmp_path):
    with supervisor(tmp_path, processes=1) as grading:
        outcomes = list(grading.grade(["ann", "dies", "bob"]))
    assert [(o.student, o.status) for o in outcomes] == [
        ("ann", "graded"), ("dies", "failed"), ("bob", "graded")]
    assert outcomes[1].failures[0].reason == "the grading process died (exit code 3)"
    assert len(noted(tmp_path, "process")) == 2  # bob was graded by a new process
    assert gone(noted(tmp_path, "process"))


def test_an_outcome_for_another_student_is_not_taken(tmp_path):
    with supervisor(tmp_path, processes=1) as grading:
        outcomes = by_student(grading.grade(["lies", "ann"]))
    assert "someone-else" not in outcomes and outcomes["ann"].status == "graded"
    assert outcomes["lies"].failures[0].reason == (
        "the grading process sent an outcome for 'someone-else', whom it was not grading, "
        "and was stopped")


def test_a_supervisor_grades_again_with_the_processes_it_kept_and_stops_them_at_the_end(
        tmp_path):
    grading = supervisor(tmp_path, processes=1)
    for student in ("ann", "bob"):  # as a cluster worker's station grades, one task at a time
        [outcome] = grading.grade([student])
        assert (outcome.student, outcome.status) == (student, "graded")
        assert outcome.stages["supervision"].wall >= 0
    [process] = noted(tmp_path, "process")
    assert psutil.pid_exists(process)
    grading.close()
    assert gone([process])


# --- the run's settings --------------------------------------------------------------------------

def test_command_line_settings_are_checked_against_the_setting_they_name():
    config = options_config(["--VerifiedExecute.sandbox=False", "--Execute.timeout", "30"])
    assert config.VerifiedExecute.sandbox == "False" and config.Execute.timeout == "30"
    assert isinstance(config.Execute.timeout, DeferredConfigString)  # converted by its class
    check_settings(config)
    for options, message in [
            (["--VerifiedExecute.sandbx=False"], "VerifiedExecute has no setting 'sandbx'"),
            (["--Executee.timeout=3"], "no class of nbgrader, of this kit or of the course's "
                                       "nbgrader_config.py is named Executee"),
            (["--Execute.timeout=soon"], "--Execute.timeout=soon: not a value of this "
                                         "setting"),
            (["--GradingSupervisor.student_timeout=-"], "not a value of this setting")]:
        with pytest.raises(CommandError, match=message):
            check_settings(options_config(options))
    for options, message in [(["timeout=3"], "unrecognized argument 'timeout=3'"),
                             (["--Execute.timeout"], "needs a value")]:
        with pytest.raises(CommandError, match=message):
            options_config(options)


def test_the_run_settings_travel_as_json_with_command_line_values_as_given():
    config = options_config(["--Execute.timeout=30"])
    config.CourseDirectory.db_url = "sqlite:////tmp/x.db"
    settings = RunSettings("/course", ASSIGNMENT, True, "/course/log", config)
    again = RunSettings.from_json(settings.to_json())
    assert again == settings
    assert isinstance(again.config.Execute.timeout, DeferredConfigString)
    assert not isinstance(again.config.CourseDirectory.db_url, DeferredConfigString)
    assert config_from_json(config_to_json(Config())) == Config()
    with pytest.raises(ValueError, match="set it in nbgrader_config.py"):
        config_to_json(Config({"Autograde": {"exporter_class": Path}}))


def test_a_setting_of_the_run_wins_over_the_course_which_wins_over_grades_defaults(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.Execute.timeout = 10\nc.LimitOutput.max_lines = 200\n")
    settings = RunSettings(str(tmp_path), ASSIGNMENT, False, "log",
                           options_config(["--Execute.timeout=30"]))
    config = grading_config(settings)
    assert config.VerifiedExecute.fork_kernels is True  # grade's default
    assert (config.Execute.timeout, config.LimitOutput.max_lines) == ("30", 200)
    assert config.Execute.shutdown_kernel == GRADER_SETTINGS["Execute"]["shutdown_kernel"]
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.VerifiedExecute.fork_kernels = False\n")
    assert grading_config(settings).VerifiedExecute.fork_kernels is False
    assert settings.config == options_config(["--Execute.timeout=30"])  # left as it was


@pytest.fixture
def course(generated_course, tmp_path) -> Path:
    """A course without submissions: ``grade`` reads its settings, then stops."""
    return copy_course(generated_course, tmp_path / "course")


def grade_err(capsys, course: Path, *options: str) -> tuple[int, str]:
    code = main(["grade", ASSIGNMENT, "--course-dir", str(course), "--student", "nobody",
                 *options])
    return code, capsys.readouterr().err


def test_the_sandbox_is_one_setting_whether_set_on_the_command_line_or_in_the_course(
        course, capsys):
    no_submission = f"error: no submissions of {ASSIGNMENT!r} match ['nobody']"
    for options in (["--no-sandbox"], ["--VerifiedExecute.sandbox=False"],
                    ["--VerifiedExecute.sandbox", "False"]):
        code, err = grade_err(capsys, course, *options)
        assert (code, err.splitlines()[0]) == (2, NO_SANDBOX_WARNING), options
        assert no_submission in err
    code, err = grade_err(capsys, course)
    assert NO_SANDBOX_WARNING not in err and no_submission in err
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.VerifiedExecute.sandbox = False\n")
    assert grade_err(capsys, course)[1].splitlines()[0] == NO_SANDBOX_WARNING
    assert NO_SANDBOX_WARNING not in grade_err(capsys, course,
                                               "--VerifiedExecute.sandbox=True")[1]


def test_a_misspelt_setting_stops_grade_and_other_commands_take_none(course, capsys):
    assert grade_err(capsys, course, "--student-timeout", "60", "--GradingSupervisor.student"
                     "_timout=60") == (2, "error: --GradingSupervisor.student_timout: "
                                          "GradingSupervisor has no setting 'student_timout' "
                                          "(it has student_timeout)\n")
    with pytest.raises(SystemExit):
        main(["report", ASSIGNMENT, "--course-dir", str(course), "--Execute.timeout=3"])
    assert "unrecognized arguments: --Execute.timeout=3" in capsys.readouterr().err
