"""The answer bank as code (each case's answers.py, collected by course/answer_bank): its
modules, and the cells cut from them.

- Every case's module holds enough answers of every kind; a missing or incomplete one stops
  with a message that names its file and what it lacks, and the scaffold's skeleton is a start.
- Each answer's cell is what a student would write: the graded name, no trace of the bank,
  and it runs alone in a fresh namespace, where it computes what the answer's function
  computes in its module.
- Cells take exactly what they use from their module (imports, helpers, constants, globals,
  decorators), and refuse what a cell cannot hold.
- No two answers of a case are the same code, up to names, comments and docstrings.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import json
import string
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from cases.registry import CASES
from course.answer_bank import (
    BankAnswer,
    BankError,
    cell_text,
    every_case,
    load_case_answers,
)
from course.answer_bank.bank import AT_LEAST, SETUP, answers_module
from course.answer_bank.declare import NAMES

BANK = [(case, answer) for case in every_case() for answer in case.answers + case.predicted_shapes]
TEMPLATE_FILE = Path(__file__).resolve().parents[1] / "course" / "case_template" / "answers.py.tmpl"
TEMPLATE = string.Template(TEMPLATE_FILE.read_text()).substitute(key="cube")
"""The answers the scaffold writes for the toy case (``python -m course new-case``)."""
TOY = dataclasses.replace(CASES["elementwise_nonlinearity"], key="cube")
"""A case without answers: the cube of the template, ``da_dh(h)`` of shape (B, D, D)."""


def test_every_case_holds_enough_answers_of_every_kind():
    for bank in every_case():
        right = [a for a in bank.answers if a.expect == "pass"]
        shapes = [a for a in bank.predicted_shapes if a.expect == "pass"]
        assert len(right) >= AT_LEAST["right answers"], bank.case
        assert len(bank.answers) - len(right) >= AT_LEAST["wrong answers"], bank.case
        assert len(shapes) >= AT_LEAST["right predictions"], bank.case
        assert len(bank.predicted_shapes) - len(shapes) >= AT_LEAST["wrong predictions"]
        assert {"fails_shape", "fails_values", "fails_hidden"} <= {a.expect for a in bank.answers}
        assert bank.path == f"cases/{CASES[bank.case].assignment}/{bank.case}/answers.py"


def test_a_missing_module_is_named_with_the_command_that_writes_it():
    with pytest.raises(BankError) as raised:
        load_case_answers(TOY)
    assert str(raised.value) == (
        "cases/jacobians/cube/answers.py is missing: every case needs answers: `python -m "
        "course new-case jacobians cube` writes its skeleton (course/case_template/"
        "answers.py.tmpl) into cases/jacobians/cube/")


def test_a_copy_of_the_template_says_what_it_lacks(tmp_path, monkeypatch):
    package = _package(tmp_path, monkeypatch)
    (tmp_path / package / "cube.py").write_text(TEMPLATE)
    with pytest.raises(BankError) as raised:
        load_case_answers(TOY, f"{package}.cube")
    assert str(raised.value) == (
        f"{tmp_path / package / 'cube.py'} has 2 right answers (at least 15: functions under "
        "@right); 4 wrong answers (at least 15: functions under @wrong(mistake)); 1 right "
        "predictions (at least 4: functions under @right_prediction); 1 wrong predictions "
        "(at least 4: functions under @wrong_prediction(mistake))")


@pytest.mark.parametrize(("edit", "lack"), [
    (lambda text: text.replace("APPLICABLE_MISTAKES = ", "MISTAKES = "),
     "has no APPLICABLE_MISTAKES: a frozenset of the labels of course/answer_bank/mistakes.py "
     "that make sense for cube"),
    (lambda text: text.replace("OTHER_SIZES = ", "SIZES = "),
     "has no OTHER_SIZES: a tuple of runs on other sizes than the notebook's (B, D), some "
     "smaller, some larger"),
    (lambda text: text.replace('{"B": 5, "D": 3}', '{"B": 5, "d": 3}'),
     "has OTHER_SIZES[0] with the sizes ['B', 'd'], not B, D"),
    (lambda text: text.replace('        "sign_flipped",\n', '        "identity",\n'),
     "has APPLICABLE_MISTAKES that no answer is labelled with: ['identity']; answers labelled "
     "with mistakes not in APPLICABLE_MISTAKES: ['sign_flipped']"),
    (lambda text: text + "\n\nnegated_again = negated\n",
     "binds negated and negated_again to one function: give each answer a function of its own"),
    (lambda text: text.replace('@wrong("hardcoded_sizes")', '@wrong("other")'),
     "has no wrong answer of da_dh that fails_hidden; APPLICABLE_MISTAKES that no answer is "
     "labelled with: ['hardcoded_sizes']; answers labelled with mistakes not in "
     "APPLICABLE_MISTAKES: ['other']"),
])
def test_an_incomplete_module_names_what_it_lacks(tmp_path, monkeypatch, edit, lack):
    package = _package(tmp_path, monkeypatch)
    (tmp_path / package / "cube.py").write_text(edit(_enough(TEMPLATE)))
    with pytest.raises(BankError) as raised:
        load_case_answers(TOY, f"{package}.cube")
    assert str(raised.value) == f"{tmp_path / package / 'cube.py'} {lack}"


def test_a_complete_copy_of_the_template_loads(tmp_path, monkeypatch):
    package = _package(tmp_path, monkeypatch)
    (tmp_path / package / "cube.py").write_text(_enough(TEMPLATE))
    bank = load_case_answers(TOY, f"{package}.cube")
    assert sum(a.expect == "pass" for a in bank.answers) == AT_LEAST["right answers"]
    assert len(bank.answers) == AT_LEAST["right answers"] + AT_LEAST["wrong answers"]
    assert {a.graded for a in bank.answers} == {"da_dh"}
    assert {a.graded for a in bank.predicted_shapes} == {"jacobian_shape"}


def _enough(template: str) -> str:
    """The template, with copies of its answers up to the counts a case needs."""
    copies = []
    for name, decorator, arguments, least, have in [
            ("einsum_with_identity", "@right", "h", AT_LEAST["right answers"], 2),
            ("negated", '@wrong("sign_flipped")', "h", AT_LEAST["wrong answers"], 4),
            ("predicted_tuple", "@right_prediction", "B, D", AT_LEAST["right predictions"], 1),
            ("predicted_elementwise", '@wrong_prediction("elementwise_instead_of_diagonal")',
             "B, D", AT_LEAST["wrong predictions"], 1)]:
        copies += [f"\n\n{decorator}\ndef {name}_{number}({arguments}):\n"
                   f"    return {number} or ({arguments})\n" for number in range(least - have)]
    return template + "".join(copies)


def _package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A package of answer modules in ``tmp_path``, importable for this test only."""
    package = f"bank_{tmp_path.name}"
    (tmp_path / package).mkdir()
    (tmp_path / package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    return package


# --- each answer's cell -------------------------------------------------------------------------

@pytest.mark.parametrize(("bank", "answer"), BANK, ids=[f"{a.case}-{a.name}" for _, a in BANK])
def test_a_cell_runs_alone_and_computes_what_its_function_computes(bank, answer: BankAnswer):
    cell = ast.parse(answer.source)
    bound = {target.id for statement in cell.body if isinstance(statement, ast.Assign)
             for target in statement.targets if isinstance(target, ast.Name)}
    bound |= {s.name for s in cell.body if isinstance(s, ast.FunctionDef)}
    assert answer.graded in bound and answer.name not in bound - {answer.graded}
    assert not [node for node in ast.walk(cell) if isinstance(node, ast.Name)
                and node.id in NAMES], "the cell holds a decorator of the bank"
    alone: dict[str, Any] = {}
    exec(compile(answer.source, answer.name, "exec"), alone)  # no setup cell: alone
    module = importlib.import_module(answers_module(CASES[bank.case]))
    arguments = _arguments(answer)
    in_cell = _outcome(alone[answer.graded], arguments)
    in_module = _outcome(getattr(module, answer.name), arguments)
    assert in_cell[0] == in_module[0]
    if in_cell[0] == "raised" or in_cell[1] is None:
        assert in_cell[1] == in_module[1]
    else:
        assert in_cell[1].dtype == in_module[1].dtype
        assert np.array_equal(in_cell[1], in_module[1], equal_nan=True)


def _arguments(answer: BankAnswer) -> list[Any]:
    case = CASES[answer.case]
    if answer.graded == "jacobian_shape":
        return list(case.visible_sizes.values())
    return list(case.sample_inputs(dict(case.visible_sizes), 0).values())


def _outcome(function: Any, arguments: list[Any]) -> tuple[str, Any]:
    """What ``function`` returns, as an array, or the type of what it raises; NumPy's global
    random state seeded the same for each call (an answer draws its own inputs)."""
    state = np.random.get_state()
    np.random.seed(0)
    try:
        returned = function(*[np.copy(a) if isinstance(a, np.ndarray) else a
                              for a in arguments])
    except Exception as error:  # a wrong answer may raise: the cell must raise the same
        return "raised", type(error).__name__
    finally:
        np.random.set_state(state)
    if returned is None:
        return "returned", None
    return "returned", np.asarray(returned)


def _more_than_a_function(source: str) -> bool:
    rest = [s for s in ast.parse(source).body if ast.unparse(s) != SETUP]
    return len(rest) > 1 or not isinstance(rest[0], ast.FunctionDef) or bool(
        rest[0].decorator_list)


#: The answers whose cell holds more than one function under ``import numpy as np``: helpers,
#: constants, lambdas, other imports, decorators.
MORE_THAN_A_FUNCTION = [answer for _, answer in BANK if _more_than_a_function(answer.source)]


@pytest.mark.nbgrader
def test_a_cell_with_more_than_its_function_runs_in_a_fresh_kernel(tmp_path):
    """Each in a kernel emptied by ``%reset -f``, after the notebook's setup cell alone: it
    computes what its function computes in its module."""
    assert MORE_THAN_A_FUNCTION
    cells = []
    for answer in MORE_THAN_A_FUNCTION:
        cells += [nbformat.v4.new_code_cell("%reset -f"), nbformat.v4.new_code_cell(SETUP),
                  nbformat.v4.new_code_cell(answer.source), nbformat.v4.new_code_cell(
                      f"from tests.test_answer_bank_code import _summary, _arguments\n"
                      f"from course.answer_bank import answer as _answer\n"
                      f"print(_summary({answer.graded}(*_arguments(_answer("
                      f"{answer.case!r}, {answer.name!r})))))")]
    notebook = nbformat.v4.new_notebook(cells=cells)
    NotebookClient(notebook, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": str(Path(__file__).parents[1])}}).execute()
    for number, answer in enumerate(MORE_THAN_A_FUNCTION):
        outputs = notebook.cells[4 * number + 3].outputs
        assert all(output.output_type == "stream" for output in outputs), outputs
        printed = "".join(output.text for output in outputs)  # a print may come in pieces
        module = importlib.import_module(answers_module(CASES[answer.case]))
        expected = _summary(getattr(module, answer.name)(*_arguments(answer)))
        assert np.allclose(json.loads(printed), expected, rtol=1e-9), answer.name


def _summary(returned: Any) -> list[float]:
    """Numbers that tell one result from another: its shape, sum, and a weighted sum."""
    values = np.asarray(returned, dtype=np.float64)
    weights = np.random.default_rng(0).random(values.shape)
    return [*values.shape, float(values.sum()), float((values * weights).sum())]


def test_the_setup_the_cells_assume_is_the_notebooks():
    release = Path(__file__).resolve().parents[1] / "release"
    for case in CASES.values():
        notebook = (release / case.assignment / f"{case.notebook}.ipynb").read_text()
        assert f'"source": [\n    "{SETUP}"\n   ]' in notebook or f'"{SETUP}"' in notebook, case


def test_no_two_answers_of_a_case_are_the_same_code():
    for bank in every_case():
        seen: dict[str, list[str]] = defaultdict(list)
        for answer in bank.answers + bank.predicted_shapes:
            seen[_canonical(answer.source)].append(answer.name)
        assert [names for names in seen.values() if len(names) > 1] == [], bank.case


def _canonical(source: str) -> str:
    """The code up to its names, comments and docstrings."""
    tree = ast.parse(source)
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in ("np", "math") and not hasattr(
                __builtins__, node.id):
            node.id = names.setdefault(node.id, f"v{len(names)}")
        elif isinstance(node, ast.arg):
            node.arg = names.setdefault(node.arg, f"v{len(names)}")
        elif isinstance(node, ast.FunctionDef):
            node.name = names.setdefault(node.name, f"v{len(names)}")
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            node.value.value = ""
    return ast.dump(tree)


# --- what a cell takes from its module ----------------------------------------------------------

MODULE = '''\
"""A module of answers."""

import math
import os.path
from functools import reduce, partial

import numpy as np

from course.answer_bank import right, wrong

SCALE = 2.0  # a constant
calls = 0


def inner(v):
    return math.fsum(v)


def helper(v, scale=SCALE):
    return inner(v) * scale


def unused(v):
    return os.path.join(v)


@right
def counting(x):
    """Counts its calls in a global."""
    global calls
    calls += 1
    return helper(x) + reduce(lambda a, b: a + b, [np.sum(y) for y in x])


@right
@np.vectorize
def vectorized(h: float, power=SCALE) -> float:
    return h ** power


squared = right(lambda h: [
        v * v for v in h])


@wrong("other")
def uses_another_answer(h):
    return counting(h)


@wrong("other")
def uses_an_unknown_name(h):
    return undefined(h)  # noqa: F821


@wrong("other")
def uses_itself(h):
    return uses_itself(h)
'''


@pytest.fixture
def module(tmp_path, monkeypatch):
    package = _package(tmp_path, monkeypatch)
    (tmp_path / package / "answers.py").write_text(MODULE)
    return importlib.import_module(f"{package}.answers")


def test_a_cell_takes_the_imports_helpers_constants_and_globals_it_uses(module):
    assert cell_text(module, "counting", "f") == textwrap.dedent('''\
        import math
        from functools import reduce
        import numpy as np

        SCALE = 2.0  # a constant

        calls = 0

        def inner(v):
            return math.fsum(v)

        def helper(v, scale=SCALE):
            return inner(v) * scale

        def f(x):
            """Counts its calls in a global."""
            global calls
            calls += 1
            return helper(x) + reduce(lambda a, b: a + b, [np.sum(y) for y in x])
        ''')


def test_a_cell_keeps_the_decorators_and_annotations_a_student_wrote(module):
    assert cell_text(module, "vectorized", "f") == textwrap.dedent('''\
        import numpy as np

        SCALE = 2.0  # a constant

        @np.vectorize
        def f(h: float, power=SCALE) -> float:
            return h ** power
        ''')


def test_a_lambda_answer_is_a_name_bound_to_the_lambda(module):
    assert cell_text(module, "squared", "f") == "f = lambda h: [\n        v * v for v in h]\n"


@pytest.mark.parametrize(("name", "line", "message"), [
    ("uses_another_answer", "def uses_another_answer(h):",
     "uses_another_answer uses the answer counting: an answer may use helpers only "
     "(undecorated functions)"),
    ("uses_itself", "def uses_itself(h):",
     "uses_itself uses the answer uses_itself: an answer may use helpers only (undecorated "
     "functions)"),
    ("uses_an_unknown_name", "def uses_an_unknown_name(h):",
     "uses_an_unknown_name uses undefined, which {path} does not define at its top level"),
    ("calls", "calls = 0",
     "calls is not an answer: a function under a bank decorator, or a name bound to "
     "right(lambda ...)"),
])
def test_a_cell_refuses_what_it_cannot_hold(module, name, line, message):
    with pytest.raises(BankError) as raised:
        cell_text(module, name, "f", answers={"counting", "vectorized", "squared"})
    path, number = module.__file__, MODULE.splitlines().index(line) + 1
    assert str(raised.value) == f"{path}:{number}: " + message.format(path=path)


def test_a_cell_of_a_name_the_module_lacks_is_refused(module):
    with pytest.raises(BankError) as raised:
        cell_text(module, "nothing", "f")
    assert str(raised.value) == f"{module.__file__} has no top-level nothing"
