"""``python -m autograder new-course`` and ``doctor``: a course made in one command, and every
missing piece named with its fix."""

from __future__ import annotations

import shutil
import stat
from importlib import metadata

import pytest
from nbgrader.api import Gradebook

from autograder.cli import main
from autograder.command_error import CommandError
from autograder.course_config import gradebook_url
from autograder.doctor import examine
from autograder.kernels.preflight import SandboxUnavailable
from autograder.new_course import LatePolicy, new_course, parse_due_dates
from cases.registry import ASSIGNMENTS

FIRST = next(iter(ASSIGNMENTS))


def no_check() -> None:
    """A sandbox check that passes (the real one is tested in tests/test_sandbox.py)."""


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("new-course")
    made = new_course(tmp / "course", assignments=[FIRST], exchange=tmp / "exchange",
                      due=parse_due_dates([f"{FIRST}=2027-01-15 23:59 UTC"]),
                      late=LatePolicy(1, "hour", 10))
    return made


def lines(findings) -> dict[str, tuple[bool, str, str]]:
    return {finding.name: (finding.ok, finding.found, finding.fix) for finding in findings}


@pytest.mark.nbgrader
def test_a_new_course_is_ready_to_grade(made, tmp_path):
    root = made.root
    assert sorted(p.name for p in root.iterdir()) == [
        "course_secret.key", "gradebook.db", "nbgrader_config.py", "release", "solutions",
        "source"]
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE(made.exchange.stat().st_mode) == 0o1777
    with Gradebook(gradebook_url(root)) as gradebook:
        assignment = gradebook.find_assignment(FIRST)
        assert str(assignment.duedate) == "2027-01-15 23:59:00"
        assert [entry.name for entry in gradebook.assignments] == [FIRST]
    config = (root / "nbgrader_config.py").read_text()
    assert "c.LatePenaltyPolicy.points = 1" in config and "c.Exchange.root = " in config
    findings = examine(root, sandbox=no_check)
    assert all(finding.ok for finding in findings), findings
    assert lines(findings)[f"assignment {FIRST}"][1] == "generated, due 2027-01-15 23:59 UTC"


def test_new_course_refuses_what_it_cannot_make(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    with pytest.raises(CommandError, match="exists and is not an empty directory"):
        new_course(tmp_path / "full")
    with pytest.raises(CommandError, match=r"unknown assignment\(s\) 'nope': the kit has "):
        new_course(tmp_path / "a", assignments=["nope"])
    with pytest.raises(CommandError, match=r"unknown assignment\(s\) 'other'"):
        new_course(tmp_path / "b", assignments=[FIRST], due=parse_due_dates(["other=2027-01-01"]))
    with pytest.raises(CommandError, match="a late penalty needs points > 0"):
        new_course(tmp_path / "c", late=LatePolicy(0, "hour"))
    with pytest.raises(CommandError, match="cannot read the due date 'jacobians 2027'"):
        parse_due_dates(["jacobians 2027"])
    with pytest.raises(CommandError, match="cannot read the due date"):
        parse_due_dates(["jacobians=next tuesday-ish"])
    assert not any((tmp_path / name).exists() for name in "abc")


@pytest.mark.nbgrader
def test_doctor_names_every_missing_piece_with_its_fix(made, tmp_path, capsys):
    course = tmp_path / "course"
    shutil.copytree(made.root, course)
    (course / "course_secret.key").chmod(0o644)
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)  # no sticky bit
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + f"\nc.Exchange.root = {str(exchange)!r}\n")
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(f"# pins\nnumpy=={metadata.version('numpy')}\nnbgrader==0.0.1\n")

    def unavailable() -> None:
        raise SandboxUnavailable("Linux user namespaces are turned off on this machine.",
                                 "Check that ...")

    found = lines(examine(course, sandbox=unavailable, constraints=constraints))
    secret = course / "course_secret.key"
    assert found["course secret"] == (False, f"{secret} is readable by others (mode 644)",
                                      f"chmod 600 {secret}")
    assert found["exchange"][:2] == (False, f"{exchange} is writable by all without the sticky "
                                     "bit: a student could delete another's submission")
    assert found["sandbox"][:2] == (False, "Linux user namespaces are turned off on this "
                                    "machine.")
    assert found["versions"][:2] == (False, f"nbgrader {metadata.version('nbgrader')} (pinned "
                                     "0.0.1)")
    (course / "release" / FIRST).rename(course / "elsewhere")
    assert lines(examine(course, sandbox=no_check))[f"assignment {FIRST}"] == (
        False, "not generated", f"nbgrader generate_assignment {FIRST}")

    assert main(["doctor", "--course-dir", str(tmp_path / "nowhere")]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"FIX course directory: {tmp_path / 'nowhere'} has no nbgrader_config.py"
                          " -> run doctor in your course directory")
    assert out.rstrip().endswith("1 thing(s) to fix before grading (lines marked FIX).")
