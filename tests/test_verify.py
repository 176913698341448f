"""The grader's side of verdicts made outside the student's kernel: what a test cell plans,
what a kernel may answer, the hidden runs and the course secret, the judge, and the few fixed
texts a hidden run may show.

End to end, in real kernels, the same path is exercised by ``test_course_e2e.py``,
``test_grading.py`` and ``test_hostile.py``.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import stat
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from autograder.course_secret import SECRET_FILE, course_secret, secret_fingerprint
from autograder.hidden import HIDDEN_RUNS, hidden_runs
from autograder.verify.in_process import in_process, judge_once
from autograder.verify.judge import Judge
from autograder.verify.plan import PlanError, PlannedCheck, plan_cell
from autograder.verify.replies import (
    MAX_ARRAY_BYTES,
    NoReply,
    Predicted,
    Raised,
    Unavailable,
    builtin_exception,
    parse_reply,
    parse_user_expression,
)
from cases.registry import CASES
from course.answer_bank import every_case
from jacobian_checks import JacobianCheckError, check_jacobian_shape
from jacobian_checks.coerce import NOT_AN_ARRAY, NotAnArray
from jacobian_checks.hidden_messages import CHECK_KINDS, hidden_message, hidden_texts
from jacobian_checks.probe import answer
from tests.trusted import SECRET, graded_cells, verdicts

# --- plans -------------------------------------------------------------------------------------

def test_a_test_cell_plans_its_checks_with_the_notebooks_sizes():
    source = ('from jacobian_checks import check_jacobian_values\n\n# a comment\n'
              'check_jacobian_values(dloss_dyhat, "scalar_wrt_vector", B=256, D=10)\n')
    assert plan_cell(source, "cell") == [
        PlannedCheck("values", "scalar_wrt_vector", {"B": 256, "D": 10})]


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_a_planned_check_runs_on_the_cells_sizes_then_on_the_cases_second_sizes(case):
    planned = PlannedCheck("shape", case.key, dict(case.visible_sizes))
    assert planned.public_sizes == [dict(case.visible_sizes), dict(case.second_sizes)]
    again = PlannedCheck("shape", case.key, dict(case.second_sizes))
    assert again.public_sizes == [dict(case.second_sizes)]


@pytest.mark.parametrize(("source", "message"), [
    ("assert dloss_dyhat(1, 2) == 3", "may hold only imports and calls of"),
    ("x = 1", "may hold only imports and calls of"),
    ('print("hello")', "only check_predicted_shape, check_jacobian_shape"),
    ('check_jacobian_values(f, "scalar_wrt_vector", B=256, D=10)',
     "checks dloss_dyhat, not f"),
    ('check_jacobian_values(dloss_dyhat, "nope", B=256, D=10)', "unknown case 'nope'"),
    ('check_jacobian_values(dloss_dyhat, "scalar_wrt_vector", B=n, D=10)',
     "sizes must be written as name=int"),
    ('check_jacobian_values(dloss_dyhat, "scalar_wrt_vector", B=True, D=10)',
     "sizes must be written as name=int"),
    ('check_jacobian_values(dloss_dyhat, "scalar_wrt_vector", B=256)', "takes the sizes"),
    ('check_jacobian_values(dloss_dyhat, case, B=256, D=10)', r"write check_jacobian_values\("),
    ("import numpy", "calls no check"),
    ("def f(:", "not valid Python"),
])
def test_what_the_grader_cannot_verify_is_an_instructor_error(source, message):
    with pytest.raises(PlanError, match=message):
        plan_cell(source, "02, test cell 'x'")


# --- what a kernel may answer ------------------------------------------------------------------

def packed(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return base64.b64encode(zlib.compress(buffer.getvalue())).decode()


def test_an_array_reply_is_read_back_with_its_dtype_and_shape():
    array = np.arange(6, dtype=np.float32).reshape(2, 3, 1)
    read = parse_reply(json.dumps({"status": "array", "npy": packed(array)}), "array")
    assert isinstance(read, np.ndarray) and read.dtype == np.float32
    np.testing.assert_array_equal(read, array)
    scalar = parse_reply(json.dumps({"status": "array", "npy": packed(np.array(0.0))}), "array")
    assert isinstance(scalar, np.ndarray) and scalar.shape == ()


@pytest.mark.parametrize("reply", [
    None, "not json", "[1, 2]", '{"status": "array"}', '{"status": "array", "npy": 5}',
    '{"status": "array", "npy": "!!!"}', json.dumps({"status": "array", "npy": "aGVsbG8="}),
    json.dumps({"status": "array", "npy": packed(np.array([{"a": 1}], dtype=object))}),
    json.dumps({"status": "not_an_array", "kind": "<script>"}),
    json.dumps({"status": "mystery"}),
    "[" * 100000,
])
def test_a_reply_that_is_not_what_the_probe_writes_is_unreadable(reply):
    found = parse_reply(reply, "array")
    assert isinstance(found, NoReply) and found.reason.startswith("the grader could not read")




def npy(header: str, data: bytes = b"", version: bytes = b"\x01\x00") -> str:
    """A reply's ``npy`` field holding a ``.npy`` file with this header text and data."""
    text = header.encode("latin1")
    length = struct.pack("<H" if version == b"\x01\x00" else "<I", len(text))
    return base64.b64encode(zlib.compress(b"\x93NUMPY" + version + length + text + data)
                            ).decode()


def reply_of(packed_npy: str, shape: tuple[int, ...] | None = None):
    return parse_reply(json.dumps({"status": "array", "npy": packed_npy}), "array", shape)


@pytest.mark.parametrize("shape", ["(1099511627776,)", "(2147483647, 2147483647, 0)"])
def test_a_header_claiming_terabytes_is_too_large_before_anything_is_allocated(shape):
    claim = npy(f"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}")
    for expected in (None, (1099511627776,), (2, 2)):
        found = reply_of(claim, expected)
        assert isinstance(found, NotAnArray) and found.kind == "too_large"


def test_an_empty_array_is_read_back():
    found = reply_of(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 10), }"),
                     (0, 10))
    assert isinstance(found, np.ndarray) and found.shape == (0, 10)


def test_an_array_of_another_shape_than_expected_is_judged_on_its_header_alone():
    """Its data is not read, not even allocated: a stand-in of the claimed shape holds none."""
    claim = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4096, 2048), }")  # no data
    found = reply_of(claim, (256, 1, 10))
    assert isinstance(found, np.ndarray) and found.shape == (4096, 2048)
    assert found.base is not None and found.strides == (0, 0)  # a view of one zero
    assert isinstance(reply_of(claim, (4096, 2048)), NoReply)  # that shape: its data is short


def test_an_array_of_the_expected_shape_is_read_in_any_layout_and_byte_order():
    array = np.arange(24, dtype=">f4").reshape(2, 3, 4)
    for ordered in (array, np.asfortranarray(array)):
        buffer = io.BytesIO()
        np.save(buffer, ordered)
        found = reply_of(base64.b64encode(zlib.compress(buffer.getvalue())).decode(), (2, 3, 4))
        assert isinstance(found, np.ndarray) and found.dtype == np.dtype(">f4")
        np.testing.assert_array_equal(found, array)
        assert found.flags.writeable and found.flags.c_contiguous


HEADER = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"


BROKEN = {
    "truncated": npy(HEADER, bytes(47)),
    "longer than it says": npy(HEADER, bytes(49)),
    "negative axes": npy(HEADER.replace("(2, 3)", "(-2, -3)"), bytes(48)),
    "a bool axis": npy(HEADER.replace("(2, 3)", "(True, 3)"), bytes(24)),
    "17 axes": npy(HEADER.replace("(2, 3)", "(" + "1, " * 17 + ")"), bytes(8)),
    "objects (a pickle)": npy(HEADER.replace("'<f8'", "'|O'"), bytes(48)),
    "records": npy(HEADER.replace("'<f8'", "[('a', '<f8')]"), bytes(48)),
    "a sub-array dtype": npy(HEADER.replace("'<f8'", "('<f8', (2,))"), bytes(96)),
    "no dtype": npy(HEADER.replace("'<f8'", "'not a dtype'"), bytes(48)),
    "a key missing": npy("{'descr': '<f8', 'shape': (2, 3), }", bytes(48)),
    "nested": npy("(" * 5000 + ")" * 5000, bytes(48)),
    "a long header": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'x': '"
                         + "a" * 20000 + "'}", bytes(48)),
    "version 3": npy(HEADER, bytes(48), version=b"\x03\x00"),
    "cut compressed": npy(HEADER, bytes(48))[:-8],
}


@pytest.mark.parametrize("packed_npy", BROKEN.values(), ids=list(BROKEN))
def test_a_broken_array_reply_is_unreadable_not_an_exception(packed_npy):
    for expected in (None, (2, 3)):
        found = reply_of(packed_npy, expected)
        assert isinstance(found, NoReply) and found.reason.startswith("the grader could not "
                                                                      "read"), expected


def test_a_compressed_bomb_is_never_inflated():
    items = MAX_ARRAY_BYTES // 8 + 1
    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({items},), }}"
    found = reply_of(npy(header, bytes(8 * items)), (items,))
    assert isinstance(found, NotAnArray) and found.kind == "too_large"
    assert f"over {MAX_ARRAY_BYTES // 2**20} MiB" in NOT_AN_ARRAY[found.kind]  # what it is told
    deflater = zlib.compressobj(1)  # a header of 6 numbers, then 128 MiB of zeros
    bomb = deflater.compress(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(HEADER))
                             + HEADER.encode())
    bomb += b"".join(deflater.compress(bytes(1 << 24)) for _ in range(8)) + deflater.flush()
    assert isinstance(reply_of(base64.b64encode(bomb).decode(), (2, 3)), NoReply)


@pytest.mark.parametrize(("descr", "kind"), [("'<c16'", "complex"), ("'<U3'", "non_numeric"),
                                             ("'<M8[s]'", "non_numeric")])
def test_an_array_of_other_than_real_numbers_is_not_an_array(descr, kind):
    found = reply_of(npy(HEADER.replace("'<f8'", descr), bytes(96)), (2, 3))
    assert isinstance(found, NotAnArray) and found.kind == kind


def test_a_complex_array_is_not_an_array_of_reals():
    found = parse_reply(json.dumps({"status": "array", "npy": packed(np.ones(3) * 1j)}), "array")
    assert isinstance(found, NotAnArray) and found.kind == "complex"


@pytest.mark.parametrize(("reply", "found"), [
    ({"status": "missing"}, Unavailable(defined=False)),
    ({"status": "not_callable"}, Unavailable(defined=True)),
    ({"status": "raised", "ename": "ValueError"}, Raised("ValueError")),
    ({"status": "raised", "ename": "<b>x</b>"}, Raised(None)),
    ({"status": "raised", "ename": "E" * 200}, Raised(None)),
    ({"status": "shape", "shape": [256, 1, 10]}, Predicted((256, 1, 10), None)),
    ({"status": "not_a_shape", "kind": "none"}, Predicted(None, "none")),
])
def test_the_other_replies_become_plain_values(reply, found):
    assert parse_reply(json.dumps(reply), "shape") == found


@pytest.mark.parametrize("shape", [[-1, 2], [True, 2], [2.0], [2**40], list(range(17)), "ab"])
def test_a_predicted_shape_must_be_small_non_negative_ints(shape):
    assert isinstance(parse_reply(json.dumps({"status": "shape", "shape": shape}), "shape"),
                      NoReply)


def test_only_builtin_exception_names_are_shown_for_hidden_runs():
    assert builtin_exception("ZeroDivisionError") == "ZeroDivisionError"
    assert builtin_exception("MyError") is None
    assert builtin_exception("print") is None
    assert builtin_exception(None) is None
    assert builtin_exception(["ValueError"]) is None  # a forged reply's name of another type


def test_a_user_expression_must_be_a_string_literal():
    ok = {"status": "ok", "data": {"text/plain": repr('{"status": "missing"}')}}
    assert parse_user_expression(ok) == '{"status": "missing"}'
    for value in [None, {"status": "error"}, {"status": "ok", "data": {"text/plain": "3"}},
                  {"status": "ok", "data": {"text/plain": "__import__('os')"}},
                  {"status": "ok", "data": "x"}]:
        assert parse_user_expression(value) is None


def test_the_probe_reports_what_the_function_did_without_its_text():
    def raises(*_):
        raise KeyError("the hidden inputs are 1.234")

    namespace = {"f": raises, "g": 3, "h": lambda *a: "a string", "k": lambda *a: None}
    request = {"expect": "array", "arguments": [{"int": 1}]}
    assert json.loads(answer(namespace, json.dumps({**request, "function": "f"}))) == {
        "status": "raised", "ename": "KeyError"}
    assert json.loads(answer(namespace, json.dumps({**request, "function": "g"}))) == {
        "status": "not_callable"}
    assert json.loads(answer(namespace, json.dumps({**request, "function": "x"}))) == {
        "status": "missing"}
    assert json.loads(answer(namespace, json.dumps({**request, "function": "h"}))) == {
        "status": "not_an_array", "kind": "string"}
    assert json.loads(answer(namespace, json.dumps({**request, "function": "k"}))) == {
        "status": "not_an_array", "kind": "none"}


# --- hidden runs and the secret ----------------------------------------------------------------

@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_hidden_runs_are_reproducible_per_student_and_secret(case):
    runs = hidden_runs(SECRET, "jacobians", "ada", case)
    assert len(runs) == HIDDEN_RUNS
    assert runs == hidden_runs(SECRET, "jacobians", "ada", case)
    assert runs != hidden_runs(SECRET, "jacobians", "ben", case)
    assert runs != hidden_runs(bytes(32), "jacobians", "ada", case)
    assert runs != hidden_runs(SECRET, "backprop", "ada", case)


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_hidden_sizes_are_distinct_and_never_the_public_ones(case):
    public = {*case.visible_sizes.values(), *case.second_sizes.values()}
    for student in range(200):
        for run in hidden_runs(SECRET, "jacobians", str(student), case):
            sizes = list(run.sizes.values())
            assert sorted(run.sizes) == sorted(case.size_names)
            assert len(set(sizes)) == len(sizes), run
            assert 1 not in sizes and not set(sizes) & public, run


def test_the_secret_is_created_once_private_and_kept(tmp_path):
    secret = course_secret(tmp_path)
    path = tmp_path / SECRET_FILE
    assert len(secret) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert course_secret(tmp_path) == secret
    assert secret_fingerprint(secret) == secret_fingerprint(course_secret(tmp_path))
    assert secret_fingerprint(secret) != secret_fingerprint(bytes(32))
    path.write_text("not hex\n")
    with pytest.raises(ValueError, match="does not hold a course secret"):
        course_secret(tmp_path)


# --- the judge ---------------------------------------------------------------------------------

def right_dloss_dyhat(y, yhat):
    return (yhat - y)[:, None, :]


def typed_in_dloss_dyhat(y, yhat):
    J = np.zeros((len(y), 1, 10))
    columns = min(10, y.shape[1])
    J[:, 0, :columns] = (yhat - y)[:, :columns]
    return J


SOLUTION = {"jacobian_shape": lambda B, D: (B, 1, D), "dloss_dyhat": right_dloss_dyhat}
CASE = CASES["scalar_wrt_vector"]
PUBLIC = {(CASE.visible_sizes["B"], CASE.visible_sizes["D"]),
          (CASE.second_sizes["B"], CASE.second_sizes["D"])}
"""The shapes of ``y`` on the public runs: the notebook's sizes and the second set."""


def test_a_right_notebook_passes_every_cell_on_every_run():
    found = verdicts(SOLUTION, CASE)
    assert all(v.passed and v.visible_passed for v in found.values())
    assert found["test_dloss_dyhat_values"].summary == (
        "Passed: the values of dloss_dyhat(y, yhat), of shape (B, 1, D), match finite "
        "differences at B=256, D=10, and at B=3, D=7; and on hidden tests with other sizes "
        "and inputs.")


def test_a_size_typed_in_fails_the_second_sizes_as_in_the_notebook(capsys):
    found = verdicts({**SOLUTION, "dloss_dyhat": typed_in_dloss_dyhat}, CASE)
    shape = found["test_dloss_dyhat_shape"]
    assert not shape.visible_passed and not shape.passed and not shape.hidden
    assert shape.rejection is not None and shape.rejection.diagnosis == "hardcoded_sizes"
    with pytest.raises(JacobianCheckError) as in_the_notebook:
        check_jacobian_shape(typed_in_dloss_dyhat, CASE.key, **CASE.visible_sizes)
    assert shape.rejection.message == str(in_the_notebook.value)


def test_calls_on_the_public_sizes_all_come_before_any_hidden_run():
    calls = []

    def recording(y, yhat):
        calls.append(y.shape)
        return right_dloss_dyhat(y, yhat)

    verdicts({**SOLUTION, "dloss_dyhat": recording}, CASE)
    assert set(calls[:2]) == PUBLIC  # once per public sizes (shape and values share a call)
    assert len(calls) == 2 + HIDDEN_RUNS and not set(calls[2:]) & PUBLIC


def test_a_function_that_recognizes_the_public_inputs_fails_the_hidden_runs():
    stored = {}

    def lookup(y, yhat):  # right only where it has seen the answer before
        key = (y.shape, float(y[0, 0]))
        stored.setdefault(key, right_dloss_dyhat(y, yhat))
        return stored[key] if y.shape in PUBLIC else np.zeros((len(y), 1, y.shape[1]))

    found = verdicts({**SOLUTION, "dloss_dyhat": lookup}, CASE)
    assert not found["test_dloss_dyhat_values"].passed
    assert found["test_dloss_dyhat_values"].hidden
    assert found["test_dloss_dyhat_values"].rejection.lines == hidden_message(
        "dloss_dyhat(y, yhat)", "values", "wrong_values")


def test_the_judge_words_a_missing_or_broken_function():
    found = verdicts({"jacobian_shape": 3}, CASE)
    assert found["test_jacobian_shape"].rejection.verdict == "not_callable"
    assert found["test_dloss_dyhat_shape"].rejection.verdict == "missing"
    assert found["test_dloss_dyhat_shape"].rejection.message == (
        "dloss_dyhat is not defined when your notebook has run: run the cell that defines it "
        "and keep its name.")


@pytest.mark.parametrize("error", [ZeroDivisionError, type("Secret42Error", (Exception,), {})])
def test_a_hidden_run_names_no_exception_and_no_value(error):
    """Which exception is raised on a hidden run could spell its sizes out, built-in or not;
    the instructor's record keeps a built-in's name."""
    def fails_on_other_sizes(y, yhat):
        if y.shape not in PUBLIC:
            raise error("y[0, 0] is 0.12345")
        return right_dloss_dyhat(y, yhat)

    found = verdicts({**SOLUTION, "dloss_dyhat": fails_on_other_sizes}, CASE)
    rejection = found["test_dloss_dyhat_shape"].rejection
    assert rejection is not None and rejection.verdict == "raised"
    assert rejection.lines == hidden_message("dloss_dyhat(y, yhat)", "shape", "raised")
    assert rejection.error == (error.__name__ if error is ZeroDivisionError else None)


def test_an_exception_on_the_second_sizes_is_named_and_points_at_a_size_typed_in():
    def typed_in(y, yhat):
        return (yhat - y).reshape(256, 1, 10)

    found = verdicts({**SOLUTION, "dloss_dyhat": typed_in}, CASE)
    rejection = found["test_dloss_dyhat_shape"].rejection
    assert rejection is not None and not found["test_dloss_dyhat_shape"].hidden
    assert rejection.message == (
        "On the check's second sizes, B=3, D=7 (after passing on B=256, D=10), "
        "dloss_dyhat(y, yhat) raised ValueError: it was raised inside your function "
        "dloss_dyhat, called by the grader with y (3, 7), yhat (3, 7). Run this test cell in "
        "your notebook to see where.\n"
        "A size typed in would do that. Take every size from the inputs' shapes (B, D = "
        "yhat.shape, say): the checks use other sizes too.")


def test_the_same_run_is_judged_the_same_in_every_cell():
    cells = graded_cells(CASE)
    judge = Judge(in_process(SOLUTION), lambda case: hidden_runs(SECRET, "j", "s", case))
    assert [v.passed for v in asyncio.run(judge.verify(cells))] == [True] * len(cells)


# --- the few texts of hidden runs ---------------------------------------------------------------

def _load(source: str) -> dict:
    namespace: dict = {"np": np}
    exec(compile(source, "<attack>", "exec"), namespace)  # noqa: S102 -- tests/hostile's own text
    return namespace


HOSTILE_FOLDER = Path(__file__).parent / "hostile"
HOSTILE = ("leak_through_exception", "leak_through_shape", "leak_through_diagnosis")
"""The attacks of tests/hostile that spell hidden sizes out in what a hidden run reports."""


def _hidden_judgements():
    """``(case, check, rejection)`` of every wrong answer of the bank and of the leaking
    attacks, judged as hidden runs of three students: every way of failing that we know."""
    namespaces = [(a.case, a.namespace()) for bank in every_case()
                  for a in bank.answers + bank.predicted_shapes if a.expect != "pass"]
    namespaces += [("scalar_wrt_vector", _load((HOSTILE_FOLDER / f"{name}.py").read_text()))
                   for name in HOSTILE]
    for case_key, namespace in namespaces:
        case = CASES[case_key]
        namespace.setdefault("jacobian_shape", lambda *sizes: (0,))
        checks = ["predicted_shape"] if case.function not in namespace else [
            "predicted_shape", "shape", "values"]
        for student in ("ada", "ben", "cam"):
            for run in hidden_runs(SECRET, case.assignment, student, case):
                for check in checks:
                    yield case_key, check, judge_once(namespace, check, case_key, run.sizes,
                                                      run.seed, hidden=True)


def test_a_hidden_run_shows_one_of_a_few_fixed_texts_per_check():
    """Over the answer bank's wrong answers and the attacks that spell sizes out, each
    check's failed hidden runs show at most its kinds' fixed texts, whatever the mistake."""
    seen: dict[tuple[str, str], set[str]] = {}
    diagnosed = set()
    for case_key, check, rejection in _hidden_judgements():
        if rejection is None:
            continue
        seen.setdefault((case_key, check), set()).add(rejection.message)
        diagnosed.add(rejection.diagnosis)
    assert len(diagnosed) > 5  # many different mistakes were met
    for (case_key, check), messages in seen.items():
        case = CASES[case_key]
        call = (f"jacobian_shape({', '.join(case.size_names)})" if check == "predicted_shape"
                else f"{case.function}({', '.join(case.arguments)})")
        assert messages <= hidden_texts(call, check), (case_key, check)
        assert len(messages) <= len(CHECK_KINDS[check])
    assert {check for _, check in seen} == {"predicted_shape", "shape", "values"}


def test_a_runs_references_are_computed_once_per_process_for_every_student(monkeypatch):
    """A hidden run's inputs are the same for every student (its sizes and seed come from
    the course secret), so its reference, examples and named answers are too: a grading
    process computes them at the first student's run and reuses them; another seed is
    another run."""
    from autograder import references
    from autograder.expectation import CaseExpectation

    computed: list[int] = []

    def counted(case, inputs):
        computed.append(1)
        return reference_jacobian(case, inputs)

    reference_jacobian = references.reference_jacobian
    monkeypatch.setattr(references, "reference_jacobian", counted)
    case = CASES["scalar_wrt_vector"]
    sizes = {"B": 6, "D": 4}
    for _student in range(3):
        expectation = CaseExpectation(case, sizes, 1234, has_inputs=True)
        reference = expectation.expected(case.jacobian_shape(sizes)).reference
    assert len(computed) == 1
    fresh = reference_jacobian(case, case.sample_inputs(sizes, 1234))
    np.testing.assert_array_equal(reference.values, fresh.values)
    other = CaseExpectation(case, sizes, 1235, has_inputs=True)
    assert not np.array_equal(other.expected(case.jacobian_shape(sizes)).reference.values,
                              fresh.values)
    assert len(computed) == 2
