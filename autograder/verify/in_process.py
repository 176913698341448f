"""The grader's verdicts on functions defined in this process.

For the course's own tests, documentation and benchmarks: the calls go through the same path
as with a student's kernel -- the probe's JSON reply (:func:`jacobian_checks.probe.answer`)
read by the grader's parser (:mod:`.replies`) -- only without the kernel in between. Students'
code is never run here: it runs in their sandboxed kernel.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from cases.registry import get_case
from jacobian_checks.probe import answer, encode_argument
from jacobian_checks.verdicts import Rejection

from ..hidden import hidden_runs
from .judge import Call, CellVerdict, Judge, TestCell
from .plan import PlannedCheck
from .replies import Returned, parse_reply


def in_process(namespace: dict[str, Any]) -> Call:
    """A ``call`` for :class:`~.judge.Judge` into the functions of ``namespace``.

    What the functions print is swallowed, and the global NumPy random state is restored
    after each call (some answers reseed it).
    """
    async def call(function: str, expect: str, arguments: Sequence[int | np.ndarray],
                   shape: tuple[int, ...] | None) -> Returned:
        request = json.dumps({"function": function, "expect": expect,
                              "arguments": [encode_argument(a) for a in arguments]})
        state = np.random.get_state()
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                reply = answer(namespace, request)
        finally:
            np.random.set_state(state)
        return parse_reply(reply, expect, shape)
    return call


def verify_cells(namespace: dict[str, Any], cells: Sequence[TestCell], *, secret: bytes,
                 assignment: str, student: str) -> list[CellVerdict]:
    """The verdicts of ``cells`` on ``namespace``, with ``student``'s hidden runs."""
    judge = Judge(in_process(namespace),
                  lambda case: hidden_runs(secret, assignment, student, case))
    return asyncio.run(judge.verify(cells))


def judge_once(namespace: dict[str, Any], check: str, case: str, sizes: dict[str, int],
               seed: int, *, hidden: bool = False,
               cell_sizes: dict[str, int] | None = None) -> Rejection | None:
    """One check of one run: ``check`` of ``case`` at ``sizes`` with inputs from ``seed``,
    for a test cell whose call holds ``cell_sizes`` (``sizes`` by default; the notebook's, for
    a run on the case's second sizes)."""
    judge = Judge(in_process(namespace), lambda _: [])
    planned = PlannedCheck(check, get_case(case).key, dict(cell_sizes or sizes))
    return asyncio.run(judge.judge_run(planned, dict(sizes), seed, hidden))
