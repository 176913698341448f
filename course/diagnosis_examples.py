"""One wrong answer of the bank per diagnosis, and the message the checks give it.

Each :class:`Example` is an answer of the bank (:mod:`course.answer_bank`), named by its case
and name, judged by the grader's own verdicts (the same as the notebook's test cell gives), on
the notebook's sizes, on the case's second sizes (after the notebook's, as the test cell runs
them), on other sizes, or on a hidden run. ``docs/diagnoses.md`` shows every example's answer
and message between ``<!-- example: ID -->`` and ``<!-- end example -->``; refresh them with::

    .venv/bin/python -m course.diagnosis_examples

``tests/test_diagnosis.py`` asserts each example's verdict line and that the doc is current.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.verify.in_process import judge_once
from autograder.verify.plan import CHECKS
from cases.registry import CASES
from jacobian_checks.verdicts import Rejection

from .answer_bank import BankAnswer, answer

DOC = Path(__file__).resolve().parents[1] / "docs" / "diagnoses.md"

_CHECK_NAMES = {check: name for name, check in CHECKS.items()}


@dataclass(frozen=True)
class Example:
    """A wrong answer of the bank, the check it fails, and the diagnosis it should get.

    Attributes
    ----------
    id : str
        Name of the example in the doc, e.g. ``"sign_flipped"``.
    key : str
        The diagnosis it gets.
    case : str
    answer : str
        The name of the bank's answer in ``case``.
    check : {"predicted_shape", "shape", "values"}
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
    answer: str
    check: str
    sizes: dict[str, int] = field(default_factory=dict)
    seed: int = 0
    hidden: bool = False
    second: bool = False

    @property
    def bank_answer(self) -> BankAnswer:
        return answer(self.case, self.answer)

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
        rejection = judge_once(self.bank_answer.namespace(), self.check, self.case,
                               self.test_sizes(), self.seed, hidden=self.hidden,
                               cell_sizes=self.cell_sizes())
        if rejection is None:
            raise AssertionError(f"example {self.id}: the check accepted the answer")
        return rejection


EXAMPLES: tuple[Example, ...] = (
    # --- shape ------------------------------------------------------------------------------
    Example("missing_batch_axis", "missing_batch_axis", "elementwise_nonlinearity",
            "diag_of_first_example", "shape"),
    Example("batch_axis_misplaced", "batch_axis_misplaced", "scalar_wrt_vector",
            "batch_last", "shape"),
    Example("transposed_axes", "transposed_axes", "scalar_wrt_vector",
            "column_instead_of_row", "shape"),
    Example("transposed_axes_matrix", "transposed_axes", "vector_wrt_matrix",
            "multiply_outer_no_transpose", "shape"),
    Example("transposed_axes_predicted", "transposed_axes", "scalar_wrt_matrix",
            "predicted_transposed", "predicted_shape"),
    Example("extra_unit_axis", "extra_unit_axis", "scalar_wrt_vector", "two_unit_axes", "shape"),
    Example("missing_unit_axis", "missing_unit_axis", "scalar_wrt_scalar", "flat_vector", "shape"),
    Example("gradient_instead_of_jacobian", "gradient_instead_of_jacobian", "scalar_wrt_vector",
            "gradient_vector", "shape"),
    Example("elementwise_instead_of_diagonal", "elementwise_instead_of_diagonal",
            "elementwise_nonlinearity", "elementwise_derivative", "shape"),
    Example("elementwise_instead_of_jacobian", "elementwise_instead_of_jacobian", "softmax",
            "elementwise_a_one_minus_a", "shape"),
    Example("function_shape", "function_instead_of_derivative", "vector_wrt_matrix",
            "returned_yhat", "shape"),
    Example("per_example_instead_of_mean", "per_example_instead_of_mean", "scalar_wrt_matrix",
            "no_mean", "shape"),
    Example("unexpected_batch_axis", "unexpected_batch_axis", "elementwise_nonlinearity",
            "full_batched_jacobian", "shape"),
    Example("hardcoded_sizes_shape", "hardcoded_sizes", "scalar_wrt_vector",
            "hardcoded_d_in_zeros", "values", second=True),
    # --- values -----------------------------------------------------------------------------
    Example("all_zeros", "all_zeros", "scalar_wrt_vector", "zeros", "values"),
    Example("sign_flipped", "sign_flipped", "scalar_wrt_vector", "forgot_minus", "values"),
    Example("scaled", "scaled", "scalar_wrt_matrix", "sum_instead_of_mean", "values"),
    Example("hardcoded_sizes_values", "hardcoded_sizes", "scalar_wrt_matrix",
            "hardcoded_batch_256", "values", second=True),
    Example("transposed_values", "transposed_values", "scalar_wrt_matrix",
            "x_transpose_r", "values", sizes={"B": 7, "output_dim": 4, "input_dim": 4}),
    Example("reshaped_not_transposed", "reshaped_not_transposed", "scalar_wrt_matrix",
            "reshaped_from_x_transposed_r", "values"),
    Example("single_example", "single_example", "scalar_wrt_matrix",
            "first_example_only", "values"),
    Example("identity", "identity", "elementwise_nonlinearity", "identity", "values"),
    Example("function_values", "function_instead_of_derivative", "elementwise_nonlinearity",
            "sigmoid_itself", "values"),
    Example("batch_permuted", "batch_permuted", "vector_wrt_matrix", "reversed_batch", "values"),
    Example("some_examples_wrong", "some_examples_wrong", "scalar_wrt_vector",
            "loop_over_half_batch", "values"),
    Example("diagonal_only", "diagonal_only", "elementwise_nonlinearity",
            "broadcast_without_eye", "values"),
    Example("off_diagonal_only", "off_diagonal_only", "elementwise_nonlinearity",
            "s_one_plus_s", "values"),
    Example("some_examples_wrong_in_mean", "some_examples_wrong", "two_layer_network",
            "off_by_one_loop", "values"),
    # --- shapes of one kind of function -----------------------------------------------------
    Example("terms_instead_of_sum", "terms_instead_of_sum", "scalar_wrt_vector",
            "document_loss_vector", "shape"),
    Example("jacobian_wrt_other_argument", "jacobian_wrt_other_argument", "two_layer_network",
            "gradient_wrt_W2", "shape"),
    # --- a softmax, and the cross-entropy of a softmax --------------------------------------
    Example("softmax_over_batch_axis", "softmax_over_batch_axis", "softmax",
            "softmax_over_batch_axis", "values"),
    Example("softmax_outer_product_missing", "softmax_outer_product_missing", "softmax",
            "diag_a_only", "values"),
    Example("softmax_outer_product_missing_in_chain", "softmax_outer_product_missing",
            "softmax_cross_entropy", "log_sum_exp_term_forgotten", "values"),
    Example("softmax_outer_product_added", "softmax_outer_product_added", "softmax",
            "outer_added_einsum", "values"),
    Example("log_softmax_jacobian", "log_softmax_jacobian", "softmax",
            "log_softmax_jacobian", "values"),
    Example("softmax_as_elementwise", "softmax_as_elementwise", "softmax_cross_entropy",
            "chain_with_elementwise_softmax", "values"),
    Example("derivative_wrt_probabilities", "derivative_wrt_probabilities", "softmax_cross_entropy",
            "derivative_wrt_softmax_output", "values"),
    # --- an activation's derivative, alone or in a network's chain --------------------------
    Example("sigmoid_derivative_for_tanh", "sigmoid_derivative_for_tanh", "tanh",
            "sigmoid_derivative", "values"),
    Example("tanh_derivative_for_sigmoid", "tanh_derivative_for_sigmoid",
            "elementwise_nonlinearity", "tanh_derivative", "values"),
    Example("input_where_output_belongs", "input_where_output_belongs", "tanh",
            "formula_applied_to_h", "values"),
    Example("input_where_output_belongs_sigmoid", "input_where_output_belongs",
            "elementwise_nonlinearity", "formula_applied_to_h", "values"),
    Example("derivative_at_output", "derivative_at_output", "tanh",
            "derivative_of_the_activation", "values"),
    Example("square_forgotten", "square_forgotten", "tanh", "forgot_the_square", "values"),
    Example("derivative_at_zero", "derivative_at_zero", "elementwise_nonlinearity",
            "constant_quarter", "values"),
    Example("activation_derivative_missing", "activation_derivative_missing", "two_layer_network",
            "forgot_tanh_derivative", "values"),
    Example("input_where_output_belongs_in_chain", "input_where_output_belongs",
            "two_layer_network", "derivative_at_h", "values"),
    Example("activation_left_out", "activation_left_out", "two_layer_network",
            "no_tanh_in_forward_pass", "values"),
)


_BLOCK = re.compile(r"(<!-- example: (?P<id>\w+) -->\n).*?(<!-- end example -->)", re.DOTALL)


def render_example(example: Example) -> str:
    """The answer and the message, as two fenced blocks."""
    message = example.rejection().message
    return (f"```python\n{example.bank_answer.source}```\n\n"
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
