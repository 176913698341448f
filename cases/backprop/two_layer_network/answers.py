"""Assignment `backprop`, case 6, `two_layer_network`: ``dloss_dW1(y, W1, W2, x)``.

y (B, o), W1 (h, m), W2 (o, h), x (B, m); L = mean_b 1/2 ||y_b - W2 tanh(W1 x_b)||^2, one
number of shape (1,). The Jacobian has shape (1, h, m) and J[0, j, i] = mean_b delta_bj x_bi
with a = tanh(x W1^T), delta = ((a W2^T - y) W2) * (1 - a^2). The notebook's and every hidden
run's sizes are pairwise distinct (o != h != m), so a transposed W1 or W2 always shows in the
shape or raises; the averaged Jacobian has no batch axis, so a loop that drops an example
cannot be told from other wrong values.
"""

# The answers are written as students write them: zip() without strict=, lambdas assigned to names.
# ruff: noqa: B905, E731

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
        "jacobian_wrt_other_argument",
        "sign_flipped",
        "scaled",
        "reshaped_not_transposed",
        "function_instead_of_derivative",
        "single_example",
        "all_zeros",
        "some_examples_wrong",
        "hardcoded_sizes",
        "sigmoid_derivative_for_tanh",
        "derivative_at_output",
        "input_where_output_belongs",
        "square_forgotten",
        "activation_derivative_missing",
        "activation_left_out",
        "other",
    }
)

#: Runs on other sizes than the notebook's, where the wrong answers are diagnosed too: one
#: smaller and one larger, so that a size typed in shows as a wrong shape or value.
OTHER_SIZES = (
    {"B": 15, "input_dim": 6, "hidden_dim": 4, "output_dim": 3},
    {"B": 9, "input_dim": 23, "hidden_dim": 18, "output_dim": 12},
)


# --- helpers: each is written into the cell of every answer that uses it -------------------------


def forward(W1, W2, x):
    h = x @ W1.T
    a = np.tanh(h)
    return {"x": x, "h": h, "a": a, "yhat": a @ W2.T}


def backward(cache, y, W2):
    dyhat = (cache["yhat"] - y) / len(y)       # the mean's 1/B, once
    da = dyhat @ W2
    dh = da * (1 - cache["a"] ** 2)
    return dh.T @ cache["x"]


delta_lambda = lambda y, W1, W2, x: (
    ((np.tanh(x @ W1.T) @ W2.T - y) @ W2) * (1 - np.tanh(x @ W1.T) ** 2))


def dtanh(z):
    return 1 - np.tanh(z) ** 2


# --- right answers for dloss_dW1 -----------------------------------------------------------------


@right
def notebook_chain(y, W1, W2, x):
    B, hidden_dim = x.shape[0], W1.shape[0]
    a = np.tanh(np.einsum("ji,bi->bj", W1, x))
    yhat = np.einsum("kj,bj->bk", W2, a)
    dloss_dyhat = -np.einsum("i,bk->bik", np.ones(1), y - yhat)        # (B, 1, o)
    dyhat_da = np.einsum("b,kj->bkj", np.ones(B), W2)                 # (B, o, h)
    da_dh = np.einsum("bj,jl->bjl", 1 - a**2, np.eye(hidden_dim))     # (B, h, h)
    dh_dW1 = np.einsum("jl,bm->bjlm", np.eye(hidden_dim), x)          # (B, h, h, m)
    dloss_da = np.einsum("bik,bkj->bij", dloss_dyhat, dyhat_da)
    dloss_dh = np.einsum("bij,bjl->bil", dloss_da, da_dh)
    return np.einsum("bil,blmn->bimn", dloss_dh, dh_dW1).mean(axis=0)


@right
def shortcut_einsum(y, W1, W2, x):
    B = x.shape[0]
    a = np.tanh(np.einsum("ji,bi->bj", W1, x))
    yhat = np.einsum("kj,bj->bk", W2, a)
    delta = np.einsum("bk,kj->bj", yhat - y, W2) * (1 - a**2)
    return np.einsum("bj,bi->ji", delta, x)[None] / B


@right
def shortcut_matmul(y, W1, W2, x):
    a = np.tanh(x @ W1.T)              # (B, h)
    r = a @ W2.T - y                   # (B, o)
    delta = (r @ W2) * (1 - a * a)     # (B, h)
    return (delta.T @ x / len(x))[np.newaxis]


@right
def per_example_outer_mean(y, W1, W2, x):
    grads = []
    for x_b, y_b in zip(x, y):
        a = np.tanh(W1 @ x_b)
        delta = (W2.T @ (W2 @ a - y_b)) * (1 - a**2)
        grads.append(np.outer(delta, x_b))
    return np.mean(grads, axis=0, keepdims=True)


@right
def python_loops(y, W1, W2, x):
    B, m = x.shape
    H = W1.shape[0]
    G = np.zeros((1, H, m))
    for b in range(B):
        a = np.tanh(W1 @ x[b])
        r = W2 @ a - y[b]
        for j in range(H):
            back = sum(r[k] * W2[k, j] for k in range(len(r)))
            delta_j = (1 - a[j] ** 2) * back
            for i in range(m):
                G[0, j, i] += delta_j * x[b, i]
    return G / B


@right
def tensordot(y, W1, W2, x):
    a = np.tanh(np.dot(x, W1.T))
    delta = np.dot(np.dot(a, W2.T) - y, W2) * (1 - a**2)
    return np.tensordot(delta, x, axes=(0, 0))[None] / x.shape[0]


@right
def float32(y, W1, W2, x):
    y, W1, W2, x = (v.astype(np.float32) for v in (y, W1, W2, x))
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * (1 - a**2)
    return (delta.T @ x / np.float32(len(x)))[None]


@right
def nested_list(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * (1 - a**2)
    B = len(x)
    rows = delta.T.tolist()
    cols = x.T.tolist()
    return [[[sum(d * v for d, v in zip(row, col)) / B for col in cols] for row in rows]]


@right
def column_convention(y, W1, W2, x):
    X, Y = x.T, y.T                 # columns are examples
    A = np.tanh(W1 @ X)             # (h, B)
    Delta = (W2.T @ (W2 @ A - Y)) * (1 - A**2)
    return (Delta @ X.T / X.shape[1])[None]


@right
def cosh_derivative(y, W1, W2, x):
    h = x @ W1.T
    yhat = np.tanh(h) @ W2.T
    delta = ((yhat - y) @ W2) / np.cosh(h) ** 2     # tanh'(h) = 1 / cosh(h)^2
    return np.expand_dims(delta.T @ x, 0) / len(x)


@right
def forward_backward_helpers(y, W1, W2, x):
    return backward(forward(W1, W2, x), y, W2).reshape(1, *W1.shape)


@right
def kron_per_example(y, W1, W2, x):
    H, m = W1.shape
    total = np.zeros(H * m)
    for x_b, y_b in zip(x, y):
        a = np.tanh(W1 @ x_b)
        delta = (1 - a**2) * (W2.T @ (W2 @ a - y_b))
        total += np.kron(delta, x_b)            # the outer product, flattened
    return (total / len(x)).reshape(1, H, m)


@right
def diag_matrices_per_example(y, W1, W2, x):
    H, m = W1.shape
    J = np.zeros((1, H, m))
    for b in range(len(x)):
        a = np.tanh(W1 @ x[b])
        dL_dh = np.diag(1 - a**2) @ W2.T @ (W2 @ a - y[b])   # (h,)
        J[0] += dL_dh[:, None] * x[b][None, :]
    return J / len(x)


@right
def single_einsum(y, W1, W2, x):
    a = np.tanh(np.einsum("ji,bi->bj", W1, x))
    r = np.einsum("kj,bj->bk", W2, a) - y
    return np.einsum("bk,kj,bj,bi->ji", r, W2, 1 - a**2, x)[None] / len(x)


@right
def per_example_then_average(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * (1 - a) * (1 + a)
    per_example = delta[:, :, None] * x[:, None, :]        # (B, h, m)
    return np.average(per_example, axis=0)[None, :, :]


@right
def moveaxis_of_transposed(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * (1 - a**2)
    gT = (x.T @ delta)[None] / len(x)       # (1, m, h)
    return np.moveaxis(gT, 2, 1)            # (1, h, m)


@right
def apply_along_axis(y, W1, W2, x):
    m = x.shape[1]

    def gradient_of_row(row):
        x_b, y_b = row[:m], row[m:]
        a = np.tanh(W1 @ x_b)
        return np.outer((W2.T @ (W2 @ a - y_b)) * (1 - a**2), x_b).ravel()

    flat = np.apply_along_axis(gradient_of_row, 1, np.hstack([x, y]))   # (B, h*m)
    return flat.mean(axis=0).reshape(1, *W1.shape)


@right
def matmul_batched_chain(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    dL_dyhat = (a @ W2.T - y)[:, None, :]              # (B, 1, o)
    dL_da = dL_dyhat @ W2                              # (B, 1, h)
    dL_dh = dL_da * (1 - a**2)[:, None, :]             # (B, 1, h)
    per_example = dL_dh.transpose(0, 2, 1) @ x[:, None, :]   # (B, h, m)
    return per_example.mean(axis=0, keepdims=True)


lambda_assignment = right(lambda y, W1, W2, x: (
    delta_lambda(y, W1, W2, x).T @ x / len(x))[None])


# Written with the diagnoses of the chain through tanh: each slip in tanh's factor in several
# styles, and right answers that write that factor another way (sech^2, (1 - a)(1 + a)).
@right
def one_minus_a_one_plus_a_float32(y, W1, W2, x):
    x32, W1_32, W2_32 = (v.astype(np.float32) for v in (x, W1, W2))
    a = np.tanh(x32 @ W1_32.T)
    delta = ((a @ W2_32.T - y.astype(np.float32)) @ W2_32) * ((1 - a) * (1 + a))
    return (delta.T @ x32 / len(x))[None]


@right
def four_jacobians_einsum_sech(y, W1, W2, x):
    B = x.shape[0]
    h = np.einsum("ji,bi->bj", W1, x)
    yhat = np.einsum("kj,bj->bk", W2, np.tanh(h))
    dL_dyhat = (yhat - y)[:, None, :]                                  # (B, 1, o)
    dyhat_da = np.broadcast_to(W2, (B,) + W2.shape)                    # (B, o, h)
    da_dh = np.einsum("bj,jk->bjk", 1 / np.cosh(h) ** 2, np.eye(W1.shape[0]))
    dh_dW1 = np.einsum("jk,bi->bjki", np.eye(W1.shape[0]), x)          # (B, h, h, m)
    chain = np.einsum("bxo,boj,bjk,bkli->bxli", dL_dyhat, dyhat_da, da_dh, dh_dW1,
                      optimize=True)
    return chain.mean(axis=0)


# --- wrong answers for dloss_dW1 -----------------------------------------------------------------


@wrong("activation_derivative_missing")
def forgot_tanh_derivative(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = (a @ W2.T - y) @ W2            # the (1 - a^2) factor forgotten
    return (delta.T @ x / len(x))[None]


@wrong("input_where_output_belongs")
def derivative_at_h(y, W1, W2, x):
    h = x @ W1.T
    a = np.tanh(h)
    delta = ((a @ W2.T - y) @ W2) * (1 - h**2)   # h where a belongs
    return (delta.T @ x / len(x))[None]


@wrong("square_forgotten")
def forgot_the_square(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * (1 - a)
    return (delta.T @ x / len(x))[None]


@wrong("activation_left_out")
def no_tanh_in_forward_pass(y, W1, W2, x):
    h = x @ W1.T
    delta = (h @ W2.T - y) @ W2        # a linear network: the activation left out
    return (delta.T @ x / len(x))[None]


@wrong("scaled")
def summed_over_batch(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * (1 - a**2)
    return (delta.T @ x)[None]            # a sum, not the mean


@wrong("scaled")
def forgot_one_half(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = (2 * (a @ W2.T - y) @ W2) * (1 - a**2)    # d/dr of r^2, the 1/2 forgotten
    return (delta.T @ x / len(x))[None]


@wrong("scaled")
def mean_over_outputs_too(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    r = a @ W2.T - y
    delta = (r @ W2) * (1 - a**2)
    return (delta.T @ x / r.size)[None]      # as if the loss averaged the outputs too


@wrong("scaled")
def divided_by_b_minus_one(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * (1 - a**2)
    return (delta.T @ x / (len(x) - 1))[None]


@wrong("sign_flipped")
def residual_y_minus_yhat(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((y - a @ W2.T) @ W2) * (1 - a**2)
    return (delta.T @ x / len(x))[None]


@wrong("single_example")
def first_example_only(y, W1, W2, x):
    a = np.tanh(W1 @ x[0])
    delta = (W2.T @ (W2 @ a - y[0])) * (1 - a**2)
    return np.outer(delta, x[0])[None]


@wrong("single_example")
def last_example_of_a_loop(y, W1, W2, x):
    for b in range(len(x)):
        a = np.tanh(W1 @ x[b])
        delta = (W2.T @ (W2 @ a - y[b])) * (1 - a**2)
        grad = np.outer(delta, x[b])      # overwritten each time: the last example
    return grad[None]


@wrong("some_examples_wrong")
def off_by_one_loop(y, W1, W2, x):
    B = len(x)
    G = np.zeros((1,) + W1.shape)
    for b in range(1, B):
        a = np.tanh(W1 @ x[b])
        delta = (W2.T @ (W2 @ a - y[b])) * (1 - a**2)
        G[0] += np.outer(delta, x[b])
    return G / B


@wrong("all_zeros")
def zeros(y, W1, W2, x):
    grad = np.zeros((1,) + W1.shape)
    for b in range(len(x)):
        a = np.tanh(W1 @ x[b])
        delta = (W2.T @ (W2 @ a - y[b])) * (1 - a**2)
        grad[0] + np.outer(delta, x[b]) / len(x)     # `+` where `+=` was meant
    return grad


@wrong("reshaped_not_transposed")
def reshaped_from_x_transpose_delta(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * (1 - a**2)
    G = x.T @ delta / len(x)              # (m, h): W1's axes swapped
    return G.reshape(1, *W1.shape)        # reshaped, not transposed


@wrong("transposed_axes")
def x_transpose_delta(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * (1 - a**2)
    return (x.T @ delta / len(x))[None]   # (1, m, h)


@wrong("gradient_instead_of_jacobian")
def plain_gradient(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * (1 - a**2)
    return delta.T @ x / len(x)            # (h, m), like W1


@wrong("per_example_instead_of_mean")
def per_example_gradients(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * (1 - a**2)
    return np.einsum("bj,bi->bji", delta, x)     # (B, h, m)


@wrong("per_example_instead_of_mean")
def chain_without_mean(y, W1, W2, x):
    H = W1.shape[0]
    a = np.tanh(x @ W1.T)
    dL_dh = (((a @ W2.T - y) @ W2) * (1 - a**2))[:, None, :]     # (B, 1, h)
    dh_dW1 = np.einsum("jl,bm->bjlm", np.eye(H), x)               # (B, h, h, m)
    return np.einsum("bil,blmn->bimn", dL_dh, dh_dW1)             # (B, 1, h, m)


@wrong("extra_unit_axis")
def mean_keepdims_on_four_axes(y, W1, W2, x):
    H = W1.shape[0]
    a = np.tanh(x @ W1.T)
    dL_dh = (((a @ W2.T - y) @ W2) * (1 - a**2))[:, None, :]
    per = np.einsum("bil,blmn->bimn", dL_dh, np.einsum("jl,bm->bjlm", np.eye(H), x))
    return per.mean(axis=0, keepdims=True)      # (1, 1, h, m)


@wrong("unexpected_batch_axis")
def batch_kept_behind_unit_axis(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * (1 - a**2)
    return np.einsum("bj,bi->bji", delta, x)[None] / len(x)    # (1, B, h, m)


@wrong("function_instead_of_derivative", expect="fails_shape")
def loss_value(y, W1, W2, x):
    yhat = np.tanh(x @ W1.T) @ W2.T
    return np.mean(0.5 * np.sum((y - yhat) ** 2, axis=1, keepdims=True), axis=0)   # (1,)


@wrong("jacobian_wrt_other_argument")
def gradient_wrt_W2(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    return ((a @ W2.T - y).T @ a / len(x))[None]   # (1, o, h): the second layer's


@wrong("hardcoded_sizes")
def hardcoded_batch(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * (1 - a**2)
    return (delta.T @ x / 256)[None]


@wrong("hardcoded_sizes", crashes_at_other_sizes=True)
def hardcoded_hidden_dim(y, W1, W2, x):
    B = x.shape[0]
    a = np.tanh(np.einsum("ji,bi->bj", W1, x))
    yhat = np.einsum("kj,bj->bk", W2, a)
    dloss_dh = np.einsum("bk,kj->bj", yhat - y, W2)
    da_dh = np.einsum("bj,jl->bjl", 1 - a**2, np.eye(16))
    dloss_dh = np.einsum("bj,bjl->bl", dloss_dh, da_dh)
    return np.einsum("bl,bm->lm", dloss_dh, x)[None] / B


@wrong("activation_derivative_missing")
def chain_without_da_dh(y, W1, W2, x):
    B = x.shape[0]
    h = np.einsum("ji,bi->bj", W1, x)
    yhat = np.einsum("kj,bj->bk", W2, np.tanh(h))
    dL_dyhat = (yhat - y)[:, None, :]
    dh_dW1 = np.einsum("jk,bi->bjki", np.eye(W1.shape[0]), x)
    # dyhat/da times dh/dW1: the Jacobian of a = tanh(h) skipped
    chain = np.einsum("bxo,oj,bjli->bxli", dL_dyhat, W2, dh_dW1)
    return chain.sum(axis=0) / B


@wrong("activation_derivative_missing")
def per_example_loop_no_tanh_factor(y, W1, W2, x):
    grad = np.zeros(W1.shape)
    for xb, yb in zip(x, y):
        a = np.tanh(W1 @ xb)
        grad += np.outer(W2.T @ (W2 @ a - yb), xb)
    return (grad / len(x))[None]


@wrong("input_where_output_belongs")
def one_minus_h_squared_einsum(y, W1, W2, x):
    h = np.einsum("ji,bi->bj", W1, x)
    r = np.einsum("kj,bj->bk", W2, np.tanh(h)) - y
    delta = np.einsum("bk,kj->bj", r, W2) * (1 - h ** 2)
    return np.einsum("bj,bi->ji", delta, x)[None] / x.shape[0]


@wrong("sigmoid_derivative_for_tanh")
def sigmoid_derivative_in_chain(y, W1, W2, x):
    h = x @ W1.T
    s = 1 / (1 + np.exp(-h))
    delta = ((np.tanh(h) @ W2.T - y) @ W2) * s * (1 - s)
    return (delta.T @ x / len(x))[None]


@wrong("sigmoid_derivative_for_tanh")
def a_one_minus_a_in_chain(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * a * (1 - a)
    return (delta.T @ x / len(x))[None]


@wrong("derivative_at_output")
def tanh_prime_of_a(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    delta = ((a @ W2.T - y) @ W2) * dtanh(a)     # dtanh of the activation
    return (delta.T @ x / len(x))[None]


@wrong("square_forgotten")
def sech_not_squared_in_chain(y, W1, W2, x):
    h = x @ W1.T
    delta = ((np.tanh(h) @ W2.T - y) @ W2) / np.cosh(h)
    return (delta.T @ x / len(x))[None]


@wrong("activation_left_out")
def linear_network_loops(y, W1, W2, x):
    grad = np.zeros_like(W1)
    for b in range(x.shape[0]):
        yhat = W2 @ (W1 @ x[b])                # tanh left out of the forward pass
        grad += np.outer(W2.T @ (yhat - y[b]), x[b])
    return grad[np.newaxis] / x.shape[0]


@wrong("jacobian_wrt_other_argument")
def gradient_wrt_W2_einsum(y, W1, W2, x):
    a = np.tanh(np.einsum("ji,bi->bj", W1, x))
    r = np.einsum("kj,bj->bk", W2, a) - y
    return np.einsum("bk,bj->kj", r, a)[None] / len(x)     # (1, o, h)


@wrong("other")
def no_tanh_factor_and_summed(y, W1, W2, x):
    a = np.tanh(x @ W1.T)
    return (((a @ W2.T - y) @ W2).T @ x)[None]   # two mistakes: no tanh', no mean


# --- predictions of the Jacobian's shape ---------------------------------------------------------


@right_prediction
def predicted_tuple(B, input_dim, hidden_dim, output_dim):
    return (1, hidden_dim, input_dim)


@right_prediction
def predicted_list(B, input_dim, hidden_dim, output_dim):
    return [1, hidden_dim, input_dim]


@right_prediction
def predicted_from_parts(B, input_dim, hidden_dim, output_dim):
    loss_shape = (1,)                    # averaged over the batch: no batch axis
    W1_shape = (hidden_dim, input_dim)
    return loss_shape + W1_shape


@right_prediction
def predicted_ints(B, input_dim, hidden_dim, output_dim):
    return tuple(int(s) for s in (1, hidden_dim, input_dim))


@wrong_prediction("per_example_instead_of_mean")
def predicted_per_example(B, input_dim, hidden_dim, output_dim):
    return (B, hidden_dim, input_dim)


@wrong_prediction("gradient_instead_of_jacobian")
def predicted_like_W1(B, input_dim, hidden_dim, output_dim):
    return (hidden_dim, input_dim)


@wrong_prediction("transposed_axes")
def predicted_arguments_in_order(B, input_dim, hidden_dim, output_dim):
    return (1, input_dim, hidden_dim)     # the parameters' order, not W1's


@wrong_prediction("extra_unit_axis")
def predicted_two_unit_axes(B, input_dim, hidden_dim, output_dim):
    return (1, 1, hidden_dim, input_dim)


@wrong_prediction("function_instead_of_derivative")
def predicted_loss_shape(B, input_dim, hidden_dim, output_dim):
    return (1,)


@wrong_prediction("hardcoded_sizes")
def predicted_hardcoded(B, input_dim, hidden_dim, output_dim):
    return (1, 16, 20)
