"""One real wrong answer per diagnosis, and the message the checks give it, for diagnoses.md.

Each :class:`Example` is a solution cell a student could write, judged by the grader's own
verdicts (the same as the notebook's test cell gives), on the notebook's sizes, on the case's
second sizes (after the notebook's, as the test cell runs them), on other sizes, or on a
hidden run. ``docs/diagnoses.md`` shows every
example's answer and message between ``<!-- example: ID -->`` and ``<!-- end example -->``;
refresh them with::

    .venv/bin/python docs/diagnosis_examples.py

``tests/test_diagnosis.py`` asserts each example's verdict line and that the doc is current.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from autograder.verify.in_process import judge_once
from autograder.verify.plan import CHECKS
from cases.registry import CASES
from jacobian_checks.verdicts import Rejection

DOC = Path(__file__).with_name("diagnoses.md")

_CHECK_NAMES = {check: name for name, check in CHECKS.items()}


@dataclass(frozen=True)
class Example:
    """A wrong answer, the check it fails, and the diagnosis it should get.

    Attributes
    ----------
    id : str
        Name of the example in the doc, e.g. ``"sign_flipped"``.
    key : str
        The diagnosis it gets.
    case : str
    check : {"predicted_shape", "shape", "values"}
    source : str
        The solution cell: ``import numpy as np`` and the graded function.
    sizes : dict of str to int
        The test's sizes; the case's visible sizes if empty.
    seed : int
    hidden : bool
        Judged as a hidden run, whose sizes and inputs are secret.
    second : bool
        Judged on the case's second sizes, after passing on the notebook's, as in the
        notebook's test cell.
    """

    id: str
    key: str
    case: str
    check: str
    source: str
    sizes: dict[str, int] = field(default_factory=dict)
    seed: int = 0
    hidden: bool = False
    second: bool = False

    @property
    def call(self) -> str:
        """Where the message appears: the test cell's line on the notebook's sizes, e.g.
        ``>>> check_jacobian_values(da_dh, "...", B=256, D=10)``, else the grading run."""
        if self.hidden:
            return "When grading, on a hidden run:"
        if self.sizes and self.sizes != CASES[self.case].visible_sizes and not self.second:
            sizes = ", ".join(f"{name}={size}" for name, size in self.sizes.items())
            return f"When grading, on a run with {sizes}:"
        function = "jacobian_shape" if self.check == "predicted_shape" else (
            CASES[self.case].function)
        sizes = ", ".join(f"{name}={size}" for name, size in self.cell_sizes().items())
        return f'>>> {_CHECK_NAMES[self.check]}({function}, "{self.case}", {sizes})'

    def test_sizes(self) -> dict[str, int]:
        if self.second:
            return dict(CASES[self.case].second_sizes)
        return self.sizes or dict(CASES[self.case].visible_sizes)

    def cell_sizes(self) -> dict[str, int]:
        """The sizes the test cell's call holds."""
        return dict(CASES[self.case].visible_sizes) if self.second else self.test_sizes()

    def rejection(self) -> Rejection:
        """Judge the answer as the grader does; the rejection it gets."""
        namespace: dict[str, object] = {}
        exec(compile("import numpy as np\n" + self.source, f"<example {self.id}>", "exec"),
             namespace)
        rejection = judge_once(namespace, self.check, self.case, self.test_sizes(), self.seed,
                               hidden=self.hidden, cell_sizes=self.cell_sizes())
        if rejection is None:
            raise AssertionError(f"example {self.id}: the check accepted the answer")
        return rejection


def _example(id: str, key: str, case: str, check: str, source: str, *,
             sizes: dict[str, int] | None = None, seed: int = 0,
             hidden: bool = False, second: bool = False) -> Example:
    return Example(id, key, case, check, textwrap.dedent(source).strip() + "\n",
                   sizes=sizes or {}, seed=seed, hidden=hidden, second=second)


EXAMPLES: tuple[Example, ...] = (
    # --- shape ------------------------------------------------------------------------------
    _example("missing_batch_axis", "missing_batch_axis", "elementwise_nonlinearity", "shape", """
        def da_dh(h):
            s = 1 / (1 + np.exp(-h[0]))
            return np.diag(s * (1 - s))
        """),
    _example("batch_axis_misplaced", "batch_axis_misplaced", "scalar_wrt_vector", "shape", """
        def dloss_dyhat(y, yhat):
            return np.einsum("i,bj->ijb", np.ones(1), yhat - y)
        """),
    _example("transposed_axes", "transposed_axes", "scalar_wrt_vector", "shape", """
        def dloss_dyhat(y, yhat):
            return (yhat - y)[:, :, None]
        """),
    _example("transposed_axes_matrix", "transposed_axes", "vector_wrt_matrix", "shape", """
        def dyhat_dW(W, x):
            return np.multiply.outer(x, np.eye(W.shape[0]))
        """),
    _example("transposed_axes_predicted", "transposed_axes", "scalar_wrt_matrix",
             "predicted_shape", """
        def jacobian_shape(B, output_dim, input_dim):
            return (1, input_dim, output_dim)
        """),
    _example("extra_unit_axis", "extra_unit_axis", "scalar_wrt_vector", "shape", """
        def dloss_dyhat(y, yhat):
            return (yhat - y)[:, None, None, :]
        """),
    _example("missing_unit_axis", "missing_unit_axis", "scalar_wrt_scalar", "shape", """
        def dloss_dyhat(y, yhat):
            return (yhat - y)[:, 0]
        """),
    _example("gradient_instead_of_jacobian", "gradient_instead_of_jacobian",
             "scalar_wrt_vector", "shape", """
        def dloss_dyhat(y, yhat):
            return yhat - y
        """),
    _example("elementwise_instead_of_diagonal", "elementwise_instead_of_diagonal",
             "elementwise_nonlinearity", "shape", """
        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return s * (1 - s)
        """),
    _example("elementwise_instead_of_jacobian", "elementwise_instead_of_jacobian", "softmax",
             "shape", """
        def da_dh(h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            s = e / e.sum(axis=1, keepdims=True)
            return s * (1 - s)
        """),
    _example("function_shape", "function_instead_of_derivative", "vector_wrt_matrix", "shape",
             """
        def dyhat_dW(W, x):
            return x @ W.T
        """),
    _example("per_example_instead_of_mean", "per_example_instead_of_mean", "scalar_wrt_matrix",
             "shape", """
        def dloss_dW(y, W, x):
            r = x @ W.T - y
            return np.einsum("bi,bk->bik", r, x)
        """),
    _example("unexpected_batch_axis", "unexpected_batch_axis", "elementwise_nonlinearity",
             "shape", """
        def da_dh(h):
            B, D = h.shape
            s = 1 / (1 + np.exp(-h))
            return np.einsum("bc,bi,ij->bicj", np.eye(B), s * (1 - s), np.eye(D))
        """),
    _example("hardcoded_sizes_shape", "hardcoded_sizes", "scalar_wrt_vector", "values", """
        def dloss_dyhat(y, yhat):
            J = np.zeros((len(y), 1, 10))
            for j in range(y.shape[1]):
                J[:, 0, j] = yhat[:, j] - y[:, j]
            return J
        """, second=True),
    # --- values -----------------------------------------------------------------------------
    _example("all_zeros", "all_zeros", "scalar_wrt_vector", "values", """
        def dloss_dyhat(y, yhat):
            return np.zeros((y.shape[0], 1, y.shape[1]))
        """),
    _example("sign_flipped", "sign_flipped", "scalar_wrt_vector", "values", """
        def dloss_dyhat(y, yhat):
            return np.einsum("i,bj->bij", np.ones(1), y - yhat)
        """),
    _example("scaled", "scaled", "scalar_wrt_matrix", "values", """
        def dloss_dW(y, W, x):
            r = x @ W.T - y
            return np.einsum("bi,bk->ik", r, x)[None]
        """),
    _example("hardcoded_sizes_values", "hardcoded_sizes", "scalar_wrt_matrix", "values", """
        def dloss_dW(y, W, x):
            r = x @ W.T - y
            return (r.T @ x / 256)[None]
        """, second=True),
    _example("transposed_values", "transposed_values", "scalar_wrt_matrix", "values", """
        def dloss_dW(y, W, x):
            r = x @ W.T - y
            return (x.T @ r / len(x))[None]
        """, sizes={"B": 7, "output_dim": 4, "input_dim": 4}),
    _example("reshaped_not_transposed", "reshaped_not_transposed", "scalar_wrt_matrix",
             "values", """
        def dloss_dW(y, W, x):
            r = x @ W.T - y
            return (x.T @ r / len(x)).reshape(1, *W.shape)
        """),
    _example("single_example", "single_example", "scalar_wrt_matrix", "values", """
        def dloss_dW(y, W, x):
            r = W @ x[0] - y[0]
            return np.outer(r, x[0])[None]
        """),
    _example("identity", "identity", "elementwise_nonlinearity", "values", """
        def da_dh(h):
            B, D = h.shape
            return np.tile(np.eye(D), (B, 1, 1))
        """),
    _example("function_values", "function_instead_of_derivative", "elementwise_nonlinearity",
             "values", """
        def da_dh(h):
            a = 1 / (1 + np.exp(-h))
            return np.einsum("bi,ij->bij", a, np.eye(h.shape[1]))
        """),
    _example("batch_permuted", "batch_permuted", "vector_wrt_matrix", "values", """
        def dyhat_dW(W, x):
            return np.einsum("ij,bk->bijk", np.eye(W.shape[0]), x[::-1])
        """),
    _example("some_examples_wrong", "some_examples_wrong", "scalar_wrt_vector", "values", """
        def dloss_dyhat(y, yhat):
            B, D = y.shape
            J = np.zeros((B, 1, D))
            for b in range(B // 2):
                J[b, 0] = yhat[b] - y[b]
            return J
        """),
    _example("diagonal_only", "diagonal_only", "elementwise_nonlinearity", "values", """
        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return (s * (1 - s))[:, :, None] * np.ones(h.shape[1])
        """),
    _example("off_diagonal_only", "off_diagonal_only", "elementwise_nonlinearity", "values", """
        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return np.einsum("bi,ij->bij", s * (1 + s), np.eye(h.shape[1]))
        """),
    _example("some_examples_wrong_in_mean", "some_examples_wrong", "two_layer_network", "values",
             """
        def dloss_dW1(y, W1, W2, x):
            G = np.zeros((1,) + W1.shape)
            for b in range(len(x) - 1):
                a = np.tanh(W1 @ x[b])
                G[0] += np.outer((W2.T @ (W2 @ a - y[b])) * (1 - a**2), x[b])
            return G / len(x)
        """),
    # --- shapes of one kind of function -----------------------------------------------------
    _example("terms_instead_of_sum", "terms_instead_of_sum", "scalar_wrt_vector", "shape", """
        def dloss_dyhat(y, yhat):
            return np.einsum("bi,ij->bij", yhat - y, np.eye(y.shape[1]))
        """),
    _example("jacobian_wrt_other_argument", "jacobian_wrt_other_argument", "two_layer_network",
             "shape", """
        def dloss_dW1(y, W1, W2, x):
            a = np.tanh(x @ W1.T)
            return ((a @ W2.T - y).T @ a / len(x))[None]
        """),
    # --- a softmax, and the cross-entropy of a softmax --------------------------------------
    _example("softmax_over_batch_axis", "softmax_over_batch_axis", "softmax", "values", """
        def da_dh(h):
            e = np.exp(h - h.max())
            a = e / e.sum(axis=0, keepdims=True)
            return np.einsum("bi,ij->bij", a, np.eye(h.shape[1])) - np.einsum("bi,bj->bij", a, a)
        """),
    _example("softmax_outer_product_missing", "softmax_outer_product_missing", "softmax",
             "values", """
        def da_dh(h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return np.einsum("bi,ij->bij", a, np.eye(h.shape[1]))
        """),
    _example("softmax_outer_product_missing_in_chain", "softmax_outer_product_missing",
             "softmax_cross_entropy", "values", """
        def dloss_dh(y, h):
            return -y[:, None, :]
        """),
    _example("softmax_outer_product_added", "softmax_outer_product_added", "softmax", "values",
             """
        def da_dh(h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return np.einsum("bi,ij->bij", a, np.eye(h.shape[1])) + np.einsum("bi,bj->bij", a, a)
        """),
    _example("log_softmax_jacobian", "log_softmax_jacobian", "softmax", "values", """
        def da_dh(h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return np.eye(h.shape[1])[None] - a[:, None, :]
        """),
    _example("softmax_as_elementwise", "softmax_as_elementwise", "softmax_cross_entropy",
             "values", """
        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return (-y / a * a * (1 - a))[:, None, :]
        """),
    _example("derivative_wrt_probabilities", "derivative_wrt_probabilities",
             "softmax_cross_entropy", "values", """
        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return (-y / a)[:, None, :]
        """),
    # --- an activation's derivative, alone or in a network's chain --------------------------
    _example("sigmoid_derivative_for_tanh", "sigmoid_derivative_for_tanh", "tanh", "values", """
        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1]))
        """),
    _example("tanh_derivative_for_sigmoid", "tanh_derivative_for_sigmoid",
             "elementwise_nonlinearity", "values", """
        def da_dh(h):
            return np.einsum("bi,ij->bij", 1 - np.tanh(h) ** 2, np.eye(h.shape[1]))
        """),
    _example("input_where_output_belongs", "input_where_output_belongs", "tanh", "values", """
        def da_dh(h):
            return np.einsum("bi,ij->bij", 1 - h ** 2, np.eye(h.shape[1]))
        """),
    _example("input_where_output_belongs_sigmoid", "input_where_output_belongs",
             "elementwise_nonlinearity", "values", """
        def da_dh(h):
            return np.einsum("bi,ij->bij", h * (1 - h), np.eye(h.shape[1]))
        """),
    _example("derivative_at_output", "derivative_at_output", "tanh", "values", """
        def da_dh(h):
            a = np.tanh(h)
            return np.einsum("bi,ij->bij", 1 - np.tanh(a) ** 2, np.eye(h.shape[1]))
        """),
    _example("square_forgotten", "square_forgotten", "tanh", "values", """
        def da_dh(h):
            return np.einsum("bi,ij->bij", 1 - np.tanh(h), np.eye(h.shape[1]))
        """),
    _example("derivative_at_zero", "derivative_at_zero", "elementwise_nonlinearity", "values",
             """
        def da_dh(h):
            B, D = h.shape
            return np.broadcast_to(0.25 * np.eye(D), (B, D, D))
        """),
    _example("activation_derivative_missing", "activation_derivative_missing",
             "two_layer_network", "values", """
        def dloss_dW1(y, W1, W2, x):
            a = np.tanh(x @ W1.T)
            delta = (a @ W2.T - y) @ W2
            return (delta.T @ x / len(x))[None]
        """),
    _example("input_where_output_belongs_in_chain", "input_where_output_belongs",
             "two_layer_network", "values", """
        def dloss_dW1(y, W1, W2, x):
            h = x @ W1.T
            delta = ((np.tanh(h) @ W2.T - y) @ W2) * (1 - h**2)
            return (delta.T @ x / len(x))[None]
        """),
    _example("activation_left_out", "activation_left_out", "two_layer_network", "values", """
        def dloss_dW1(y, W1, W2, x):
            h = x @ W1.T
            delta = (h @ W2.T - y) @ W2
            return (delta.T @ x / len(x))[None]
        """),
)


_BLOCK = re.compile(r"(<!-- example: (?P<id>\w+) -->\n).*?(<!-- end example -->)", re.DOTALL)


def render_example(example: Example) -> str:
    """The answer and the message, as two fenced blocks."""
    message = example.rejection().message
    return (f"```python\nimport numpy as np\n\n{example.source}```\n\n"
            f"```text\n{example.call}\nJacobianCheckError: {message}\n```\n")


def render(doc: str) -> str:
    """``doc`` with every example block replaced by the current answer and message."""
    examples = {example.id: example for example in EXAMPLES}
    return _BLOCK.sub(
        lambda match: match.group(1) + render_example(examples[match.group("id")])
        + match.group(3), doc)


def main() -> None:
    DOC.write_text(render(DOC.read_text()))


if __name__ == "__main__":
    main()
