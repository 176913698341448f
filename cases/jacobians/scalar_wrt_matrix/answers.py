"""Case 4, `scalar_wrt_matrix`: ``dloss_dW(y, W, x)`` with y (B, n), W (n, m), x (B, m).

L = mean_b 1/2 ||y_b - W x_b||^2 (one number, output shape (1,)), so the Jacobian has shape
(1, n, m) and J[0, i, k] = mean_b (W x_b - y_b)_i x[b, k].
"""

# The answers are written as students write them: zip() without strict=.
# ruff: noqa: B905

import numpy as np

from course.answer_bank import right, right_prediction, wrong, wrong_prediction

#: Mistake labels that make sense for this case (each is used at least once below).
APPLICABLE_MISTAKES = frozenset(
    {
        "transposed_axes",
        "extra_unit_axis",
        "per_example_instead_of_mean",
        "gradient_instead_of_jacobian",
        "unexpected_batch_axis",
        "sign_flipped",
        "scaled",
        "reshaped_not_transposed",
        "single_example",
        "all_zeros",
        "some_examples_wrong",
        "batch_permuted",
        "hardcoded_sizes",
        "other",
    }
)

#: Runs on other sizes than the notebook's, where the wrong answers are diagnosed too: one
#: smaller and one larger, so that a size typed in shows as a wrong shape or value.
OTHER_SIZES = (
    {"B": 17, "output_dim": 4, "input_dim": 9},
    {"B": 3, "output_dim": 6, "input_dim": 5},
)


# --- right answers for dloss_dW ------------------------------------------------------------------


@right
def document_chain_rule(y, W, x):
    output_dim = W.shape[0]
    diff = y - np.einsum("rc,bc->br", W, x)  # Shape: (B, output_dim)
    dloss_dyhat = -np.einsum(
      "i,bj->bij",
      np.ones(1),
      diff)  # Shape: (B, 1, output_dim)
    dyhat_dW = np.einsum(
      "ij,bk->bijk",
      np.eye(output_dim),
      x)  # Shape: (B, output_dim, output_dim, input_dim)
    dloss_dW = np.mean(
      np.einsum(
        "bij,bjjk->bjk",
        dloss_dyhat,
        dyhat_dW),
      axis=0,
      keepdims=True)  # Shape: (1, output_dim, input_dim)
    return dloss_dW


@right
def general_chain_rule_contraction(y, W, x):
    n = W.shape[0]
    r = x @ W.T - y                                        # (B, n)
    dL_dyhat = r[:, None, :]                               # (B, 1, n)
    dyhat_dW = np.eye(n)[None, :, :, None] * x[:, None, None, :]  # (B, n, n, m)
    per_example = np.einsum("bij,bjkl->bikl", dL_dyhat, dyhat_dW)  # (B, 1, n, m)
    return per_example.mean(axis=0)                        # (1, n, m)


@right
def einsum_direct(y, W, x):
    r = np.einsum("ij,bj->bi", W, x) - y
    return np.einsum("bi,bk->ik", r, x)[None] / x.shape[0]


@right
def matmul_newaxis(y, W, x):
    residual = x @ W.T - y
    grad = residual.T @ x / len(x)
    return grad[np.newaxis, :, :]


@right
def column_convention_matmul(y, W, x):
    # columns are examples: Y = W X
    X, Y = x.T, y.T
    B = X.shape[1]
    return ((W @ X - Y) @ X.T / B)[None]


@right
def sum_then_divide(y, W, x):
    B = y.shape[0]
    r = x @ W.T - y
    total = np.sum(r[:, :, None] * x[:, None, :], axis=0, keepdims=True)
    return total / B


@right
def np_average(y, W, x):
    r = -(y - x @ W.T)
    outer = r[:, :, None] * x[:, None, :]       # (B, n, m)
    return np.expand_dims(np.average(outer, axis=0), 0)


@right
def mean_of_outer_products(y, W, x):
    grads = [np.outer(W @ x_b - y_b, x_b) for x_b, y_b in zip(x, y)]
    return np.mean(grads, axis=0, keepdims=True)


@right
def python_loops(y, W, x):
    B, input_dim = x.shape
    output_dim = W.shape[0]
    J = np.zeros((1, output_dim, input_dim))
    for b in range(B):
        for i in range(output_dim):
            yhat_bi = 0.0
            for j in range(input_dim):
                yhat_bi += W[i, j] * x[b, j]
            for k in range(input_dim):
                J[0, i, k] += -(y[b, i] - yhat_bi) * x[b, k]
    return J / B


@right
def reshape(y, W, x):
    n, m = W.shape
    g = (x @ W.T - y).T @ x / x.shape[0]
    return g.reshape(1, n, m)


@right
def tensordot(y, W, x):
    r = np.dot(x, W.T) - y
    return np.tensordot(r, x, axes=([0], [0]))[None, ...] / len(y)


@right
def float32(y, W, x):
    y, W, x = (a.astype(np.float32) for a in (y, W, x))
    r = x @ W.T - y
    return (r.T @ x / np.float32(len(x)))[None]


@right
def transposes_cancel(y, W, x):
    r = x @ W.T - y
    gT = x.T @ r / x.shape[0]      # (m, n)
    return gT.T[None]


@right
def nested_list(y, W, x):
    B = len(x)
    r = (x @ W.T - y).tolist()
    xs = x.tolist()
    n, m = W.shape
    return [[[sum(r[b][i] * xs[b][k] for b in range(B)) / B for k in range(m)]
             for i in range(n)]]


@right
def per_example_einsum_mean(y, W, x):
    r = np.einsum("ij,bj->bi", W, x) - y
    return np.mean(np.einsum("bi,bk->bik", r, x), axis=0)[None, :, :]


@right
def multiply_outer_stack(y, W, x):
    per = np.stack([np.multiply.outer(W @ xb - yb, xb) for xb, yb in zip(x, y)])
    return per.mean(axis=0, keepdims=True)


@right
def chain_rule_with_expand_dims(y, W, x):
    output_dim, input_dim = W.shape
    dL_dyhat = np.expand_dims(-(y - x @ W.T), 1)                   # (B, 1, n)
    dyhat_dW = np.expand_dims(np.eye(output_dim), (0, 3)) * np.expand_dims(x, (1, 2))
    dL_dW = (dL_dyhat[:, :, :, None, None] * dyhat_dW[:, None]).sum(axis=2)  # (B, 1, n, m)
    return dL_dW.mean(axis=0)


@right
def matmul_batched_then_mean(y, W, x):
    r = (x @ W.T - y)[:, :, None]       # (B, n, 1)
    per = r @ x[:, None, :]             # (B, n, m)
    return per.mean(axis=0)[None]


@right
def sizes_from_len(y, W, x):
    B, output_dim, input_dim = len(x), len(W), len(W[0])
    J = np.zeros((1, output_dim, input_dim))
    for b in range(B):
        J[0] += np.outer(W @ x[b] - y[b], x[b])
    return J / B


@right
def multi_dot(y, W, x):
    B = x.shape[0]
    return np.linalg.multi_dot([W, x.T, x])[None] / B - (y.T @ x)[None] / B


@right
def expanded_single_einsums(y, W, x):
    B = len(x)
    quadratic = np.einsum("bj,ij,bk->ik", x, W, x)
    linear = np.einsum("bi,bk->ik", y, x)
    return ((quadratic - linear) / B)[None]


# --- wrong answers for dloss_dW ------------------------------------------------------------------


@wrong("per_example_instead_of_mean")
def no_mean(y, W, x):
    r = x @ W.T - y
    return np.einsum("bi,bk->bik", r, x)   # (B, n, m)


@wrong("per_example_instead_of_mean")
def chain_rule_without_mean(y, W, x):
    n = W.shape[0]
    dL_dyhat = (x @ W.T - y)[:, None, :]
    dyhat_dW = np.einsum("ij,bk->bijk", np.eye(n), x)
    return np.einsum("bij,bjkl->bikl", dL_dyhat, dyhat_dW)  # (B, 1, n, m)


@wrong("extra_unit_axis")
def mean_keepdims_on_four_axes(y, W, x):
    n = W.shape[0]
    dL_dyhat = (x @ W.T - y)[:, None, :]
    dyhat_dW = np.einsum("ij,bk->bijk", np.eye(n), x)
    per = np.einsum("bij,bjkl->bikl", dL_dyhat, dyhat_dW)
    return per.mean(axis=0, keepdims=True)   # (1, 1, n, m)


@wrong("gradient_instead_of_jacobian")
def plain_gradient_matrix(y, W, x):
    return (x @ W.T - y).T @ x / len(x)   # (n, m), like W


@wrong("gradient_instead_of_jacobian")
def summed_document_loss(y, W, x):
    # gradient of the summed loss 0.5 * sum_b ||y_b - W x_b||^2
    return -(y - x @ W.T).T @ x


@wrong("transposed_axes")
def x_transpose_r(y, W, x):
    r = x @ W.T - y
    return (x.T @ r / len(x))[None]   # (1, m, n)


@wrong("transposed_axes")
def unit_axis_last(y, W, x):
    r = x @ W.T - y
    return (r.T @ x / len(x))[:, :, None]   # (n, m, 1)


@wrong("unexpected_batch_axis")
def batch_kept_behind_unit_axis(y, W, x):
    r = x @ W.T - y
    return np.einsum("bi,bk->bik", r, x)[None] / len(x)   # (1, B, n, m)


@wrong("other", expect="fails_shape")
def document_wrong_subscripts(y, W, x):
    n = W.shape[0]
    diff = y - np.einsum("rc,bc->br", W, x)
    dloss_dyhat = -np.einsum("i,bj->bij", np.ones(1), diff)
    dyhat_dW = np.einsum("ij,bk->bijk", np.eye(n), x)
    return np.mean(np.einsum("bij,bjjk->bik", dloss_dyhat, dyhat_dW), axis=0, keepdims=True)


@wrong("sign_flipped")
def residual_y_minus_yhat(y, W, x):
    r = y - x @ W.T
    return (r.T @ x / len(x))[None]


@wrong("scaled")
def sum_instead_of_mean(y, W, x):
    r = x @ W.T - y
    return np.einsum("bi,bk->ik", r, x)[None]


@wrong("scaled")
def forgot_one_half(y, W, x):
    r = x @ W.T - y
    return (2 * r.T @ x / len(x))[None]


@wrong("scaled")
def mean_over_outputs_too(y, W, x):
    # loss = 1/2 * mean over batch AND outputs of squared errors
    r = x @ W.T - y
    return (r.T @ x / r.size)[None]


@wrong("all_zeros")
def zeros(y, W, x):
    return np.zeros((1,) + W.shape)


@wrong("single_example")
def first_example_only(y, W, x):
    return np.outer(W @ x[0] - y[0], x[0])[None]


@wrong("some_examples_wrong")
def off_by_one_loop(y, W, x):
    B = len(x)
    J = np.zeros((1,) + W.shape)
    for b in range(B - 1):
        J[0] += np.outer(W @ x[b] - y[b], x[b])
    return J / B


@wrong("batch_permuted", undiagnosed=(
    "the batch-averaged Jacobian has no batch axis: the examples' contributions to the mean "
    "cannot be told apart without the per-example math"))
def x_reversed(y, W, x):
    r = x @ W.T - y
    return (r.T @ x[::-1] / len(x))[None]


@wrong("other")
def forgot_x_factor(y, W, x):
    r = x @ W.T - y
    return np.broadcast_to(r.mean(axis=0)[:, None], W.shape)[None]


@wrong("hardcoded_sizes")
def hardcoded_batch_256(y, W, x):
    r = x @ W.T - y
    return (r.T @ x / 256)[None]


@wrong("hardcoded_sizes", crashes_at_other_sizes=True)
def document_hardcoded_output_dim(y, W, x):
    output_dim = 10
    diff = y - np.einsum("rc,bc->br", W, x)
    dloss_dyhat = -np.einsum("i,bj->bij", np.ones(1), diff)
    dyhat_dW = np.einsum("ij,bk->bijk", np.eye(output_dim), x)
    return np.mean(
        np.einsum("bij,bjjk->bjk", dloss_dyhat, dyhat_dW), axis=0, keepdims=True
    )


@wrong("scaled")
def divided_by_b_minus_one(y, W, x):
    B = len(x)
    r = x @ W.T - y
    return (r.T @ x / (B - 1))[None]   # "unbiased" mean


@wrong("reshaped_not_transposed")
def reshaped_from_x_transposed_r(y, W, x):
    r = x @ W.T - y                       # (B, output_dim)
    G = x.T @ r / len(x)                  # (input_dim, output_dim): W's axes swapped
    return G.reshape(1, *W.shape)         # reshaped, not transposed


@wrong("single_example")
def last_example_of_a_loop(y, W, x):
    for b in range(len(x)):
        r = W @ x[b] - y[b]
        grad = np.outer(r, x[b])          # overwritten each time: the last example
    return grad[None]


# --- predictions of the Jacobian's shape ---------------------------------------------------------


@right_prediction
def predicted_tuple(B, output_dim, input_dim):
    return (1, output_dim, input_dim)


@right_prediction
def predicted_list(B, output_dim, input_dim):
    return [1, output_dim, input_dim]


@right_prediction
def predicted_from_parts(B, output_dim, input_dim):
    loss_shape = (1,)            # averaged over the batch: no batch axis
    W_shape = (output_dim, input_dim)
    return loss_shape + W_shape


@right_prediction
def predicted_ints(B, output_dim, input_dim):
    return tuple(int(s) for s in (1, output_dim, input_dim))


@wrong_prediction("per_example_instead_of_mean")
def predicted_per_example(B, output_dim, input_dim):
    return (B, output_dim, input_dim)


@wrong_prediction("per_example_instead_of_mean")
def predicted_per_example_with_unit(B, output_dim, input_dim):
    return (B, 1, output_dim, input_dim)


@wrong_prediction("gradient_instead_of_jacobian")
def predicted_like_W(B, output_dim, input_dim):
    return (output_dim, input_dim)


@wrong_prediction("transposed_axes")
def predicted_transposed(B, output_dim, input_dim):
    return (1, input_dim, output_dim)


@wrong_prediction("extra_unit_axis")
def predicted_two_unit_axes(B, output_dim, input_dim):
    return (1, 1, output_dim, input_dim)


@wrong_prediction("hardcoded_sizes")
def predicted_hardcoded(B, output_dim, input_dim):
    return (1, 10, 20)
