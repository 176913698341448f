"""What the grader should make of an answer of the bank, and the labels of its mistakes."""

#: What the grader is expected to do with an answer.
#: - ``pass``: accepted at the visible sizes (seed 0) and at every hidden size (seeds 1 and 2).
#: - ``fails_shape``: wrong shape; rejected by the shape check and by the values check.
#: - ``fails_values``: right shape, wrong values; only the values check rejects it.
#: - ``fails_hidden``: right at the notebook's own sizes only (a size typed in): rejected at the
#:   check's second, public sizes, and at the hidden ones.
EXPECTATIONS = ("pass", "fails_shape", "fails_values", "fails_hidden")

#: Labels for wrong answers.  Shape mistakes first, then value mistakes.
#: ``diagonal_only`` means the (block-)diagonal entries are right and the off-diagonal ones are
#: wrong; ``off_diagonal_only`` is its mirror image: the off-diagonal entries are right (zero)
#: and the diagonal ones are wrong.  The mistakes of one kind of function (a softmax and its
#: cross-entropy; an activation's derivative, alone or in a network's chain) come after the
#: general ones; ``other`` is a mistake no diagnosis names.
SHAPE_MISTAKES = (
    "missing_batch_axis",
    "batch_axis_misplaced",
    "transposed_axes",
    "extra_unit_axis",
    "missing_unit_axis",
    "per_example_instead_of_mean",
    "gradient_instead_of_jacobian",
    "elementwise_instead_of_diagonal",
    "elementwise_instead_of_jacobian",
    "unexpected_batch_axis",
    "terms_instead_of_sum",
    "jacobian_wrt_other_argument",
)
VALUE_MISTAKES = (
    "sign_flipped",
    "scaled",
    "transposed_values",
    "reshaped_not_transposed",
    "function_instead_of_derivative",
    "single_example",
    "diagonal_only",
    "off_diagonal_only",
    "all_zeros",
    "identity",
    "some_examples_wrong",
    "batch_permuted",
    "hardcoded_sizes",
    # a softmax, and the cross-entropy of a softmax
    "softmax_over_batch_axis",
    "softmax_outer_product_missing",
    "softmax_outer_product_added",
    "log_softmax_jacobian",
    "softmax_as_elementwise",
    "derivative_wrt_probabilities",
    # an activation's derivative, alone or in a network's chain
    "sigmoid_derivative_for_tanh",
    "tanh_derivative_for_sigmoid",
    "derivative_at_output",
    "input_where_output_belongs",
    "square_forgotten",
    "derivative_at_zero",
    "activation_derivative_missing",
    "activation_left_out",
    "other",
)
MISTAKES = SHAPE_MISTAKES + VALUE_MISTAKES
