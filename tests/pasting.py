"""A fragment pasted as a student in a hurry would, into a graded function, then graded.

Each fragment becomes several answers to each case: run at the top of a notebook (after the
setup cell) it may define the graded function itself; pasted into the function's body, after
the lines a student writes first (sizes read from the arguments, the forward pass under the
names the texts use), it returns its last expression or any name it assigns -- as written and
with its sign flipped. ``jacobian_shape`` gets the same, with the sizes as its arguments.

Each answer is judged by the grader's own path (:mod:`tests.trusted`) on the sizes students
see (hidden runs would not change whether it passes there). To keep that affordable,
an answer is first called once on the notebook's inputs: one that raises there, or returns
another shape than the case's, fails the grader's checks on the notebook's sizes (the grader
calls it on the same inputs), so only the others are sent to the grader.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import io
import textwrap
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from cases.case import Case
from jacobian_checks.public_case import VISIBLE_SEED
from tests.trusted import visible_verdicts

HELPERS = """\
sigmoid = lambda v: 1 / (1 + np.exp(-v))
def softmax(v, axis=-1):
    e = np.exp(v - np.max(v, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)"""
"""Functions a student defines before pasting."""

FORWARD: dict[str, str] = {
    "scalar_wrt_scalar": "diff = r = error = y - yhat\nloss = 0.5 * diff ** 2",
    "scalar_wrt_vector": "diff = r = error = y - yhat\n"
                         "loss = 0.5 * np.sum(diff ** 2, axis=1, keepdims=True)",
    "vector_wrt_matrix": "yhat = z = x @ W.T",
    "scalar_wrt_matrix": "yhat = z = x @ W.T\ndiff = r = error = y - yhat\n"
                         "dloss_dyhat = -diff[:, None, :]\n"
                         "dyhat_dW = np.einsum('ij,bk->bijk', np.eye(output_dim), x)",
    "elementwise_nonlinearity": "a = s = sig = sigmoid(h)",
    "softmax": "e = np.exp(h - h.max(axis=1, keepdims=True))\na = p = s = softmax(h)",
    "softmax_cross_entropy": "e = np.exp(h - h.max(axis=1, keepdims=True))\n"
                             "a = p = s = softmax(h)\nlog_a = np.log(a)\n"
                             "dloss_dlog_a = -y[:, None, :]\n"
                             "dlog_a_dh = np.eye(D) - a[:, None, :]",
    "affine_wrt_input": "z = yhat = x @ W.T + b",
    "affine_wrt_bias": "z = yhat = x @ W.T + b",
    "tanh": "a = t = np.tanh(h)",
    "two_layer_network": "h = z = x @ W1.T\na = np.tanh(h)\nyhat = a @ W2.T\n"
                         "diff = r = error = y - yhat\n"
                         "dloss_dyhat = -diff[:, None, :]\n"
                         "dyhat_da = np.broadcast_to(W2, (B, *W2.shape))\n"
                         "da_dh = np.einsum('bj,jl->bjl', 1 - a ** 2, np.eye(hidden_dim))\n"
                         "dh_dW1 = np.einsum('jl,bm->bjlm', np.eye(hidden_dim), x)",
}
"""What a student writes before pasting, under the names the texts use: the forward pass of
each case and, for a chain, the Jacobians of its links (the answers of earlier notebooks), so
that a printed contraction of the chain would pass. A case without an entry gets its sizes
only."""


@dataclass(frozen=True)
class Pasted:
    """One answer made of a fragment, and what the grader made of it."""

    fragment: str
    form: str
    cell: str


def sizes_prelude(case: Case) -> str:
    """Lines that read every size of ``case`` from the function's arguments."""
    lines, seen = [], set()
    for argument, dims in case.input_shapes.items():
        for axis, dim in enumerate(dims):
            if isinstance(dim, str) and dim not in seen:
                seen.add(dim)
                lines.append(f"{dim} = np.shape({argument})[{axis}]")
    return "\n".join(lines)


def _before_pasting(case: Case, arguments: dict[str, Any]) -> dict[str, Any]:
    """What a student's lines before the paste compute from ``arguments``: the helpers, the
    sizes and the forward pass of :data:`FORWARD`. Computed once per inputs, and handed out
    as copies, as if computed afresh -- except arrays over 1 MB (the largest links of a
    chain), handed out read-only, since copying them for every answer would take minutes: a
    fragment that changed one of those in place would fail here."""
    key = (case.key, tuple((name, np.shape(value), hashlib.blake2b(
        np.ascontiguousarray(value).tobytes()).digest()) for name, value in arguments.items()))
    if key not in _COMPUTED:
        if len(_COMPUTED) > 32:
            _COMPUTED.clear()
        namespace: dict[str, Any] = {"np": np, **arguments}
        exec("\n".join([HELPERS, sizes_prelude(case), FORWARD.get(case.key, "")]), namespace)
        _COMPUTED[key] = {name: value for name, value in namespace.items()
                          if name not in arguments and name not in ("np", "__builtins__")}
    return {name: _fresh(value) for name, value in _COMPUTED[key].items()}


def _fresh(value: Any) -> Any:
    if not isinstance(value, np.ndarray):
        return value
    if value.nbytes <= 2 ** 20:
        return value.copy()
    view = value.view()
    view.flags.writeable = False
    return view


_COMPUTED: dict[tuple[Any, ...], dict[str, Any]] = {}


def _prelude(case: Case) -> str:
    """The lines of the function before the paste: every name of :func:`_before_pasting`."""
    inputs = case.sample_inputs(case.visible_sizes, VISIBLE_SEED)
    names = _before_pasting(case, inputs)
    arguments = ", ".join(f"{name!r}: {name}" for name in case.arguments)
    return "\n".join([f"_computed = _before_pasting(_CASE, {{{arguments}}})",
                      *(f"{name} = _computed[{name!r}]" for name in names)])


def _values(fragment: str) -> tuple[ast.Module, list[str]] | None:
    """The parsed fragment and what it could return: each name it assigns at its top level,
    and its last expression; ``None`` if it is not Python."""
    try:
        tree = ast.parse(fragment)
    except (SyntaxError, ValueError):
        return None
    names: list[str] = []
    for statement in tree.body:
        targets = (statement.targets if isinstance(statement, ast.Assign)
                   else [statement.target] if isinstance(statement, ast.AnnAssign | ast.AugAssign)
                   else [])
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Name) and node.id not in names:
                    names.append(node.id)
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        names.append(ast.unparse(tree.body[-1].value))
    return tree, names


def _compile(source: str, name: str, case: Case | None = None) -> Callable[..., Any] | None:
    namespace: dict[str, Any] = {"np": np, "_before_pasting": _before_pasting, "_CASE": case}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, "<pasted>", "exec"), namespace)
    except Exception:  # noqa: BLE001 -- a fragment that is not a function body
        return None
    function = namespace.get(name)
    return function if callable(function) else None


def answers(case: Case, fragment: str) -> Iterator[tuple[str, str, Callable[..., Any]]]:
    """``(form, name, function)``: the answers to ``case`` a student could make of
    ``fragment``, for the graded function (``name == case.function``) and for
    ``jacobian_shape``."""
    fragment = textwrap.dedent(fragment).strip("\n")
    parsed = _values(fragment)
    if parsed is None:
        return
    tree, values = parsed
    at_top = f"import numpy as np\n{fragment}"
    for name in (case.function, "jacobian_shape"):
        defined = _compile(at_top, name)
        if defined is not None:
            yield "defined at the top", name, defined
            if name == case.function:
                yield "defined at the top, negated", name, _negated(defined)
    head = f"def {case.function}({', '.join(case.arguments)}):"
    prelude = _prelude(case)
    shape_head = f"def jacobian_shape({', '.join(case.size_names)}):"
    bodies = [(None, fragment)] if any(isinstance(s, ast.Return) for s in tree.body) else []
    bodies += [(value, f"{fragment}\nreturn {value}") for value in values]
    for value, body in bodies:
        for sign in ("", "-"):
            ending = body if value is None else f"{fragment}\nreturn {sign}np.asarray({value})"
            if value is None and sign:
                continue
            source = f"import numpy as np\n{head}\n{_indent(prelude)}\n{_indent(ending)}"
            function = _compile(source, case.function, case)
            if function is not None:
                yield f"pasted, returning {sign}{value or 'as written'}", case.function, function
        function = _compile(f"import numpy as np\n{shape_head}\n{_indent(body)}",
                            "jacobian_shape")
        if function is not None:
            yield f"pasted, returning {value or 'as written'}", "jacobian_shape", function


def passing(case: Case, fragment: str) -> list[Pasted]:
    """Every answer made of ``fragment`` that passes one of ``case``'s checks on the
    notebook's sizes, by the grader's own verdict."""
    inputs = case.sample_inputs(case.visible_sizes, VISIBLE_SEED)
    expected = case.jacobian_shape(case.visible_sizes)
    sizes = [case.visible_sizes[name] for name in case.size_names]
    found = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # in a student's kernel a warning is not an error
        for form, name, function in answers(case, fragment):
            if name == case.function:
                if _shape_of(function, [inputs[a].copy() for a in case.arguments]) != expected:
                    continue
                namespace = {name: function, "jacobian_shape": _unanswered}
                cells = (f"test_{name}_shape", f"test_{name}_values")
            else:
                if _shape_of(function, sizes, returned=True) != expected:
                    continue
                namespace = {name: function, case.function: _unanswered}
                cells = ("test_jacobian_shape",)
            judged = visible_verdicts(namespace, case)
            found += [Pasted(fragment, form, cell) for cell in cells
                      if judged[cell].visible_passed]
    return found


def _shape_of(function: Callable[..., Any], arguments: list[Any], *,
              returned: bool = False) -> tuple[int, ...] | None:
    """The shape of what ``function`` returns (or, with ``returned``, what it returns, as a
    tuple); ``None`` if it raises (or, with ``returned``, returns no sequence of numbers)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            result = function(*arguments)
            if not returned:
                return np.shape(result)
            values = np.asarray(result)
            return tuple(values.tolist()) if values.ndim == 1 else None
    except Exception:  # noqa: BLE001 -- whatever a pasted fragment raises
        return None


def _negated(function: Callable[..., Any]) -> Callable[..., Any]:
    return lambda *arguments: -np.asarray(function(*arguments))


def _unanswered(*arguments: object) -> None:
    raise NotImplementedError


def _indent(text: str) -> str:
    return textwrap.indent(text, "    ") if text.strip() else "    pass"
