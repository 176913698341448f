"""Case 2, `scalar_wrt_vector`: ``dloss_dyhat(y, yhat)`` with y, yhat of shape (B, D).

L_b = 1/2 ||y_b - yhat_b||^2 (output shape (1,) per example), so the Jacobian has shape
(B, 1, D) and J[b, 0, j] = yhat[b, j] - y[b, j].
"""

# The answers are written as students write them: zip() without strict=.
# ruff: noqa: B905

import numpy as np

from course.answer_bank import right, right_prediction, wrong, wrong_prediction

#: Mistake labels that make sense for this case (each is used at least once below).
APPLICABLE_MISTAKES = frozenset(
    {
        "missing_batch_axis",
        "batch_axis_misplaced",
        "transposed_axes",
        "extra_unit_axis",
        "gradient_instead_of_jacobian",
        "unexpected_batch_axis",
        "terms_instead_of_sum",
        "sign_flipped",
        "scaled",
        "function_instead_of_derivative",
        "all_zeros",
        "identity",
        "some_examples_wrong",
        "batch_permuted",
        "hardcoded_sizes",
        "other",
    }
)

#: Runs on other sizes than the notebook's, where the wrong answers are diagnosed too: one
#: smaller and one larger, so that a size typed in shows as a wrong shape or value.
OTHER_SIZES = (
    {"B": 29, "D": 7},
    {"B": 6, "D": 13},
)


# --- right answers for dloss_dyhat ---------------------------------------------------------------


@right
def document_einsum(y, yhat):
    dloss_dyhat = -np.einsum(
      "i,bj->bij",
      np.ones(1),
      y - yhat)  # Shape: (B, 1, D)
    return dloss_dyhat


@right
def einsum_other_letters(y, yhat):
    return np.einsum("nd,o->nod", yhat - y, np.ones(1))


@right
def newaxis(y, yhat):
    return (yhat - y)[:, np.newaxis, :]


@right
def none_index_short(y, yhat):
    return (yhat - y)[:, None]


@right
def expand_dims(y, yhat):
    grad = -(y - yhat)                     # (B, D)
    return np.expand_dims(grad, axis=1)    # (B, 1, D)


@right
def reshape_from_shapes(y, yhat):
    B, D = yhat.shape
    return (yhat - y).reshape(B, 1, D)


@right
def reshape_minus_one(y, yhat):
    return np.reshape(yhat - y, (len(y), 1, -1))


@right
def python_loops(y, yhat):
    B, D = y.shape
    J = np.zeros((B, 1, D))
    for b in range(B):
        for j in range(D):
            J[b, 0, j] = yhat[b, j] - y[b, j]
    return J


@right
def outer_per_example(y, yhat):
    B, D = y.shape
    J = np.empty((B, 1, D))
    for b in range(B):
        J[b] = np.outer(np.ones(1), yhat[b] - y[b])
    return J


@right
def nested_list(y, yhat):
    return [[[float(a - t) for a, t in zip(yhat_b, y_b)]] for y_b, yhat_b in zip(y, yhat)]


@right
def float32(y, yhat):
    return (yhat - y).astype(np.float32)[:, None, :]


@right
def stack_per_example(y, yhat):
    return np.stack([(yhat[b] - y[b])[None, :] for b in range(y.shape[0])])


@right
def batched_matmul(y, yhat):
    B = y.shape[0]
    return np.ones((B, 1, 1)) @ (yhat - y)[:, None, :]


@right
def chain_rule_minus_identity(y, yhat):
    D = y.shape[1]
    e = y - yhat                                   # (B, D)
    dL_de = e[:, None, :]                          # (B, 1, D)
    de_dyhat = -np.eye(D)                          # (D, D)
    return np.einsum("bij,jk->bik", dL_de, de_dyhat)


@right
def tensordot_then_transpose(y, yhat):
    J = np.tensordot(np.ones(1), yhat - y, axes=0)  # (1, B, D)
    return J.transpose(1, 0, 2)


@right
def swapaxes_of_column(y, yhat):
    column = (yhat - y)[:, :, None]      # (B, D, 1)
    return np.swapaxes(column, 1, 2)     # (B, 1, D)


@right
def transposes_cancel(y, yhat):
    g = (yhat.T - y.T).T
    return g[:, None, :]


@right
def multiply_outer_transpose(y, yhat):
    return np.multiply.outer(yhat - y, np.ones(1)).transpose(0, 2, 1)


@right
def kron_per_example(y, yhat):
    return np.array([np.kron(np.ones((1, 1)), (yh - t)[None, :]) for t, yh in zip(y, yhat)])


@right
def broadcast_to_readonly(y, yhat):
    B, D = y.shape
    return np.broadcast_to((yhat - y)[:, None, :], (B, 1, D))


@right
def own_central_differences(y, yhat):
    # numerical Jacobian of L_b = 1/2 ||y_b - yhat_b||^2, one coordinate at a time
    def loss(yh):
        return 0.5 * np.sum((y - yh) ** 2, axis=1)
    B, D = yhat.shape
    J = np.zeros((B, 1, D))
    eps = 1e-5
    for j in range(D):
        step = np.zeros(D)
        step[j] = eps
        J[:, 0, j] = (loss(yhat + step) - loss(yhat - step)) / (2 * eps)
    return J


@right
def keyword_only_extra_argument(y, yhat, *, sign=-1.0):
    return sign * np.einsum("i,bj->bij", np.ones(1), y - yhat)


@right
def in_place_on_input(y, yhat):
    np.subtract(yhat, y, out=yhat)   # overwrites the caller's yhat
    return yhat[:, None, :]


@right
def list_of_arrays(y, yhat):
    return [(yhat[b] - y[b])[np.newaxis, :] for b in range(len(y))]


# --- wrong answers for dloss_dyhat ---------------------------------------------------------------


@wrong("gradient_instead_of_jacobian")
def gradient_vector(y, yhat):
    return yhat - y  # the gradient, (B, D)


@wrong("transposed_axes")
def column_instead_of_row(y, yhat):
    return (yhat - y)[:, :, None]  # (B, D, 1)


@wrong("transposed_axes")
def einsum_wrong_output_order(y, yhat):
    return -np.einsum("i,bj->bji", np.ones(1), y - yhat)


@wrong("missing_batch_axis")
def mean_over_batch(y, yhat):
    return np.mean(yhat - y, axis=0, keepdims=True)  # (1, D)


@wrong("batch_axis_misplaced")
def batch_last(y, yhat):
    return -np.einsum("i,bj->ijb", np.ones(1), y - yhat)  # (1, D, B)


@wrong("extra_unit_axis")
def two_unit_axes(y, yhat):
    return (yhat - y)[:, None, None, :]  # (B, 1, 1, D)


@wrong("unexpected_batch_axis")
def loss_vector_wrt_batch(y, yhat):
    # losses (B,) w.r.t. yhat (B, D): (B, B, D), zero off the batch diagonal
    return np.einsum("bc,cj->bcj", np.eye(len(y)), yhat - y)


@wrong("other", expect="fails_shape")
def summed_over_components(y, yhat):
    # the loss is a scalar, so its derivative is a scalar per example
    return np.sum(yhat - y, axis=1, keepdims=True)[:, :, None]  # (B, 1, 1)


@wrong("sign_flipped")
def forgot_minus(y, yhat):
    return np.einsum("i,bj->bij", np.ones(1), y - yhat)


@wrong("scaled")
def forgot_one_half(y, yhat):
    return 2 * (yhat - y)[:, None, :]


@wrong("scaled")
def mean_instead_of_sum_over_d(y, yhat):
    # loss = 1/2 * mean((y - yhat)**2)
    D = y.shape[1]
    return (yhat - y)[:, None, :] / D


@wrong("scaled")
def divided_by_batch(y, yhat):
    return (yhat - y)[:, None, :] / y.shape[0]


@wrong("function_instead_of_derivative")
def returned_the_loss(y, yhat):
    return 0.5 * np.square(y - yhat)[:, None, :]


@wrong("all_zeros")
def zeros(y, yhat):
    B, D = y.shape
    return np.zeros((B, 1, D))


@wrong("identity")
def ones(y, yhat):
    return np.ones_like(yhat)[:, None, :]


@wrong("some_examples_wrong")
def first_example_broadcast(y, yhat):
    B, D = y.shape
    return np.broadcast_to(yhat[0] - y[0], (B, 1, D))


@wrong("some_examples_wrong")
def loop_over_half_batch(y, yhat):
    B, D = y.shape
    J = np.zeros((B, 1, D))
    for b in range(B // 2):
        J[b, 0] = yhat[b] - y[b]
    return J


@wrong("batch_permuted")
def rolled_batch(y, yhat):
    return np.roll(yhat - y, 1, axis=0)[:, None, :]


@wrong("other")
def normalised_residual(y, yhat):
    # derivative of ||y - yhat|| instead of 1/2 ||y - yhat||^2
    diff = yhat - y
    return (diff / np.linalg.norm(diff, axis=1, keepdims=True))[:, None, :]


@wrong("other")
def component_sum_repeated(y, yhat):
    B, D = y.shape
    total = np.sum(yhat - y, axis=1)
    return np.repeat(total[:, None, None], D, axis=2)


@wrong("hardcoded_sizes")
def hardcoded_d_loop(y, yhat):
    J = np.zeros((len(y), 1, 10))
    for b in range(len(y)):
        for j in range(10):
            J[b, 0, j] = yhat[b, j] - y[b, j]
    return J


@wrong("hardcoded_sizes")
def hardcoded_d_in_zeros(y, yhat):
    J = np.zeros((len(y), 1, 10))
    for j in range(y.shape[1]):
        J[:, 0, j] = yhat[:, j] - y[:, j]
    return J


@wrong("hardcoded_sizes", crashes_at_other_sizes=True)
def hardcoded_reshape(y, yhat):
    return (yhat - y).reshape(256, 1, 10)


@wrong("extra_unit_axis")
def trailing_comma_tuple(y, yhat):
    J = (yhat - y)[:, None, :],
    return J


@wrong("other")
def loop_skips_first_component(y, yhat):
    B, D = y.shape
    J = np.zeros((B, 1, D))
    for j in range(1, D):
        J[:, 0, j] = yhat[:, j] - y[:, j]
    return J


@wrong("other")
def copied_document_inputs(y, yhat):
    B, D = 256, 10
    y = np.random.randn(B, D)
    yhat = np.random.randn(B, D)
    return -np.einsum("i,bj->bij", np.ones(1), y - yhat)


# Written with the diagnoses of a loss left as a vector of terms (the course document's slip),
# and of a batch averaged away with keepdims=True.
@wrong("missing_batch_axis")
def batch_mean_keepdims(y, yhat):
    J = (yhat - y)[:, None, :]
    return J.mean(axis=0, keepdims=True)     # (1, 1, D)


@wrong("terms_instead_of_sum")
def document_loss_vector(y, yhat):
    # loss = 0.5 * np.square(y - yhat), shape (B, D): one term per component
    return np.einsum("bi,ij->bij", yhat - y, np.eye(y.shape[1]))


# --- predictions of the Jacobian's shape ---------------------------------------------------------


@right_prediction
def predicted_tuple(B, D):
    return (B, 1, D)


@right_prediction
def predicted_list(B, D):
    return [B, 1, D]


@right_prediction
def predicted_from_parts(B, D):
    output_shape, input_shape = (1,), (D,)
    return (B,) + output_shape + input_shape


@right_prediction
def predicted_shape_of_zeros(B, D):
    return np.zeros((B, 1, D)).shape


@wrong_prediction("gradient_instead_of_jacobian")
def predicted_gradient(B, D):
    return (B, D)


@wrong_prediction("transposed_axes")
def predicted_column(B, D):
    return (B, D, 1)


@wrong_prediction("missing_batch_axis")
def predicted_no_batch(B, D):
    return (1, D)


@wrong_prediction("batch_axis_misplaced")
def predicted_batch_last(B, D):
    return (1, D, B)


@wrong_prediction("hardcoded_sizes")
def predicted_hardcoded_d(B, D):
    return (B, 1, 10)


@right_prediction
def predicted_numpy_ints(B, D):
    return tuple(np.array([B, 1, D]))


@wrong_prediction("terms_instead_of_sum")
def predicted_per_component(B, D):
    return (B, D, D)
