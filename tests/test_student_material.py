"""What students receive answers no graded question.

Everything in the students' hands -- the release notebooks (Markdown, code, docstrings,
comments), the student text of each assignment, and every text file of the bundles -- is cut
into code fragments (:mod:`tests.fragments`), and each fragment is pasted, as written and
negated, into every graded function and every ``jacobian_shape`` of the course
(:mod:`tests.pasting`): no answer made of it may pass a check on the notebook's sizes, by the
grader's own verdict. Nor may any of it print a Jacobian shape a notebook asks the student to
predict, in symbols or in numbers at the notebook's sizes.
"""

from __future__ import annotations

import io
import re
import zipfile

import nbformat
import pytest

from cases.registry import ASSIGNMENTS, CASES
from course.bundle import write_bundle
from course.documents import student_document
from course.workspace import ROOT
from tests.fragments import file_fragments, markdown_fragments, notebook_fragments
from tests.pasting import Pasted, passing


def release_notebooks() -> dict[str, nbformat.NotebookNode]:
    """The committed release notebooks, by ``release/<assignment>/<file name>``."""
    return {path.relative_to(ROOT).as_posix(): nbformat.read(path, as_version=4)
            for path in sorted((ROOT / "release").glob("*/*.ipynb"))}


@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> dict[str, bytes]:
    """Every file of every assignment's bundle, by ``<zip>/<path>``."""
    files = {}
    for assignment in ASSIGNMENTS:
        zipped = write_bundle(assignment, tmp_path_factory.mktemp("bundle") / "bundle.zip")
        with zipfile.ZipFile(zipped) as archive:
            files.update({f"{assignment}-bundle/{name}": archive.read(name)
                          for name in archive.namelist() if not name.endswith("/")})
    return files


@pytest.fixture(scope="module")
def received(bundles) -> dict[str, str]:
    """Every fragment of what students receive, with where it comes from (its first place)."""
    origins: dict[str, str] = {}
    sources = [(name, notebook_fragments(notebook))
               for name, notebook in release_notebooks().items()]
    sources += [(f"student text of {assignment}", markdown_fragments(
        student_document(assignment))) for assignment in ASSIGNMENTS]
    sources += [(name, file_fragments(name, data)) for name, data in bundles.items()]
    for origin, fragments in sources:
        for fragment in fragments:
            if fragment.strip():
                origins.setdefault(fragment.strip("\n"), origin)
    return origins


def test_the_material_is_cut_into_many_fragments(received):
    """The paste test below is only as good as its fragments: it must see the Markdown code
    of the notebooks, their docstrings, the bundles' files and the student texts."""
    origins = set(received.values())
    assert any(origin.startswith("release/") for origin in origins)
    assert any(origin.startswith("student text of") for origin in origins)
    assert any(origin.endswith("README.md") for origin in origins)
    assert "import numpy as np" in received
    assert len(received) > 20 * len(CASES)


def test_the_paste_test_finds_an_answer_in_any_form():
    """Answers hidden in the ways the texts once held them are found, by the grader's verdict:
    negated, defined at the top, as a contraction of a chain's links, as a shape."""
    def cells(key: str, fragment: str) -> set[tuple[str, str]]:
        return {(hit.form, hit.cell) for hit in passing(CASES[key], fragment)}

    einsum = 'np.einsum("i,bj->bij", np.ones(1), y - yhat)'
    assert cells("scalar_wrt_vector", einsum) == {
        (f"pasted, returning {sign}np.einsum('i,bj->bij', np.ones(1), y - yhat)", cell)
        for sign, cell in [("", "test_dloss_dyhat_shape"), ("-", "test_dloss_dyhat_shape"),
                           ("-", "test_dloss_dyhat_values")]}
    assert ("defined at the top", "test_dz_db_values") in cells(
        "affine_wrt_bias", "def dz_db(W, b, x):\n    return np.broadcast_to(np.eye(len(b)), "
        "(len(x), len(b), len(b)))")
    assert ("pasted, returning J", "test_dloss_dW_values") in cells(
        "scalar_wrt_matrix", 'J = np.einsum("bij,bjkl->bikl", dloss_dyhat, dyhat_dW)\n'
        'J = J.mean(axis=0)')
    assert cells("two_layer_network", "(1, hidden_dim, input_dim)") == {
        ("pasted, returning (1, hidden_dim, input_dim)", "test_jacobian_shape")}
    assert passing(CASES["tanh"], "np.einsum('bi,ij->bij', 1 - h ** 2, np.eye(D))") == [
        Pasted("np.einsum('bi,ij->bij', 1 - h ** 2, np.eye(D))",
               f"pasted, returning {sign}np.einsum('bi,ij->bij', 1 - h ** 2, np.eye(D))",
               "test_da_dh_shape") for sign in ("", "-")]  # right shape, wrong values


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_no_fragment_passes_a_check_when_pasted(case, received):
    found = [(received[hit.fragment], hit) for fragment in received
             for hit in passing(case, fragment)]
    assert not found, "what students receive answers a graded question:\n" + "\n".join(
        f"- {origin}: {hit.fragment!r} ({hit.form}) passes {hit.cell}"
        for origin, hit in found[:20])


def shape_patterns(dims: tuple[object, ...]) -> re.Pattern[str]:
    """A shape's axes written in a row, in any of the ways texts write them:
    ``(B, 1, D)``, ``[B, 1, D]``, ``B × 1 × D``, ``B \\times 1 \\times D``, and as code
    writes symbols, ``("B", 1, 'D')``."""
    separator = r"\s*(?:,|×|\\times)\s*"
    body = separator.join(rf"[\"']?{re.escape(str(dim))}[\"']?" for dim in dims)
    return re.compile(rf"(?<![\w.]){body}(?![\w.])")


def texts_students_read(bundles) -> dict[str, str]:
    """Every text students receive, by where it comes from: each release notebook's cells
    (docstrings and comments included), the student texts, the bundles' text files, and
    those of the student package's wheel in them (its docstrings and their examples)."""
    texts = {name: "\n".join(cell.source for cell in notebook.cells)
             for name, notebook in release_notebooks().items()}
    texts.update({f"student text of {a}": student_document(a) for a in ASSIGNMENTS})
    files = dict(bundles)
    for name, data in bundles.items():
        if name.endswith(".whl"):
            with zipfile.ZipFile(io.BytesIO(data)) as wheel:
                files.update({f"{name}/{inner}": wheel.read(inner) for inner in wheel.namelist()})
    for name, data in files.items():
        if name.endswith((".md", ".txt", ".html", ".py", ".ipynb")):
            texts[name] = data.decode()
    return texts


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_no_text_prints_a_shape_to_predict(case, bundles):
    """A notebook asks for the Jacobian's shape in part 1: no text gives it, in symbols or in
    numbers at the notebook's sizes (tests' output aside: a passing check confirms it)."""
    symbols = case.layout.axes
    numbers = case.jacobian_shape(case.visible_sizes)
    found = [f"{origin}: {match.group(0)!r}"
             for origin, text in texts_students_read(bundles).items()
             for pattern in (shape_patterns(symbols), shape_patterns(numbers))
             for match in pattern.finditer(text) if not _signature(text, match.start())]
    assert not found, f"{case.layout.symbols()} is printed:\n" + "\n".join(found)


def _signature(text: str, start: int) -> bool:
    """The match is the argument list of ``jacobian_shape``, fixed by the student contract
    (``jacobian_shape(B, output_dim, input_dim)`` lists the sizes of three notebooks)."""
    return re.search(r"jacobian_shape\(\s*$", text[:start]) is not None


def test_the_shape_patterns_find_a_shape_written_in_any_way():
    pattern = shape_patterns(("B", 1, "D"))
    for text in ("`(B, 1, D)`", "np.zeros((B,1,D))", "[B, 1, D]", r"$B \times 1 \times D$",
                 "B × 1 × D", '("B", 1, "D")', "['B', 1, 'D']"):
        assert pattern.search(text), text
    for text in ("(B, 1, D2)", "(AB, 1, D)", "(B, 1)", "x.B, 1, D"):
        assert not pattern.search(text), text


