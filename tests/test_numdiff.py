"""The numerical-differentiation finding (:mod:`autograder.numdiff`), on source text alone.

Flagged: finite differences in every style we could write (central, forward, backward, steps
from 1 to 1e-8, loops, broadcasting, helpers in other cells, lambdas, classes, factories,
in-place shifts, float32, ``np.gradient``, scipy). Never flagged: every right answer of both
answer banks that does not differentiate numerically, the solutions, and analytic answers
that look a little like a difference (``np.exp(h) - np.exp(-h)``, ``log(p + eps)``, a
finite-difference check the graded function does not use or only asserts on).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

from autograder.numdiff import find_numerical_differentiation, notebook_sources
from autograder.numdiff.program import MAX_CHARS, Source
from autograder.numdiff.quotients import MAX_SUBTRACTIONS
from cases.registry import ASSIGNMENTS, CASES, cases_of
from course.answer_bank import every_case
from course.workspace import ROOT

SETUP = Source("cell 2 (setup)", "import numpy as np")


def found(*cells: str, function: str = "dloss_dyhat") -> list[str]:
    """The findings' ``where`` for a notebook of the setup cell and ``cells`` (cells 6, 7...)."""
    sources = [SETUP] + [Source(f"cell {index + 6}", text) for index, text in enumerate(cells)]
    return [finding.where for finding in find_numerical_differentiation(sources, [function])]


LOSS = '''
def loss(y, yhat):
    return 0.5 * np.sum((y - yhat) ** 2, axis=1)
'''

FINITE_DIFFERENCES = {
    "central, a step vector per column": '''
def dloss_dyhat(y, yhat):
    B, D = yhat.shape
    J = np.zeros((B, 1, D))
    for j in range(D):
        step = np.zeros(D)
        step[j] = 1e-5
        J[:, 0, j] = (loss(y, yhat + step) - loss(y, yhat - step)) / 2e-5  # here
    return J
''',
    "forward, step 1e-8, the base value computed once": '''
def dloss_dyhat(y, yhat):
    h, base, columns = 1e-8, loss(y, yhat), []
    for e in np.eye(yhat.shape[1]):
        columns.append((loss(y, yhat + h * e) - base) / h)  # here
    return np.stack(columns, axis=-1)[:, None, :]
''',
    "backward, step 1e-3, a lambda": '''
def dloss_dyhat(y, yhat):
    L = lambda v: 0.5 * ((y - v) ** 2).sum(1)
    d = 1e-3
    return np.stack([(L(yhat) - L(yhat - d * e)) / d  # here
                     for e in np.eye(yhat.shape[1])], -1)[:, None]
''',
    "central, copies shifted in place": '''
def dloss_dyhat(y, yhat):
    columns = []
    for i in range(yhat.shape[1]):
        up, down = yhat.copy(), yhat.copy()
        up[:, i] += 1e-6
        down[:, i] -= 1e-6
        columns.append((loss(y, up) - loss(y, down)) / 2e-6)  # here
    return np.stack(columns, -1)[:, None]
''',
    "an entry set from the original, np.array copy": '''
def dloss_dyhat(y, yhat):
    J = np.zeros((yhat.shape[0], 1, yhat.shape[1]))
    for i in range(yhat.shape[1]):
        shifted = np.array(yhat, dtype=float)
        shifted[:, i] = yhat[:, i] + 1e-7
        J[:, 0, i] = (loss(y, shifted) - loss(y, yhat)) / 1e-7  # here
    return J
''',
    "the input shifted in place and restored between the calls": '''
def dloss_dyhat(y, yhat):
    yhat = yhat.astype(float)
    J = np.zeros((yhat.shape[0], 1, yhat.shape[1]))
    h = 1e-5
    for i in range(yhat.shape[1]):
        old = yhat[:, i].copy()
        yhat[:, i] = old + h
        plus = loss(y, yhat)
        yhat[:, i] = old - h
        minus = loss(y, yhat)
        yhat[:, i] = old
        J[:, 0, i] = (plus - minus) / (2 * h)  # here
    return J
''',
    "vectorised: a broadcast stack of shifted inputs, no call": '''
def dloss_dyhat(y, yhat):
    eps = 1e-6
    E = eps * np.eye(yhat.shape[1])
    up = 0.5 * np.sum((y[:, None, :] - (yhat[:, None, :] + E)) ** 2, axis=-1)
    down = 0.5 * np.sum((y[:, None, :] - (yhat[:, None, :] - E)) ** 2, axis=-1)
    return ((up - down) / (2 * eps))[:, None, :]  # here
''',
    "evaluations stacked at shifted inputs, then sliced": '''
def dloss_dyhat(y, yhat):
    D = yhat.shape[1]
    H = 1e-6 * np.eye(D)
    f = lambda v: 0.5 * np.sum((y[:, None] - v) ** 2, -1)
    both = f(np.concatenate([yhat[:, None] + H, yhat[:, None] - H], axis=1))
    return ((both[:, :D] - both[:, D:]) / 2e-6)[:, None]  # here
''',
    "evaluations stacked at shifted inputs, then np.diff": '''
def dloss_dyhat(y, yhat):
    f = lambda v: 0.5 * np.sum((y - v) ** 2, -1)
    return np.stack([np.diff(f(np.stack([yhat - 1e-6 * e, yhat + 1e-6 * e])), axis=0)[0]  # here
                     / 2e-6 for e in np.eye(yhat.shape[1])], -1)[:, None]
''',
    "subtracted in place, divided at the end": '''
def dloss_dyhat(y, yhat):
    J = np.zeros((yhat.shape[0], 1, yhat.shape[1]))
    for i, e in enumerate(1e-6 * np.eye(yhat.shape[1])):
        J[:, 0, i] = loss(y, yhat + e)
        J[:, 0, i] -= loss(y, yhat - e)  # here
    return J / 2e-6
''',
    "np.subtract, step 1": '''
def dloss_dyhat(y, yhat):
    columns = [np.subtract(loss(y, yhat + e), loss(y, yhat))  # here
               for e in np.eye(yhat.shape[1])]
    return np.stack(columns, -1)[:, None]
''',
    "a five-point stencil": '''
def dloss_dyhat(y, yhat):
    f, h, columns = (lambda v: loss(y, v)), 1e-3, []
    for e in np.eye(yhat.shape[1]):
        columns.append((-f(yhat + 2*h*e) + 8*f(yhat + h*e) - 8*f(yhat - h*e)  # here
                        + f(yhat - 2*h*e)) / (12 * h))
    return np.stack(columns, -1)[:, None]
''',
    "float32 central differences": '''
def dloss_dyhat(y, yhat):
    v, h = yhat.astype(np.float32), np.float32(1e-3)
    I = np.eye(v.shape[1], dtype=np.float32)
    return np.stack([(loss(y, v + h * I[i]) - loss(y, v - h * I[i])) / (2 * h)  # here
                     for i in range(v.shape[1])], -1)[:, None]
''',
    "np.gradient": '''
def dloss_dyhat(y, yhat):
    grid = yhat[..., None] + np.array([-1e-4, 0.0, 1e-4])
    return np.gradient(0.5 * (y[..., None] - grid) ** 2, 1e-4, axis=-1)[..., 1][:, None]  # here
''',
    "numpy's gradient imported under another name": '''
from numpy import gradient as slope

def dloss_dyhat(y, yhat):
    return slope(yhat)  # here
''',
    "scipy's approx_fprime": '''
from scipy import optimize

def dloss_dyhat(y, yhat):
    return np.stack([optimize.approx_fprime(v, lambda w: 0.5 * np.sum((t - w) ** 2), 1e-7)  # here
                     for t, v in zip(y, yhat)])[:, None]
''',
    "a factory of Jacobians, the graded name assigned": '''
def jacobian_of(f, h=1e-6):
    def jacobian(y, x):
        return np.stack([(f(y, x + h * e) - f(y, x - h * e)) / (2 * h)  # here
                         for e in np.eye(x.shape[1])], -1)[:, None]
    return jacobian

dloss_dyhat = jacobian_of(loss)
''',
    "a class": '''
class Differentiator:
    def __init__(self, f, step=1e-7):
        self.f, self.step = f, step

    def __call__(self, x):
        columns = []
        for i in range(x.shape[1]):
            e = np.zeros_like(x)
            e[:, i] = self.step
            columns.append((self.f(x + e) - self.f(x - e)) / (2 * self.step))  # here
        return np.stack(columns, -1)

def dloss_dyhat(y, yhat):
    return Differentiator(lambda v: loss(y, v))(yhat)[:, None]
''',
    "a cell magic around it": '''%%time
def dloss_dyhat(y, yhat):
    return np.stack([(loss(y, yhat + 1e-6 * e) - loss(y, yhat - 1e-6 * e)) / 2e-6  # here
                     for e in np.eye(yhat.shape[1])], -1)[:, None]
''',
}
"""Finite-difference answers; ``# here`` marks the line of the difference."""


@pytest.mark.parametrize("answer", FINITE_DIFFERENCES.values(), ids=FINITE_DIFFERENCES)
def test_finite_differences_are_found_at_their_line(answer):
    line = next(number for number, text in enumerate(answer.split("\n"), start=1)
                if text.endswith("# here"))
    assert found(LOSS, answer) == [f"cell 7, line {line}"]


HELPER = '''\
def numerical_jacobian(f, x, step=1e-6):
    """Central differences, one input coordinate at a time."""
    columns = []
    for i in range(x.shape[1]):
        up, down = x.copy(), x.copy()
        up[:, i] += step
        down[:, i] -= step
        columns.append((f(up) - f(down)) / (2 * step))
    return np.stack(columns, axis=-1)
'''
"""A finite-difference helper, in a cell of its own (also graded in ``test_flags_e2e``)."""


def test_a_helper_in_another_cell_is_named_where_it_differentiates():
    helper = HELPER
    answer = "def dloss_dyhat(y, yhat):\n    return numerical_jacobian(lambda v: loss(y, v), yhat)"
    assert found(helper, LOSS, answer) == ["cell 6, line 8"]
    [finding] = find_numerical_differentiation(
        [SETUP, Source("cell 6", helper), Source("cell 7 (dloss_dyhat)", answer)],
        ["dloss_dyhat"])
    assert finding.detail == (
        "dloss_dyhat differentiates numerically (cell 6, line 8): `f(up) - f(down)` subtracts "
        "one function's values at inputs that differ by `step` (a finite difference, not a "
        "derived Jacobian)")


def test_a_helper_in_a_submitted_module_is_found_and_a_linked_one_never_read(tmp_path):
    (tmp_path / "helpers.py").write_text(
        "import numpy as np\n\ndef slope(f, x, h=1e-6):\n    return (f(x + h) - f(x)) / h\n")
    (tmp_path / "elsewhere.py").write_text("def slope(f, x):\n    return f(x + 1) - f(x)\n")
    (tmp_path / "linked.py").symlink_to(tmp_path / "elsewhere.py")
    cells = [{"cell_type": "code", "source": "from helpers import slope"},
             {"cell_type": "code", "source": "import linked\n\ndef da_dh(h):\n"
                                             "    return np.eye(3) * linked.slope(np.tanh, h)"}]
    sources = notebook_sources(cells, tmp_path)
    assert [source.where for source in sources] == ["cell 1", "cell 2", "elsewhere.py",
                                                    "helpers.py"]
    answer = "def da_dh(h):\n    return slope(np.tanh, h)[..., None] * np.eye(h.shape[1])"
    cells.append({"cell_type": "code", "source": answer})
    assert [f.where for f in find_numerical_differentiation(
        notebook_sources(cells, tmp_path), ["da_dh"])] == ["helpers.py, line 4"]
    cells[-1]["source"] = "import linked as da_dh"  # through the linked module only
    assert find_numerical_differentiation(notebook_sources(cells, tmp_path), ["da_dh"]) == []


ANSWERS = tuple(answer for case in every_case() for answer in case.answers)

FD_ANSWERS_IN_THE_BANKS = {
    ("scalar_wrt_vector", "own_central_differences"),
    ("elementwise_nonlinearity", "own_central_differences"),
    ("elementwise_nonlinearity", "forward_difference_fine_step"),
    ("elementwise_nonlinearity", "forward_difference"),  # wrong: step 1e-2
    ("softmax", "central_differences_missing_half"),  # wrong: not divided by 2
    ("affine_wrt_input", "unit_step_differences"),  # step 1: exact on an affine function
    ("affine_wrt_input", "backward_difference_quotient"),  # wrong: the sign
    ("affine_wrt_bias", "unit_step_difference"),
}
"""The answers of the banks that differentiate numerically (read one by one)."""


@pytest.mark.parametrize("answer", ANSWERS, ids=lambda a: f"{a.case}-{a.name}")
def test_the_answer_banks_answers_are_flagged_exactly_when_they_differentiate_numerically(
        answer):
    flagged = found(answer.source, function=CASES[answer.case].function)
    assert bool(flagged) == ((answer.case, answer.name) in FD_ANSWERS_IN_THE_BANKS), flagged


def test_every_case_has_analytic_right_answers_judged_here():
    analytic = {a.case for a in ANSWERS if a.expect == "pass"
                and (a.case, a.name) not in FD_ANSWERS_IN_THE_BANKS}
    assert analytic == set(CASES)
    assert FD_ANSWERS_IN_THE_BANKS <= {(a.case, a.name) for a in ANSWERS}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_solution_is_flagged(assignment):
    cases = cases_of(assignment)
    assert cases
    for case in cases:
        path = ROOT / "solutions" / assignment / f"{case.notebook}.ipynb"
        cells = nbformat.read(path, as_version=4).cells
        assert find_numerical_differentiation(notebook_sources(cells, None),
                                              [case.function]) == []


ANALYTIC = {
    "tanh through exponentials": ('''
def da_dh(h):
    t = (np.exp(h) - np.exp(-h)) / (np.exp(h) + np.exp(-h))
    return (1 - t ** 2)[:, :, None] * np.eye(h.shape[1])
''', "da_dh"),
    "sigmoid minus its square, a stable softmax": ('''
def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)

def da_dh(h):
    s = sigmoid(h) - sigmoid(h) ** 2 + 0 * softmax(h)
    return s[:, :, None] * np.eye(h.shape[1])
''', "da_dh"),
    "logs with a small constant, an in-place update": ('''
def dloss_dh(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    p += 1e-12
    p -= 1e-12
    return (p - y + 0 * (np.log(p + 1e-12) - np.log(y + 1e-12)))[:, None, :]
''', "dloss_dh"),
    "a finite-difference check in another cell, on its own": ('''
def check(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)

print(check(np.tanh, np.ones(3)))

def da_dh(h):
    return (1 - np.tanh(h) ** 2)[:, :, None] * np.eye(h.shape[1])
''', "da_dh"),
    "a finite-difference check asserted inside the answer": ('''
def fd(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)

def da_dh(h):
    d = 1 - np.tanh(h) ** 2
    assert np.allclose(d, fd(np.tanh, h), atol=1e-6)
    print("check:", np.max(np.abs(d - (np.tanh(h + 1e-6) - np.tanh(h - 1e-6)) / 2e-6)))
    return d[:, :, None] * np.eye(h.shape[1])
''', "da_dh"),
    "a numerical first draft, replaced by an analytic answer": ('''
def da_dh(h):
    return ((np.tanh(h + 1e-6) - np.tanh(h - 1e-6)) / 2e-6)[:, :, None] * np.eye(h.shape[1])

def da_dh(h):
    return (1 - np.tanh(h) ** 2)[:, :, None] * np.eye(h.shape[1])
''', "da_dh"),
    "differences of neighbouring entries": ('''
def da_dh(h):
    c = np.cumsum(np.ones_like(h), axis=1)
    steps = np.stack([c[:, i + 1] - c[:, i] for i in range(h.shape[1] - 1)], axis=1)
    return (1 - np.tanh(h) ** 2 + 0 * steps.sum())[:, :, None] * np.eye(h.shape[1])
''', "da_dh"),
    "complex step (not detected, as the README says)": ('''
def da_dh(h):
    return (np.imag(np.tanh(h + 1e-20j)) / 1e-20)[:, :, None] * np.eye(h.shape[1])
''', "da_dh"),
}


@pytest.mark.parametrize("answer, function", ANALYTIC.values(), ids=ANALYTIC)
def test_analytic_answers_that_look_a_little_like_differences_are_not_flagged(answer, function):
    assert found(answer, function=function) == []


def test_hostile_code_costs_little_and_breaks_nothing():
    deep = "def dloss_dyhat(y, yhat):\n    return " + "-".join(["yhat"] * 20000)
    chain = "x0 = yhat\n" + "".join(f"x{i} = x{i - 1} - x{i - 1}\n" for i in range(1, 60))
    many = "def dloss_dyhat(y, yhat):\n" + "".join(
        f"    a{i} = (loss(y, yhat) - loss(y, yhat * {i}))\n" for i in range(MAX_SUBTRACTIONS))
    broken = ["def dloss_dyhat(y, yhat:\n", "\0", "%%bash\nrm -rf /", "!ls\n%timeit 1"]
    started = time.monotonic()
    assert found(deep) == [] and found(chain + "dloss_dyhat = x59") == []
    assert found(*broken) == []
    padded = many + "    return (loss(y, yhat + 1e-6) - loss(y, yhat)) / 1e-6\n"
    assert found(LOSS, padded) == []  # past the budget: not read (the README says so)
    assert found(LOSS, padded.replace(many, "def dloss_dyhat(y, yhat):\n")) != []
    assert found("x = 1\n" * (MAX_CHARS // 6 + 1), FINITE_DIFFERENCES["np.gradient"]) == []
    assert time.monotonic() - started < 60  # generous: a loaded machine; seconds normally


def test_special_files_are_never_opened(tmp_path):
    os.mkfifo(tmp_path / "fifo.py")
    (tmp_path / "big.py").write_text("x = 1\n" * 100_000)
    sources = notebook_sources([], tmp_path)
    assert [source.where for source in sources] == ["big.py"]
    assert len(sources[0].text) <= 256 * 1024
    assert notebook_sources([], Path(tmp_path / "missing")) == []
