"""Case 1, `scalar_wrt_scalar`: ``dloss_dyhat(y, yhat)`` with y, yhat of shape (B, 1).

L_b = 1/2 (y_b - yhat_b)^2, so the Jacobian has shape (B, 1, 1) and J[b, 0, 0] = yhat_b - y_b.
"""

# The answers are written as students write them: zip() without strict=, variables assigned and
# never used.
# ruff: noqa: B905, F841

import numpy as np

from course.answer_bank import right, right_prediction, wrong, wrong_prediction

#: Mistake labels that make sense for this case (each is used at least once below).
APPLICABLE_MISTAKES = frozenset(
    {
        "missing_batch_axis",
        "batch_axis_misplaced",
        "extra_unit_axis",
        "missing_unit_axis",
        "gradient_instead_of_jacobian",
        "unexpected_batch_axis",
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
    {"B": 37},
    {"B": 5},
)


# --- right answers for dloss_dyhat ---------------------------------------------------------------


@right
def document_einsum(y, yhat):
    """Derivative of 1/2 (y - yhat)^2 w.r.t. yhat, batched."""
    return -np.einsum("i,bj->bij", np.ones(1), y - yhat)  # Shape: (B, 1, 1)


@right
def einsum_other_order(y, yhat):
    return np.einsum("bk,o->bok", yhat - y, np.ones(1))


@right
def newaxis(y, yhat):
    diff = yhat - y
    return diff[:, :, np.newaxis]


@right
def none_index_middle(y, yhat):
    # (B, 1) -> (B, 1, 1): output axis of size 1, input axis of size 1
    return (yhat - y)[:, None, :]


@right
def expand_dims(y, yhat):
    return np.expand_dims(-(y - yhat), axis=-1)


@right
def reshape_minus_one(y, yhat):
    return (yhat - y).reshape(-1, 1, 1)


@right
def reshape_len(y, yhat):
    B = len(y)
    return np.reshape(np.asarray(yhat) - np.asarray(y), (B, 1, 1))


@right
def python_loops(y, yhat):
    B = y.shape[0]
    J = np.zeros((B, 1, 1))
    for b in range(B):
        for i in range(1):
            for j in range(1):
                J[b, i, j] = -(y[b, j] - yhat[b, j])
    return J


@right
def nested_list(y, yhat):
    return [[[float(yhat[b][0] - y[b][0])]] for b in range(len(y))]


@right
def float32(y, yhat):
    y32 = y.astype(np.float32)
    yhat32 = yhat.astype(np.float32)
    return (yhat32 - y32)[:, :, None]


@right
def longdouble(y, yhat):
    diff = yhat.astype(np.longdouble) - y.astype(np.longdouble)
    return diff.reshape(diff.shape[0], 1, 1)


@right
def atleast_3d(y, yhat):
    return np.atleast_3d(yhat - y)


@right
def stack_last_axis(y, yhat):
    return np.stack([yhat - y], axis=-1)


@right
def matmul_with_ones(y, yhat):
    return (yhat - y)[:, :, None] @ np.ones((1, 1))


@right
def chain_rule_through_residual(y, yhat):
    e = y - yhat                          # residual, (B, 1)
    dL_de = e[:, None, :]                 # (B, 1, 1)
    de_dyhat = -np.eye(1)                 # (1, 1)
    return np.einsum("bij,jk->bik", dL_de, de_dyhat)


@right
def subtract_out(y, yhat):
    out = np.empty((y.shape[0], 1, 1))
    np.subtract(yhat, y, out=out[:, :, 0])
    return out


@right
def multiply_outer(y, yhat):
    return np.multiply.outer((yhat - y)[:, 0], np.ones((1, 1)))


@right
def tensordot_outer(y, yhat):
    return np.tensordot(yhat - y, np.ones(1), axes=0)


@right
def math_loop_array(y, yhat):
    rows = []
    for yb, yhatb in zip(y, yhat):
        rows.append([[yhatb[0] - yb[0]]])
    return np.array(rows)


@right
def in_place_on_input(y, yhat):
    yhat -= y            # reuses yhat's memory (changes the caller's array!)
    return yhat[:, :, None]


@right
def tuple_of_tuples(y, yhat):
    return tuple(((float(p - t),),) for (t,), (p,) in zip(y, yhat))


@right
def np_diff(y, yhat):
    # yhat - y as a difference along a new last axis: (B, 1, 2) -> (B, 1, 1)
    return np.diff(np.stack([y, yhat], axis=-1), axis=-1)


# --- wrong answers for dloss_dyhat ---------------------------------------------------------------


@wrong("missing_batch_axis")
def mean_over_batch(y, yhat):
    return np.array([[np.mean(yhat - y)]])  # (1, 1)


@wrong("gradient_instead_of_jacobian")
def no_unit_axis(y, yhat):
    return yhat - y  # (B, 1)


@wrong("missing_unit_axis")
def flat_vector(y, yhat):
    return (yhat - y)[:, 0]  # (B,)


@wrong("extra_unit_axis")
def four_axes(y, yhat):
    return (yhat - y)[:, :, None, None]  # (B, 1, 1, 1)


@wrong("batch_axis_misplaced")
def batch_last(y, yhat):
    return -np.einsum("i,bj->ijb", np.ones(1), y - yhat)  # (1, 1, B)


@wrong("unexpected_batch_axis")
def full_batched_jacobian(y, yhat):
    # loss (B, 1) w.r.t. yhat (B, 1) -> (B, 1, B, 1), block diagonal over the batch
    B = len(y)
    return np.einsum("bc,bi->bic", np.eye(B), yhat - y)[:, :, :, None]


@wrong("sign_flipped")
def forgot_minus(y, yhat):
    return np.einsum("i,bj->bij", np.ones(1), y - yhat)


@wrong("sign_flipped")
def y_minus_yhat(y, yhat):
    return (y - yhat)[..., None]


@wrong("scaled")
def forgot_one_half(y, yhat):
    # d/dyhat (y - yhat)^2
    return 2 * (yhat - y)[:, :, None]


@wrong("scaled")
def halved_twice(y, yhat):
    return 0.5 * (yhat - y)[:, :, None]


@wrong("scaled")
def divided_by_batch(y, yhat):
    B = y.shape[0]
    return (yhat - y).reshape(B, 1, 1) / B


@wrong("function_instead_of_derivative")
def returned_the_loss(y, yhat):
    loss = 0.5 * np.square(y - yhat)  # Shape: (B, 1)
    return loss[:, :, None]


@wrong("all_zeros")
def zeros_placeholder(y, yhat):
    J = np.zeros((len(y), 1, 1))
    # TODO fill in
    return J


@wrong("identity")
def ones(y, yhat):
    # d yhat / d yhat = 1
    return np.ones((y.shape[0], 1, 1))


@wrong("some_examples_wrong")
def loop_skips_first(y, yhat):
    J = np.zeros((len(y), 1, 1))
    for b in range(1, len(y)):
        J[b, 0, 0] = yhat[b, 0] - y[b, 0]
    return J


@wrong("batch_permuted")
def reversed_batch(y, yhat):
    return (yhat - y)[::-1, :, None]


@wrong("other")
def dropped_y(y, yhat):
    return yhat[:, :, None]


@wrong("other")
def absolute_value(y, yhat):
    return np.abs(yhat - y)[:, :, None]


@wrong("other")
def summed_over_batch(y, yhat):
    return np.full((len(y), 1, 1), np.sum(yhat - y))


@wrong("hardcoded_sizes", crashes_at_other_sizes=True)
def hardcoded_reshape_256(y, yhat):
    return (yhat - y).reshape(256, 1, 1)


@wrong("hardcoded_sizes")
def hardcoded_zeros_256(y, yhat):
    J = np.zeros((256, 1, 1))
    for b in range(len(y)):
        J[b, 0, 0] = yhat[b, 0] - y[b, 0]
    return J


@wrong("some_examples_wrong", undiagnosed=(
    "the NaN fails the finiteness check, whose message locates it; values with NaN are not "
    "diagnosed"))
def nan_placeholder_for_last(y, yhat):
    B = len(y)
    J = np.full((B, 1, 1), np.nan)
    J[: B - 1, 0, 0] = (yhat - y)[: B - 1, 0]
    return J


# --- predictions of the Jacobian's shape ---------------------------------------------------------


@right_prediction
def predicted_tuple(B):
    return (B, 1, 1)


@right_prediction
def predicted_list(B):
    return [B, 1, 1]


@right_prediction
def predicted_concatenated(B):
    return (B,) + (1,) + (1,)


@right_prediction
def predicted_output_plus_input(B):
    output_shape = (1,)
    input_shape = (1,)
    return (int(B), *output_shape, *input_shape)


@wrong_prediction("gradient_instead_of_jacobian")
def predicted_no_unit_axis(B):
    return (B, 1)


@wrong_prediction("missing_batch_axis")
def predicted_no_batch(B):
    return (1, 1)


@wrong_prediction("batch_axis_misplaced")
def predicted_batch_last(B):
    return (1, 1, B)


@wrong_prediction("extra_unit_axis")
def predicted_four_axes(B):
    return (B, 1, 1, 1)


@wrong_prediction("hardcoded_sizes")
def predicted_hardcoded(B):
    return (256, 1, 1)


@wrong_prediction("other")
def predicted_forgot_return(B):
    shape = (B, 1, 1)
