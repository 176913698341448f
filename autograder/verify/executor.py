"""``VerifiedExecute``: nbgrader's ``Execute``, with the graded verdicts made outside the kernel.

The course's ``nbgrader_config.py`` puts it in place of ``Execute`` in
``Autograde.autograde_preprocessors``, so every way of grading -- ``nbgrader autograde``,
``python -m autograder grade``, the formgrader's button -- runs it. For each notebook it:

1. runs every cell in the student's kernel, as ``Execute`` does, but in a jail
   (:mod:`autograder.sandbox`: no network, no view of the course, its own processes, limits),
   forked from a warm process when ``fork_kernels`` is set; a cell that runs past the timeout
   is interrupted, and if the kernel ignores that or dies, the notebook stops there and every
   test cell fails with the reason; at most ``max_output_bytes`` of each cell's output are
   kept;
2. reads what each graded test cell checks from its source in the gradebook
   (:mod:`.plan`), and has :class:`~.judge.Judge` call the student's functions in the same
   kernel on the notebook's sizes and on hidden runs drawn from the course secret;
3. replaces each test cell's outputs with the verdict -- one line when it passed, the
   message as an error when it failed -- which is what nbgrader then scores, and records it
   in ``cell.metadata.autograder`` for the course report;
4. flags the notebook in ``notebook.metadata.autograder.integrity`` where a test cell's own
   output in the kernel disagrees with the grader's verdict on the notebook's sizes, and
   where a student's cell imports the grader's package.
"""

from __future__ import annotations

import re
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from jupyter_core.utils import run_sync
from nbclient.client import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from traitlets import Bool, Float, Integer

from ..course_secret import SECRET_FILE, course_secret
from ..hidden import HIDDEN_RUNS, hidden_runs
from ..kernels.manager import SandboxKernelManager
from ..kernels.preflight import FALLBACK, SandboxUnavailable
from ..kernels.preflight import check as check_sandbox
from ..sandbox.spec import Limits
from ..stages import stage
from .judge import CellVerdict, Judge, TestCell
from .kernel_calls import KernelCalls
from .plan import plan_cell
from .records import (
    CellRecord,
    IntegrityFinding,
    notebook_record,
    set_cell_record,
    update_notebook_record,
)
from .replies import NoReply, Returned

GRADER_IMPORT = re.compile(
    r"(?m)^\s*(?:import\s+autograder\b|from\s+autograder\b)"
    r"|__import__\(\s*['\"]autograder|import_module\(\s*['\"]autograder")
"""A cell that imports the grader's package (which student kernels cannot import)."""


NBGRADER_FALLBACK = ("--VerifiedExecute.sandbox=False on nbgrader's command line, or "
                     "c.VerifiedExecute.sandbox = False in nbgrader_config.py for the "
                     "formgrader")
"""How nbgrader's own front ends turn the sandbox off."""


class VerifiedExecute(Execute):
    """Execute the notebook, then judge its test cells from outside the kernel."""

    hidden_runs = Integer(HIDDEN_RUNS, help="Hidden runs per check, drawn from the course "
                          "secret for each student.").tag(config=True)
    notebook_timeout = Float(120.0, help="Seconds the cells of a notebook may run in all; "
                             "the cells after are not run, and the test cells fail saying "
                             "why.").tag(config=True)
    interrupt_grace = Float(3.0, help="Seconds a call of a student's function may take to "
                            "stop after it was interrupted at the timeout, before the kernel "
                            "is shut down.").tag(config=True)
    max_output_bytes = Integer(1 << 20, help="Output a cell may produce, in bytes of text and "
                               "data; the rest is dropped.").tag(config=True)
    sandbox = Bool(True, help="Run every kernel in a jail. Without it (--no-sandbox), student "
                   "code runs with the grader's rights: it can read the course directory and "
                   "write the gradebook.").tag(config=True)
    fork_kernels = Bool(False, help="Fork every kernel from a warm process instead of "
                        "starting it from scratch (python -m autograder grade sets it).").tag(
                            config=True)
    memory_limit = Integer(Limits.memory_bytes, help="Address space of each process of a "
                           "jailed kernel, and memory of the whole jail where the grader runs "
                           "as root on a host with a cgroup memory controller, in bytes.").tag(
                               config=True)
    process_limit = Integer(Limits.processes, help="Processes and threads a jailed kernel "
                            "may have at once.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any = None,
                   km: Any = None) -> tuple[NotebookNode, Any]:
        ids = resources["nbgrader"]
        coursedir = CourseDirectory(config=self.config)
        root = Path(coursedir.root)
        if self.sandbox:
            try:
                check_sandbox()
            except SandboxUnavailable as exc:  # said first, before nbgrader's traceback
                self.log.error("%s %s", exc.reason, FALLBACK.format(switch=NBGRADER_FALLBACK))
                raise
        self._protected = [str(root), str(root / SECRET_FILE),
                           coursedir.db_url.removeprefix("sqlite:///")]
        cells = read_test_cells(ids["db_url"], ids["assignment"], ids["notebook"],
                                [_grade_id(cell) for cell in nb.cells if _is_test(cell)])
        secret = course_secret(root)
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._output_bytes: dict[int, int] = {}
        kernel = ExitStack()
        try:
            with stage("kernel start"):
                kernel.enter_context(self.setup_kernel())
                assert self.kc is not None
                info = self.wait_for_reply(self.kc.kernel_info())
            assert info is not None
            self.nb.metadata["language_info"] = info["content"]["language_info"]
            with stage("cells"):
                stopped = self._execute_cells(resources)
            own_outputs = {_grade_id(cell): not _has_error(cell)
                           for cell in self.nb.cells if _is_test(cell)}
            with stage("verification"):
                verdicts = run_sync(self._verify)(cells, stopped, secret, ids)
        finally:
            with stage("kernel stop"):
                kernel.close()
        self.set_widgets_metadata()
        _record(self.nb, verdicts, own_outputs, stopped, sandboxed=self.sandbox)
        return self.nb, self.resources

    def create_kernel_manager(self) -> SandboxKernelManager:
        """A kernel manager for the notebook's kernel, jailed and forked as configured."""
        name = str(getattr(self, "kernel_name", "") or self.nb.metadata.get(
            "kernelspec", {}).get("name", "python3"))
        self.kernel_name = name
        limits = {"memory_bytes": self.memory_limit, "processes": self.process_limit}
        self.km = SandboxKernelManager(
            kernel_name=name, config=self.config, sandbox=self.sandbox,
            fork=self.fork_kernels, limits=limits, protected=self._protected)
        return self.km

    def _execute_cells(self, resources: Any) -> str | None:
        """Run every cell; the reason the notebook stopped early, or ``None``."""
        deadline = time.monotonic() + self.notebook_timeout
        for index, cell in enumerate(self.nb.cells):
            if time.monotonic() > deadline:
                return (f"its cells ran past the notebook's time limit of "
                        f"{self.notebook_timeout:g} s in all, before cell {index + 1}")
            try:
                self.preprocess_cell(cell, resources, index)
            except CellTimeoutError:
                return (f"cell {index + 1} of the notebook ran past the time limit of "
                        f"{self.timeout} s and did not stop when interrupted")
            except DeadKernelError:
                return (f"the kernel died while running cell {index + 1} of the notebook "
                        "(the code crashed or exited the process)")
            except (RecursionError, ValueError):  # jupyter_client reading a kernel's message
                return (f"cell {index + 1} of the notebook sent the grader a message it could "
                        "not read (forged, or nesting too deep)")
        return None

    async def _verify(self, cells: list[TestCell], stopped: str | None, secret: bytes,
                      ids: dict[str, str]) -> list[CellVerdict]:
        calls = KernelCalls(self.kc, self.km, timeout=float(self.timeout or 60),
                            grace=self.interrupt_grace)
        if stopped is not None:
            await calls.stop(f"your notebook stopped early: {stopped}",
                             timed_out="time limit" in stopped)
        count = self.hidden_runs

        def runs(case: Any) -> list:
            return hidden_runs(secret, ids["assignment"], ids["student"], case, count)

        async def call(function: str, expect: str, arguments: Any,
                       shape: tuple[int, ...] | None) -> Returned:
            if calls.stopped is not None:
                return NoReply(calls.stopped, calls.timed_out)
            return await calls.call(function, expect, arguments, shape)

        return await Judge(call, runs).verify(cells)

    def output(self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None,
               cell_index: int) -> NotebookNode | None:
        """Keep a cell's outputs up to ``max_output_bytes``; drop the rest, saying so once."""
        size = _content_bytes(msg.get("content", {}))
        used = self._output_bytes.get(cell_index, 0)
        self._output_bytes[cell_index] = used + size
        if used + size > self.max_output_bytes:
            if used <= self.max_output_bytes:
                note = new_output("stream", name="stdout", text=(
                    f"\n[output beyond {self.max_output_bytes} bytes dropped by the grader]\n"))
                outs.append(note)
            return None
        return super().output(outs, msg, display_id, cell_index)


def read_test_cells(db_url: str, assignment: str, notebook: str,
                    order: list[str]) -> list[TestCell]:
    """The graded test cells of ``notebook``, planned from their sources in the gradebook.

    ``order`` lists the test cells' grade_ids in the order of the notebook being graded.
    """
    with Gradebook(db_url) as gradebook:
        stored = gradebook.find_notebook(notebook, assignment)
        sources = {cell.name: cell.source for cell in stored.source_cells}
        graded = [cell.name for cell in stored.grade_cells if cell.cell_type == "code"]
    ordered = [grade_id for grade_id in order if grade_id in graded]
    ordered += [grade_id for grade_id in graded if grade_id not in ordered]
    return [TestCell(grade_id, tuple(plan_cell(sources[grade_id],
                                               f"{notebook}, test cell {grade_id!r}")))
            for grade_id in ordered]


def verdict_outputs(verdict: CellVerdict) -> list[NotebookNode]:
    """The outputs a test cell gets: one line if it passed, the message as an error if not."""
    if verdict.rejection is None:
        return [new_output("stream", name="stdout", text=verdict.summary + "\n")]
    message = verdict.rejection.message
    return [new_output("error", ename="JacobianCheckError", evalue=message,
                       traceback=message.split("\n"))]


def _record(nb: NotebookNode, verdicts: list[CellVerdict], own_outputs: dict[str, bool],
            stopped: str | None, *, sandboxed: bool) -> None:
    by_id = {verdict.grade_id: verdict for verdict in verdicts}
    integrity = list(notebook_record(nb).integrity)  # RefuseLinks'
    for index, cell in enumerate(nb.cells):
        if _is_test(cell) and _grade_id(cell) in by_id:
            verdict = by_id[_grade_id(cell)]
            cell.outputs = verdict_outputs(verdict)
            rejection = verdict.rejection
            set_cell_record(cell, CellRecord(
                case=verdict.case, passed=verdict.passed, hidden=verdict.hidden,
                check=rejection.check if rejection else None,
                verdict=rejection.verdict if rejection else None,
                diagnosis=rejection.diagnosis if rejection else None,
                error=rejection.error if rejection else None))
            own = own_outputs.get(verdict.grade_id)
            if stopped is None and own is not None and own != verdict.visible_passed:
                integrity.append(IntegrityFinding(
                    "disagreement", verdict.grade_id,
                    f"test cell {verdict.grade_id!r} {_word(own)} in the student's kernel, but "
                    "the grader's check on the notebook's sizes "
                    f"{_word(verdict.visible_passed)}; the grader's verdict is scored"))
        elif cell.cell_type == "code" and not utils.is_locked(cell) and GRADER_IMPORT.search(
                cell.source):
            integrity.append(IntegrityFinding(
                "grader_import", _grade_id(cell) or str(index + 1),
                f"cell {index + 1} imports the grader's package (autograder), which students "
                "do not have"))
    update_notebook_record(nb, integrity=tuple(integrity), stopped=stopped, sandbox=sandboxed)


def _word(passed: bool) -> str:
    return "passed" if passed else "failed"


def _is_test(cell: NotebookNode) -> bool:
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def _grade_id(cell: NotebookNode) -> str:
    return str(cell.metadata.get("nbgrader", {}).get("grade_id", ""))


def _has_error(cell: NotebookNode) -> bool:
    return any(output.output_type == "error" for output in cell.get("outputs", []))


def _content_bytes(content: dict[str, Any]) -> int:
    """The size of an output message's text and data."""
    size = len(str(content.get("text", "")))
    data = content.get("data")
    if isinstance(data, dict):
        size += sum(len(str(value)) for value in data.values())
    size += sum(len(str(line)) for line in content.get("traceback", []) or [])
    return size
