"""Assignment `backprop`, case 2, `softmax_cross_entropy`: ``dloss_dh(y, h)``, y and h (B, D).

L_b = -sum_i y_bi log softmax(h_b)_i (output shape (1,) per example) with one-hot labels y, so
the Jacobian has shape (B, 1, D) and J[b, 0, j] = a_bj sum_i y_bi - y_bj = a_bj - y_bj. The
shortcut ``softmax(h) - y`` is right because every label row sums to 1; so is the general
``a * sum(y) - y``. Not subtracting the maximum before ``np.exp`` is not a mistake here.
"""

# The answers are written as students write them: zip() without strict=, lambdas assigned to names,
# variables assigned and never used.
# ruff: noqa: B905, E731, F841

import math

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
        "reshaped_not_transposed",
        "function_instead_of_derivative",
        "all_zeros",
        "some_examples_wrong",
        "batch_permuted",
        "hardcoded_sizes",
        "softmax_over_batch_axis",
        "softmax_outer_product_missing",
        "softmax_outer_product_added",
        "softmax_as_elementwise",
        "derivative_wrt_probabilities",
        "other",
    }
)

#: Runs on other sizes than the notebook's, where the wrong answers are diagnosed too: one
#: smaller and one larger, so that a size typed in shows as a wrong shape or value.
OTHER_SIZES = (
    {"B": 19, "D": 7},
    {"B": 4, "D": 13},
)


# --- helpers: each is written into the cell of every answer that uses it -------------------------


def log_softmax(z):
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


def gradient_of_row(row):
    y_row, h_row = np.split(row, 2)
    e = np.exp(h_row - h_row.max())
    return e / e.sum() - y_row


softmax_lambda = lambda z: np.exp(z - z.max(1, keepdims=True)) / np.exp(
    z - z.max(1, keepdims=True)).sum(1, keepdims=True)


# --- right answers for dloss_dh ------------------------------------------------------------------


@right
def notebook_chain(y, h):
    D = h.shape[1]
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    dloss_dlog_a = -np.einsum("i,bj->bij", np.ones(1), y)            # (B, 1, D)
    dlog_a_dh = np.eye(D) - np.einsum("i,bj->bij", np.ones(D), a)    # (B, D, D)
    return np.einsum("bij,bjk->bik", dloss_dlog_a, dlog_a_dh)


@right
def shortcut_newaxis(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return (a - y)[:, np.newaxis, :]


@right
def shortcut_reshape(y, h):
    B, D = h.shape
    p = np.exp(h - np.max(h, axis=1, keepdims=True))
    p = p / np.sum(p, axis=1, keepdims=True)
    return (p - y).reshape(B, 1, D)


@right
def shortcut_expand_dims(y, h):
    shifted = h - h.max(axis=-1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)
    return np.expand_dims(probs - y, axis=1)


@right
def label_index(y, h):
    B = h.shape[0]
    e = np.exp(h - h.max(axis=1, keepdims=True))
    grad = e / e.sum(axis=1, keepdims=True)
    labels = np.argmax(y, axis=1)
    grad[np.arange(B), labels] -= 1          # softmax minus the one-hot label
    return grad[:, None, :]


@right
def where_one_hot(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return np.where(y == 1, a - 1, a)[:, None, :]


@right
def general_label_sum(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    # dL/dh_j = a_j * sum_i y_i - y_j, right for any labels, not only one-hot ones
    return (a * y.sum(axis=1, keepdims=True) - y)[:, None, :]


@right
def through_softmax_jacobian(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    dL_da = -y / a                                               # (B, D)
    da_dh = a[:, :, None] * (np.eye(h.shape[1]) - a[:, None, :])   # (B, D, D)
    return np.einsum("bi,bij->bj", dL_da, da_dh)[:, None, :]


@right
def matmul_chain(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    dlog_a_dh = np.eye(h.shape[1]) - a[:, None, :]     # (B, D, D): delta_ij - a_j
    return -y[:, None, :] @ dlog_a_dh                  # (B, 1, D) @ (B, D, D)


@right
def logsumexp_by_hand(y, h):
    return (np.exp(log_softmax(h)) - y)[:, None]


@right
def logaddexp_reduce(y, h):
    a = np.exp(h - np.logaddexp.reduce(h, axis=1, keepdims=True))
    return np.einsum("i,bj->bij", np.ones(1), a - y)


@right
def no_max_shift(y, h):
    e = np.exp(h)                  # no shift: fine for inputs of order 1
    return (e / e.sum(axis=1, keepdims=True) - y)[:, None, :]


@right
def python_loops_math(y, h):
    B, D = h.shape
    J = np.zeros((B, 1, D))
    for b in range(B):
        top = max(h[b])
        total = sum(math.exp(h[b, k] - top) for k in range(D))
        for j in range(D):
            a_j = math.exp(h[b, j] - top) / total
            J[b, 0, j] = a_j - y[b, j]
    return J


@right
def nested_list(y, h):
    rows = []
    for y_row, h_row in zip(y.tolist(), h.tolist()):
        top = max(h_row)
        e = [math.exp(v - top) for v in h_row]
        s = sum(e)
        rows.append([[ei / s - yi for ei, yi in zip(e, y_row)]])
    return rows


@right
def float32(y, h):
    y = y.astype(np.float32)
    h = h.astype(np.float32)
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return (a - y)[:, None, :]


@right
def apply_along_axis(y, h):
    grads = np.apply_along_axis(gradient_of_row, 1, np.concatenate([y, h], axis=1))
    return grads[:, None, :]


@right
def tensordot_moveaxis(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    g = e / e.sum(axis=1, keepdims=True) - y
    return np.moveaxis(np.tensordot(np.ones(1), g, axes=0), 0, 1)   # (1, B, D) -> (B, 1, D)


@right
def per_example_chain_loop(y, h):
    B, D = h.shape
    J = np.zeros((B, 1, D))
    for b in range(B):
        e = np.exp(h[b] - h[b].max())
        a = e / e.sum()
        dlog_a_dh = np.eye(D) - np.outer(np.ones(D), a)
        J[b, 0] = -y[b] @ dlog_a_dh
    return J


lambda_helpers = right(lambda y, h: (softmax_lambda(h) - y)[:, None])


# Written with the diagnoses of the chain through a softmax: each mistake in several styles,
# and right answers that chain the same Jacobians correctly (float32, loops, lists).
@right
def chain_through_log_softmax_float32(y, h):
    h = h.astype(np.float32)
    a = np.exp(h - h.max(-1, keepdims=True))
    a = a / a.sum(-1, keepdims=True)
    dlog_a = np.eye(h.shape[1], dtype=np.float32) - a[:, None, :]   # (B, D, D)
    return np.einsum("bi,bij->bj", -y.astype(np.float32), dlog_a)[:, None, :]


@right
def probabilities_gradient_times_softmax_jacobian(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    dL_da = (-y / a)[:, None, :]                                   # (B, 1, D)
    da_dh = a[:, :, None] * (np.eye(h.shape[1]) - a[:, None, :])   # (B, D, D)
    return dL_da @ da_dh


# --- wrong answers for dloss_dh ------------------------------------------------------------------


@wrong("sign_flipped")
def y_minus_softmax(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return (y - a)[:, None, :]


@wrong("gradient_instead_of_jacobian")
def gradient_without_unit_axis(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True) - y    # (B, D), like h


@wrong("missing_batch_axis")
def mean_over_batch(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return np.mean(a - y, axis=0, keepdims=True)   # (1, D)


@wrong("transposed_axes")
def column_gradient(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return (a - y)[:, :, None]     # (B, D, 1)


@wrong("extra_unit_axis")
def reshape_one_axis_too_many(y, h):
    B, D = h.shape
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return (a - y).reshape(B, 1, 1, D)


@wrong("batch_axis_misplaced")
def unit_axis_first(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return (a - y)[None]          # (1, B, D)


@wrong("terms_instead_of_sum")
def per_class_losses(y, h):
    # the loss left as a vector -y_i log a_i, without the sum over the classes
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return -y[:, :, None] * (np.eye(h.shape[1]) - a[:, None, :])   # (B, D, D)


@wrong("unexpected_batch_axis")
def full_batched_jacobian(y, h):
    # the losses (B, 1) w.r.t. the whole h (B, D): (B, 1, B, D)
    B = h.shape[0]
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return np.einsum("bc,bj->bcj", np.eye(B), a - y)[:, None, :, :]


@wrong("function_instead_of_derivative", expect="fails_shape")
def loss_itself(y, h):
    shifted = h - h.max(axis=1, keepdims=True)
    log_a = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -np.sum(y * log_a, axis=1, keepdims=True)   # (B, 1): the loss


@wrong("derivative_wrt_probabilities")
def derivative_wrt_softmax_output(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return (-y / a)[:, None, :]     # dL/da, the chain through softmax forgotten


@wrong("softmax_as_elementwise")
def softmax_diagonal_only(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    # -y_i / a_i times only the diagonal a_i (1 - a_i) of softmax's Jacobian
    return (-y * (1 - a))[:, None, :]


@wrong("other")
def log_softmax_jacobian_transposed(y, h):
    D = h.shape[1]
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    dlog_a_dh = np.eye(D) - a[:, :, None]     # delta_ij - a_i: a on the wrong axis
    return np.einsum("bi,bij->bj", -y, dlog_a_dh)[:, None, :]


@wrong("softmax_over_batch_axis")
def softmax_over_batch_axis(y, h):
    e = np.exp(h)
    a = e / e.sum(axis=0)           # normalised over the batch
    return (a - y)[:, None, :]


@wrong("scaled")
def mean_over_classes(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return (a - y)[:, None, :] / h.shape[1]   # as if the loss were a mean over classes


@wrong("scaled")
def divided_by_batch(y, h):
    B = h.shape[0]
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return (a - y)[:, None, :] / B            # per example: no mean over the batch


@wrong("all_zeros")
def returned_the_empty_array(y, h):
    B, D = h.shape
    J = np.zeros((B, 1, D))
    e = np.exp(h - h.max(axis=1, keepdims=True))
    grad = e / e.sum(axis=1, keepdims=True) - y
    return J


@wrong("some_examples_wrong")
def loop_misses_last_example(y, h):
    B, D = h.shape
    J = np.zeros((B, 1, D))
    for b in range(B - 1):
        e = np.exp(h[b] - h[b].max())
        J[b, 0] = e / e.sum() - y[b]
    return J


@wrong("batch_permuted")
def reversed_batch(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return np.flip(a - y, axis=0)[:, None, :]


@wrong("reshaped_not_transposed")
def column_convention_reshaped(y, h):
    B, D = h.shape
    H, Y = h.T, y.T                                   # columns are examples: (D, B)
    A = np.exp(H - H.max(axis=0)) / np.exp(H - H.max(axis=0)).sum(axis=0)
    return (A - Y).reshape(B, 1, D)                   # reshaped, not transposed


@wrong("hardcoded_sizes", crashes_at_other_sizes=True)
def hardcoded_eye(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    dloss_dlog_a = -np.einsum("i,bj->bij", np.ones(1), y)
    dlog_a_dh = np.eye(10) - np.einsum("i,bj->bij", np.ones(10), a)
    return np.einsum("bij,bjk->bik", dloss_dlog_a, dlog_a_dh)


@wrong("hardcoded_sizes")
def hardcoded_zeros(y, h):
    J = np.zeros((256, 1, 10))
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    for b in range(len(h)):
        for j in range(h.shape[1]):
            J[b, 0, j] = a[b, j] - y[b, j]
    return J


@wrong("derivative_wrt_probabilities")
def probability_gradient_einsum(y, h):
    a = np.exp(h - np.max(h, axis=-1, keepdims=True))
    a /= a.sum(axis=-1, keepdims=True)
    return np.einsum("i,bj->bij", np.ones(1), -y / a)   # dL/da


@wrong("derivative_wrt_probabilities")
def probability_gradient_loops(y, h):
    B, D = h.shape
    J = np.zeros((B, 1, D))
    for b in range(B):
        p = np.exp(h[b]) / np.exp(h[b]).sum()
        for j in range(D):
            J[b, 0, j] = -y[b, j] / p[j]      # d(-y log p)/dp
    return J


@wrong("softmax_outer_product_missing")
def chain_with_diagonal_of_a(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    dL_da = -y / a
    da_dh = np.einsum("bi,ij->bij", a, np.eye(h.shape[1]))   # the outer product forgotten
    return np.einsum("bi,bij->bj", dL_da, da_dh)[:, None, :]


@wrong("softmax_outer_product_missing")
def log_sum_exp_term_forgotten(y, h):
    # L = -y.h + log sum exp(h): only the first term differentiated
    return -y.reshape(y.shape[0], 1, y.shape[1])


@wrong("softmax_outer_product_added")
def chain_with_outer_added(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    da_dh = a[:, :, None] * (np.eye(h.shape[1]) + a[:, None, :])
    return ((-y / a)[:, None, :] @ da_dh)


@wrong("softmax_as_elementwise")
def chain_with_elementwise_softmax(y, h):
    a = np.exp(h) / np.exp(h).sum(axis=1, keepdims=True)
    return (-y / a * (a * (1 - a)))[:, None, :]     # da_i/dh_i only


@wrong("softmax_over_batch_axis")
def batch_axis_keepdims(y, h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=0, keepdims=True)
    return (a - y)[:, None, :]


@wrong("softmax_over_batch_axis")
def batch_axis_in_full_chain(y, h):
    a = np.exp(h - h.max()) / np.exp(h - h.max()).sum(axis=0)
    da_dh = np.einsum("bi,ij->bij", a, np.eye(h.shape[1])) - np.einsum("bi,bj->bij", a, a)
    return np.einsum("bi,bij->bj", -y / a, da_dh)[:, None, :]


@wrong("softmax_over_batch_axis")
def whole_batch_normaliser(y, h):
    e = np.exp(h)
    return (e / e.sum() - y)[:, np.newaxis, :]


@wrong("terms_instead_of_sum")
def per_class_terms_loops(y, h):
    B, D = h.shape
    a = np.exp(h) / np.exp(h).sum(axis=1, keepdims=True)
    J = np.zeros((B, D, D))          # one row per class term -y_i log a_i
    for i in range(D):
        for j in range(D):
            J[:, i, j] = -y[:, i] * ((i == j) - a[:, j])
    return J


@wrong("other")
def sigmoid_cross_entropy_habit(y, h):
    return (1 / (1 + np.exp(-h)) - y)[:, None, :]   # binary cross-entropy's gradient


# --- predictions of the Jacobian's shape ---------------------------------------------------------


@right_prediction
def predicted_tuple(B, D):
    return (B, 1, D)


@right_prediction
def predicted_list(B, D):
    return [B, 1, D]


@right_prediction
def predicted_from_parts(B, D):
    loss_shape = (1,)     # one number per example
    h_shape = (D,)
    return (B,) + loss_shape + h_shape


@right_prediction
def predicted_ints(B, D):
    return tuple(int(n) for n in (B, 1, D))


@wrong_prediction("gradient_instead_of_jacobian")
def predicted_gradient(B, D):
    return (B, D)


@wrong_prediction("transposed_axes")
def predicted_column(B, D):
    return (B, D, 1)


@wrong_prediction("missing_batch_axis")
def predicted_no_batch(B, D):
    return (1, D)


@wrong_prediction("function_instead_of_derivative")
def predicted_loss_shape(B, D):
    return (B, 1)


@wrong_prediction("terms_instead_of_sum")
def predicted_per_class(B, D):
    return (B, D, D)


@wrong_prediction("hardcoded_sizes")
def predicted_hardcoded(B, D):
    return (B, 1, 10)
