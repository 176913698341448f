"""Hidden runs: the sizes and inputs on which the grader repeats every check, in secret.

For each student and case, :func:`hidden_runs` draws :data:`HIDDEN_RUNS` runs from an HMAC of
the course secret, the assignment, the student id and the case: the same student gets the
same runs each time they are graded (reproducible scores), and one student's runs say nothing
about another's. Nothing students receive holds them; messages about a hidden run hold no size
(:mod:`jacobian_checks.verdicts`).

Sizes are drawn from the ranges of the case (:attr:`cases.case.Case.hidden_sizes`, in its
folder's ``math.py``) so that messages can name axes by symbol: within a run, every size differs
from the others, from 1 and from every size of the notebook's own test and of the case's
second, public set (so a size typed in from either is caught, and a function that recognises
the public sizes still meets new ones).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import numpy as np

from cases.case import Case

HIDDEN_RUNS = 2
"""Hidden runs per check."""


@dataclass(frozen=True)
class HiddenRun:
    """The sizes and the input seed of one hidden run."""

    sizes: dict[str, int]
    seed: int


def hidden_runs(secret: bytes, assignment: str, student: str, case: Case,
                count: int = HIDDEN_RUNS) -> list[HiddenRun]:
    """``count`` hidden runs of ``case`` for ``student``, reproducible from the secret."""
    message = "\0".join(("hidden runs", assignment, student, case.key)).encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    rng = np.random.default_rng(int.from_bytes(digest, "big"))
    return [HiddenRun(_draw_sizes(case, rng), int(rng.integers(2**63))) for _ in range(count)]


def _draw_sizes(case: Case, rng: np.random.Generator) -> dict[str, int]:
    taken = {1, *case.visible_sizes.values(), *case.second_sizes.values()}
    sizes: dict[str, int] = {}
    for name in case.size_names:
        low, high = case.hidden_sizes[name]
        choices = [size for size in range(low, high + 1) if size not in taken]
        sizes[name] = int(rng.choice(choices))  # never empty: cases/validation.py
        taken.add(sizes[name])
    return sizes
