"""Assignment `backprop`, case 1, `softmax`: ``da_dh(h)`` with h (B, D) and a = softmax(h).

The Jacobian has shape (B, D, D) and J[b, i, j] = a_bi (delta_ij - a_bj): diag(a) - a a^T per
example. Every output depends on every input, so the entries off the diagonal are not zero. The
Jacobian is symmetric in its last two axes, so a pure transpose of a right answer is still
right (`transposed_symmetric`), and no wrong answer can be a transposed right one. Softmax
without subtracting the maximum is right too: the inputs are of order 1, nothing overflows.
"""

# The answers are written as students write them: lambdas assigned to names, names like l,
# variables assigned and never used.
# ruff: noqa: E731, E741, F841

import math

import numpy as np

from course.answer_bank import right, right_prediction, wrong, wrong_prediction

#: Mistake labels that make sense for this case (each is used at least once below).
APPLICABLE_MISTAKES = frozenset(
    {
        "missing_batch_axis",
        "batch_axis_misplaced",
        "extra_unit_axis",
        "elementwise_instead_of_jacobian",
        "unexpected_batch_axis",
        "sign_flipped",
        "scaled",
        "diagonal_only",
        "off_diagonal_only",
        "all_zeros",
        "identity",
        "some_examples_wrong",
        "batch_permuted",
        "hardcoded_sizes",
        "softmax_over_batch_axis",
        "softmax_outer_product_missing",
        "softmax_outer_product_added",
        "log_softmax_jacobian",
        "softmax_as_elementwise",
        "other",
    }
)

#: Runs on other sizes than the notebook's, where the wrong answers are diagnosed too: one
#: smaller and one larger, so that a size typed in shows as a wrong shape or value.
OTHER_SIZES = (
    {"B": 23, "D": 6},
    {"B": 5, "D": 12},
)


# --- helpers: each is written into the cell of every answer that uses it -------------------------


def softmax_of_row(v):
    e = np.exp(v - v.max())
    return e / e.sum()


def jacobian_of_row(row):
    e = np.exp(row - np.max(row))
    s = e / np.sum(e)
    return np.diag(s) - np.outer(s, s)


def one_jacobian(v):
    s = np.exp(v - v.max())
    s = s / s.sum()
    return np.diag(s) - s[:, None] * s[None, :]


def logsumexp(v, axis):
    m = np.max(v, axis=axis, keepdims=True)
    return m + np.log(np.sum(np.exp(v - m), axis=axis, keepdims=True))


softmax_lambda = lambda z: np.exp(z - np.logaddexp.reduce(z, axis=1, keepdims=True))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# --- right answers for da_dh ---------------------------------------------------------------------


@right
def notebook_einsum(h):
    D = h.shape[1]
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)  # (B, D)
    return np.einsum("bi,ij->bij", a, np.eye(D)) - np.einsum("bi,bj->bij", a, a)


@right
def einsum_single_call(h):
    e = np.exp(h - np.max(h, axis=-1, keepdims=True))
    a = e / np.sum(e, axis=-1, keepdims=True)
    dlog_a_dh = np.eye(h.shape[1])[None, :, :] - a[:, None, :]   # delta_ij - a_j
    return np.einsum("bi,bij->bij", a, dlog_a_dh)


@right
def einsum_ellipsis(h):
    a = np.exp(h - h.max(-1, keepdims=True))
    a /= a.sum(-1, keepdims=True)
    I = np.eye(a.shape[-1])
    return np.einsum("...i,ij->...ij", a, I) - np.einsum("...i,...j->...ij", a, a)


@right
def einsum_other_letters(h):
    n_classes = h.shape[1]
    z = h - h.max(axis=1)[:, None]
    p = np.exp(z) / np.exp(z).sum(axis=1)[:, None]
    return np.einsum("nk,kl->nkl", p, np.eye(n_classes)) - np.einsum("nk,nl->nkl", p, p)


@right
def broadcast_newaxis(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return a[:, :, np.newaxis] * (np.eye(h.shape[1]) - a[:, np.newaxis, :])


@right
def matmul_outer(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    diag = a[..., None] * np.eye(a.shape[-1])
    outer = a[..., :, None] @ a[..., None, :]          # (B, D, 1) @ (B, 1, D)
    return diag - outer


@right
def python_loops_math(h):
    B, D = h.shape
    J = np.zeros((B, D, D))
    for b in range(B):
        top = max(h[b])
        exps = [math.exp(h[b, k] - top) for k in range(D)]
        total = sum(exps)
        a = [v / total for v in exps]
        for i in range(D):
            for j in range(D):
                delta = 1.0 if i == j else 0.0
                J[b, i, j] = a[i] * (delta - a[j])
    return J


@right
def nested_list(h):
    out = []
    for row in h.tolist():
        top = max(row)
        e = [math.exp(v - top) for v in row]
        s = sum(e)
        a = [v / s for v in e]
        out.append([[ai * ((i == j) - aj) for j, aj in enumerate(a)]
                    for i, ai in enumerate(a)])
    return out


@right
def stack_diag_minus_outer(h):
    return np.stack([np.diag(s) - np.outer(s, s) for s in map(softmax_of_row, h)])


@right
def apply_along_axis(h):
    return np.apply_along_axis(jacobian_of_row, 1, h)   # (B, D, D)


@right
def vectorize_signature(h):
    return np.vectorize(one_jacobian, signature="(d)->(d,d)")(h)


@right
def kron_stack(h):
    B, D = h.shape
    blocks = []
    for b in range(B):
        e = np.exp(h[b] - h[b].max())
        s = e / e.sum()
        blocks.append(np.diag(s) - np.kron(s, s).reshape(D, D))
    return np.array(blocks)


@right
def tensordot_loop(h):
    B, D = h.shape
    J = np.empty((B, D, D))
    for b, row in enumerate(h):
        s = np.exp(row - row.max())
        s /= s.sum()
        J[b] = np.diag(s) - np.tensordot(s, s, axes=0)
    return J


@right
def logsumexp_by_hand(h):
    a = np.exp(h - logsumexp(h, axis=1))
    return np.einsum("bi,ij->bij", a, np.eye(h.shape[1])) - np.einsum("bi,bj->bij", a, a)


@right
def logaddexp_reduce(h):
    log_a = h - np.logaddexp.reduce(h, axis=1, keepdims=True)
    a = np.exp(log_a)
    return a[:, :, None] * np.eye(h.shape[1]) - a[:, :, None] * a[:, None, :]


@right
def no_max_shift(h):
    e = np.exp(h)                      # no shift: fine for inputs of order 1
    a = e / np.sum(e, axis=1, keepdims=True)
    return np.einsum("bi,ij->bij", a, np.eye(h.shape[1])) - np.einsum("bi,bj->bij", a, a)


@right
def float32(h):
    h = np.asarray(h, dtype=np.float32)
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    eye = np.eye(h.shape[1], dtype=np.float32)
    return np.einsum("bi,ij->bij", a, eye) - np.einsum("bi,bj->bij", a, a)


@right
def transposed_symmetric(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    J = np.einsum("bi,ij->bij", a, np.eye(h.shape[1])) - np.einsum("bi,bj->bij", a, a)
    return np.swapaxes(J, 1, 2)     # symmetric: the transpose is the same Jacobian


@right
def moveaxis_from_batch_last(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    J = np.einsum("bi,ij->ijb", a, np.eye(h.shape[1])) - np.einsum("bi,bj->ijb", a, a)
    return np.moveaxis(J, -1, 0)


@right
def diagonal_write(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    J = -a[:, :, None] * a[:, None, :]
    diagonal = np.einsum("bii->bi", J)     # a writable view of each diagonal
    diagonal += a
    return J


lambda_assignment = right(lambda h: (
    softmax_lambda(h)[:, :, None] * (np.eye(h.shape[1]) - softmax_lambda(h)[:, None, :])
))


# Written with the diagnoses of a softmax: each mistake in several styles, and right answers
# in styles that look like those mistakes (a times the log-softmax Jacobian, float32, loops).
@right
def a_times_log_softmax_jacobian(h):
    # d a_i / dh_j = a_i * d log a_i / dh_j
    log_a = h - np.logaddexp.reduce(h, axis=1, keepdims=True)
    a = np.exp(log_a)
    dlog = np.eye(h.shape[1])[None, :, :] - a[:, None, :]
    return a[:, :, None] * dlog


@right
def float32_tensordot_per_example(h):
    h32 = h.astype(np.float32)
    out = []
    for row in h32:
        e = np.exp(row - row.max())
        s = e / e.sum()
        out.append(np.diag(s) - np.tensordot(s, s, axes=0))
    return np.stack(out)


@right
def quotient_rule_loops(h):
    B, D = h.shape
    J = np.empty((B, D, D))
    for b in range(B):
        e = np.exp(h[b])          # no shift: the inputs are small
        S = e.sum()
        for i in range(D):
            for j in range(D):
                # quotient rule on e_i / S: (de_i/dh_j S - e_i dS/dh_j) / S^2
                J[b, i, j] = ((e[i] if i == j else 0.0) * S - e[i] * e[j]) / S**2
    return J


@right
def float32_broadcast_minus_outer(h):
    z = np.float32(h) - np.max(np.float32(h), axis=-1, keepdims=True)
    a = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
    D = a.shape[-1]
    return a[..., None] * np.eye(D, dtype=np.float32) - a[..., :, None] * a[..., None, :]


# --- wrong answers for da_dh ---------------------------------------------------------------------


@wrong("softmax_as_elementwise")
def diagonal_a_one_minus_a(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    # as for the sigmoid: a(1 - a) on the diagonal, zeros elsewhere
    return np.einsum("bi,ij->bij", a * (1 - a), np.eye(h.shape[1]))


@wrong("elementwise_instead_of_jacobian")
def elementwise_a_one_minus_a(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return a * (1 - a)   # (B, D)


@wrong("off_diagonal_only")
def outer_without_delta(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return -np.einsum("bi,bj->bij", a, a)   # -a_i a_j everywhere, the delta forgotten


@wrong("diagonal_only")
def off_diagonal_sign(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    same = np.eye(h.shape[1], dtype=bool)
    # case i == j: a_i (1 - a_i); case i != j: a_i a_j (the minus sign lost)
    return np.where(same, (a * (1 - a))[:, :, None], a[:, :, None] * a[:, None, :])


@wrong("sign_flipped")
def outer_minus_diagonal(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return np.einsum("bi,bj->bij", a, a) - np.einsum("bi,ij->bij", a, np.eye(h.shape[1]))


@wrong("softmax_outer_product_missing")
def diag_a_only(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return np.einsum("bi,ij->bij", a, np.eye(h.shape[1]))   # the - a a^T term forgotten


@wrong("log_softmax_jacobian")
def log_softmax_jacobian(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    # d log(a_i) / dh_j = delta_ij - a_j: the Jacobian of log softmax, not of softmax
    return np.eye(h.shape[1])[None] - a[:, None, :]


@wrong("softmax_over_batch_axis")
def softmax_over_batch_axis(h):
    e = np.exp(h - h.max())
    a = e / e.sum(axis=0, keepdims=True)   # normalised over the batch, not the classes
    return np.einsum("bi,ij->bij", a, np.eye(h.shape[1])) - np.einsum("bi,bj->bij", a, a)


@wrong("missing_batch_axis")
def first_example_only(h):
    e = np.exp(h[0] - h[0].max())
    a = e / e.sum()
    return np.diag(a) - np.outer(a, a)   # (D, D)


@wrong("missing_batch_axis")
def mean_over_batch(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    J = np.einsum("bi,ij->bij", a, np.eye(h.shape[1])) - np.einsum("bi,bj->bij", a, a)
    return J.mean(axis=0)


@wrong("batch_axis_misplaced")
def batch_last(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return np.einsum("bi,ij->ijb", a, np.eye(h.shape[1])) - np.einsum("bi,bj->ijb", a, a)


@wrong("extra_unit_axis")
def extra_unit_axis(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    diag = np.einsum("bi,ij->bij", a, np.eye(h.shape[1]))
    return (diag - a[:, :, None] * a[:, None, :])[:, None]


@wrong("unexpected_batch_axis")
def full_batched_jacobian(h):
    # a (B, D) w.r.t. h (B, D): (B, D, B, D) by the general rule
    B, D = h.shape
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    per_example = a[:, :, None] * (np.eye(D) - a[:, None, :])
    return np.einsum("bij,bc->bicj", per_example, np.eye(B))


@wrong("identity")
def identity(h):
    B, D = h.shape
    return np.tile(np.eye(D), (B, 1, 1))


@wrong("all_zeros")
def zeros(h):
    B, D = h.shape
    J = np.zeros((B, D, D))
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    jac = np.einsum("bi,ij->bij", a, np.eye(D)) - np.einsum("bi,bj->bij", a, a)
    return J   # returned the array it meant to fill


@wrong("scaled")
def central_differences_missing_half(h):
    h = np.asarray(h, dtype=np.float64)
    B, D = h.shape
    eps = 1e-5
    J = np.zeros((B, D, D))
    for j in range(D):
        step = np.zeros(D)
        step[j] = eps
        J[:, :, j] = (softmax(h + step) - softmax(h - step)) / eps   # not 2 * eps
    return J


@wrong("some_examples_wrong")
def loop_misses_last_example(h):
    B, D = h.shape
    J = np.zeros((B, D, D))
    for b in range(B - 1):
        e = np.exp(h[b] - h[b].max())
        a = e / e.sum()
        J[b] = np.diag(a) - np.outer(a, a)
    return J


@wrong("batch_permuted")
def reversed_batch(h):
    jacobians = []
    for row in h:
        e = np.exp(row - row.max())
        a = e / e.sum()
        jacobians.insert(0, np.diag(a) - np.outer(a, a))   # prepends: reversed
    return np.array(jacobians)


@wrong("hardcoded_sizes", crashes_at_other_sizes=True)
def hardcoded_eye(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return np.einsum("bi,ij->bij", a, np.eye(10)) - np.einsum("bi,bj->bij", a, a)


@wrong("hardcoded_sizes")
def hardcoded_zeros(h):
    J = np.zeros((256, 10, 10))
    for b in range(h.shape[0]):
        e = np.exp(h[b] - h[b].max())
        a = e / e.sum()
        for i in range(h.shape[1]):
            for j in range(h.shape[1]):
                J[b, i, j] = a[i] * ((i == j) - a[j])
    return J


@wrong("softmax_outer_product_added")
def outer_added_einsum(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return np.einsum("bi,ij->bij", a, np.eye(h.shape[1])) + np.einsum("bi,bj->bij", a, a)


@wrong("softmax_outer_product_added")
def outer_added_loops(h):
    out = []
    for row in h.tolist():
        e = [math.exp(v) for v in row]
        s = sum(e)
        a = [v / s for v in e]
        # a_i (delta_ij + a_j): the sign of the quotient rule's second term lost
        out.append([[a[i] * ((i == j) + a[j]) for j in range(len(a))]
                    for i in range(len(a))])
    return out


@wrong("softmax_outer_product_added")
def outer_added_float32(h):
    h = h.astype(np.float32)
    p = np.exp(h - h.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    return p[:, :, None] * (np.eye(h.shape[1], dtype=np.float32) + p[:, None, :])


@wrong("softmax_outer_product_missing")
def diag_only_per_example(h):
    blocks = []
    for row in h:
        e = np.exp(row - row.max())
        blocks.append(np.diag(e / e.sum()))     # d(e_i / S)/dh_i, as if S were constant
    return np.array(blocks)


@wrong("softmax_outer_product_missing")
def diag_only_broadcast(h):
    a = np.exp(h) / np.exp(h).sum(axis=-1, keepdims=True)
    return a[:, :, None] * np.eye(h.shape[-1])


@wrong("softmax_over_batch_axis")
def batch_axis_row_shift(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=0, keepdims=True)          # axis 0: the batch
    return a[:, :, None] * (np.eye(h.shape[1]) - a[:, None, :])


@wrong("softmax_over_batch_axis")
def batch_axis_no_keepdims(h):
    a = np.exp(h) / np.sum(np.exp(h), axis=0)    # broadcasts, so no error is raised
    D = h.shape[1]
    J = np.zeros((h.shape[0], D, D))
    for i in range(D):
        for j in range(D):
            J[:, i, j] = a[:, i] * ((i == j) - a[:, j])
    return J


@wrong("softmax_over_batch_axis")
def whole_batch_sum(h):
    e = np.exp(h - np.max(h))
    a = e / np.sum(e)                  # every entry of the batch in one sum
    return np.einsum("bi,ij->bij", a, np.eye(h.shape[1])) - np.einsum("bi,bj->bij", a, a)


@wrong("log_softmax_jacobian")
def log_softmax_jacobian_loops(h):
    B, D = h.shape
    a = np.exp(h - h.max(axis=1, keepdims=True))
    a /= a.sum(axis=1, keepdims=True)
    J = np.empty((B, D, D))
    for b in range(B):
        for i in range(D):
            for j in range(D):
                J[b, i, j] = float(i == j) - a[b, j]   # d log a_i / dh_j
    return J


@wrong("softmax_as_elementwise")
def elementwise_where(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    D = h.shape[1]
    # each a_i treated as a function of h_i alone, like a sigmoid
    return np.where(np.eye(D, dtype=bool), (a * (1 - a))[:, :, None], 0.0)


@wrong("other")
def batch_axis_and_diag_only(h):
    a = np.exp(h) / np.exp(h).sum(axis=0, keepdims=True)   # two mistakes at once
    return np.einsum("bi,ij->bij", a, np.eye(h.shape[1]))


@wrong("missing_batch_axis")
def batch_sum_keepdims(h):
    e = np.exp(h - h.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    J = a[:, :, None] * np.eye(h.shape[1]) - a[:, :, None] * a[:, None, :]
    return np.sum(J, axis=0, keepdims=True)


@wrong("other")
def sigmoid_in_place_of_softmax(h):
    s = 1 / (1 + np.exp(-h))
    return s[:, :, None] * (np.eye(h.shape[1]) - s[:, None, :])


# --- predictions of the Jacobian's shape ---------------------------------------------------------


@right_prediction
def predicted_tuple(B, D):
    return (B, D, D)


@right_prediction
def predicted_list(B, D):
    return [B, D, D]


@right_prediction
def predicted_from_parts(B, D):
    a_shape = (D,)   # one example's output
    h_shape = (D,)   # one example's input
    return (B, *a_shape, *h_shape)


@right_prediction
def predicted_repeat(B, D):
    return (B,) + (D,) * 2


@wrong_prediction("elementwise_instead_of_jacobian")
def predicted_elementwise(B, D):
    return (B, D)


@wrong_prediction("missing_batch_axis")
def predicted_no_batch(B, D):
    return (D, D)


@wrong_prediction("extra_unit_axis")
def predicted_unit_axis(B, D):
    return (B, 1, D, D)


@wrong_prediction("unexpected_batch_axis")
def predicted_full_batched(B, D):
    return (B, D, B, D)


@wrong_prediction("batch_axis_misplaced")
def predicted_batch_last(B, D):
    return (D, D, B)


@wrong_prediction("hardcoded_sizes")
def predicted_hardcoded(B, D):
    return (B, 10, 10)
