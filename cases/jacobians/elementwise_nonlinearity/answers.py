"""Case 5, `elementwise_nonlinearity`: ``da_dh(h)`` with h (B, D) and a = sigmoid(h).

The Jacobian has shape (B, D, D) and J[b, i, j] = delta_ij * s(1 - s), s = sigmoid(h[b, i]).
It is symmetric in its last two axes, so a pure transpose of a right answer is still right; the
`transposed_values` answer below is the transpose of a *non-symmetric* wrong answer.
"""

# The answers are written as students write them: lambdas assigned to names.
# ruff: noqa: E731

import math

import numpy as np

from course.answer_bank import right, right_prediction, wrong, wrong_prediction

#: Mistake labels that make sense for this case (each is used at least once below).
APPLICABLE_MISTAKES = frozenset(
    {
        "missing_batch_axis",
        "batch_axis_misplaced",
        "extra_unit_axis",
        "elementwise_instead_of_diagonal",
        "unexpected_batch_axis",
        "sign_flipped",
        "scaled",
        "transposed_values",
        "function_instead_of_derivative",
        "diagonal_only",
        "off_diagonal_only",
        "all_zeros",
        "identity",
        "some_examples_wrong",
        "batch_permuted",
        "hardcoded_sizes",
        "tanh_derivative_for_sigmoid",
        "derivative_at_output",
        "input_where_output_belongs",
        "square_forgotten",
        "derivative_at_zero",
        "other",
    }
)

#: Runs on other sizes than the notebook's, where the wrong answers are diagnosed too: one
#: smaller and one larger, so that a size typed in shows as a wrong shape or value.
OTHER_SIZES = (
    {"B": 23, "D": 6},
    {"B": 4, "D": 11},
)


# --- helpers: each is written into the cell of every answer that uses it -------------------------


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def stable_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


@np.vectorize
def dsigmoid(v):
    s = 1.0 / (1.0 + math.exp(-v))
    return s * (1.0 - s)


# --- right answers for da_dh ---------------------------------------------------------------------


@right
def document_einsum(h):
    D = h.shape[1]
    sigmoid = lambda x: 1 / (1 + np.exp(-x))
    dsigmoid_dargument = lambda x: sigmoid(x) * (1 - sigmoid(x))
    da_dh = np.einsum(
      "bi,ij->bij",
      dsigmoid_dargument(h),
      np.eye(D),
    )  # Shape: (B, D, D)
    return da_dh


@right
def einsum_eye_first(h):
    s = sigmoid(h)
    return np.einsum("ij,bj->bij", np.eye(h.shape[-1]), s * (1 - s))


@right
def eye_broadcast_last_axis(h):
    s = 1 / (1 + np.exp(-h))
    return (s * (1 - s))[:, :, None] * np.eye(h.shape[1])


@right
def eye_broadcast_newaxis_middle(h):
    s = 1 / (1 + np.exp(-h))
    ds = s * (1 - s)
    return ds[:, np.newaxis, :] * np.eye(h.shape[1])[np.newaxis, :, :]


@right
def expand_dims(h):
    s = 1 / (1 + np.exp(-h))
    return np.expand_dims(s - s**2, -1) * np.expand_dims(np.identity(h.shape[1]), 0)


@right
def loops_math_exp(h):
    B, D = h.shape
    J = np.zeros((B, D, D))
    for b in range(B):
        for i in range(D):
            for j in range(D):
                if i == j:
                    s = 1.0 / (1.0 + math.exp(-h[b, i]))
                    J[b, i, j] = s * (1.0 - s)
    return J


@right
def stack_of_diag(h):
    s = 1 / (1 + np.exp(-h))
    return np.stack([np.diag(row) for row in s * (1 - s)])


@right
def einsum_diagonal_write(h):
    B, D = h.shape
    s = 1 / (1 + np.exp(-h))
    J = np.zeros((B, D, D))
    np.einsum("bii->bi", J)[...] = s * (1 - s)
    return J


@right
def strided_diagonal_write(h):
    B, D = h.shape
    s = 1 / (1 + np.exp(-h))
    J = np.zeros((B, D * D))
    J[:, :: D + 1] = s * (1 - s)
    return J.reshape(B, D, D)


@right
def tanh_form(h):
    s = 0.5 * (1 + np.tanh(h / 2))     # sigmoid without overflow
    return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1]))


@right
def logaddexp_form(h):
    log_s = -np.logaddexp(0, -h)          # log sigmoid(h)
    log_1ms = -np.logaddexp(0, h)         # log (1 - sigmoid(h))
    ds = np.exp(log_s + log_1ms)
    return ds[:, :, None] * np.eye(h.shape[1])


@right
def float32(h):
    h = h.astype(np.float32)
    s = 1 / (1 + np.exp(-h))
    return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1], dtype=np.float32))


@right
def nested_list(h):
    out = []
    for row in h:
        d = [math.exp(-v) / (1 + math.exp(-v)) ** 2 for v in row]
        n = len(d)
        out.append([[d[i] if i == j else 0.0 for j in range(n)] for i in range(n)])
    return out


@right
def apply_along_axis_diag(h):
    s = 1 / (1 + np.exp(-h))
    return np.apply_along_axis(np.diag, 1, s * (1 - s))


@right
def exp_over_square(h):
    ds = np.exp(-h) / (1 + np.exp(-h)) ** 2
    return np.einsum("bi,ij->bij", ds, np.eye(h.shape[1]))


@right
def cosh_form(h):
    ds = 0.25 / np.cosh(h / 2) ** 2
    return ds[:, :, None] * np.eye(h.shape[1])[None]


@right
def two_exponentials(h):
    ds = 1.0 / (2.0 + np.exp(h) + np.exp(-h))
    return np.multiply.outer(ds, np.ones(h.shape[1])) * np.eye(h.shape[1])


@right
def sigmoid_of_minus_h(h):
    t = 1 / (1 + np.exp(h))       # this is 1 - sigmoid(h); the product is the same
    return np.einsum("bi,ij->bij", t * (1 - t), np.eye(h.shape[1]))


@right
def where_stable_sigmoid(h):
    s = stable_sigmoid(h)
    return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1]))


@right
def own_central_differences(h):
    sig = lambda z: 1 / (1 + np.exp(-z))
    eps = 1e-5
    ds = (sig(h + eps) - sig(h - eps)) / (2 * eps)
    return ds[:, :, None] * np.eye(h.shape[1])


@right
def fill_diagonal_loop(h):
    B, D = h.shape
    s = 1 / (1 + np.exp(-h))
    J = np.zeros((B, D, D))
    for b in range(B):
        np.fill_diagonal(J[b], s[b] * (1 - s[b]))
    return J


@right
def transposed_symmetric(h):
    s = 1 / (1 + np.exp(-h))
    J = np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1]))
    return J.transpose(0, 2, 1)     # diagonal, so the transpose changes nothing


lambda_assignment = right(lambda h: np.einsum(
    "bi,ij->bij",
    np.exp(-np.logaddexp(0, -h) - np.logaddexp(0, h)),
    np.eye(h.shape[1]),
))


@right
def vectorize_math(h):
    return np.einsum("bi,ij->bij", dsigmoid(h), np.eye(h.shape[1]))


@right
def forward_difference_fine_step(h):
    # One-sided differences with a small step: off by at most eps / 2 relative
    # (|sigma'' / sigma'| <= 1), well inside the checks' band.
    sig = lambda z: 1 / (1 + np.exp(-z))
    eps = 1e-5
    ds = (sig(h + eps) - sig(h)) / eps
    return ds[:, :, None] * np.eye(h.shape[1])


# Written with the diagnoses of the sigmoid's derivative: each slip in several styles, and
# right answers in forms close to those slips (e^-h / (1 + e^-h)^2, tanh of h/2, float32).
@right
def exp_over_square_float32(h):
    e = np.exp(-h.astype(np.float32))
    return np.einsum("bi,ij->bij", e / (1 + e) ** 2, np.eye(h.shape[1], dtype=np.float32))


@right
def tanh_of_half_h_loops(h):
    B, D = h.shape
    J = np.zeros((B, D, D))
    for b in range(B):
        for i in range(D):
            # sigmoid(h) = (1 + tanh(h/2)) / 2, so sigmoid' = (1 - tanh(h/2)^2) / 4
            J[b, i, i] = (1 - math.tanh(h[b, i] / 2) ** 2) / 4
    return J


# --- wrong answers for da_dh ---------------------------------------------------------------------


@wrong("elementwise_instead_of_diagonal")
def elementwise_derivative(h):
    s = 1 / (1 + np.exp(-h))
    return s * (1 - s)   # (B, D)


@wrong("missing_batch_axis")
def diag_of_first_example(h):
    s = 1 / (1 + np.exp(-h[0]))
    return np.diag(s * (1 - s))   # (D, D)


@wrong("batch_axis_misplaced")
def batch_last(h):
    s = 1 / (1 + np.exp(-h))
    return np.einsum("bi,ij->ijb", s * (1 - s), np.eye(h.shape[1]))


@wrong("extra_unit_axis")
def extra_unit_axis(h):
    s = 1 / (1 + np.exp(-h))
    return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1]))[:, None]


@wrong("unexpected_batch_axis")
def full_batched_jacobian(h):
    # a (B, D) w.r.t. h (B, D): (B, D, B, D) by the general rule
    B, D = h.shape
    s = 1 / (1 + np.exp(-h))
    return np.einsum("bc,bi,ij->bicj", np.eye(B), s * (1 - s), np.eye(D))


@wrong("some_examples_wrong")
def first_example_broadcast(h):
    B, D = h.shape
    s = 1 / (1 + np.exp(-h[0]))
    return np.broadcast_to(np.diag(s * (1 - s)), (B, D, D))


@wrong("some_examples_wrong")
def loop_misses_last_example(h):
    B, D = h.shape
    J = np.zeros((B, D, D))
    for b in range(B - 1):
        s = 1 / (1 + np.exp(-h[b]))
        J[b] = np.diag(s * (1 - s))
    return J


@wrong("function_instead_of_derivative")
def sigmoid_itself(h):
    a = 1 / (1 + np.exp(-h))
    return np.einsum("bi,ij->bij", a, np.eye(h.shape[1]))


@wrong("identity")
def identity(h):
    B, D = h.shape
    return np.tile(np.eye(D), (B, 1, 1))


@wrong("all_zeros")
def zeros(h):
    return np.zeros(h.shape + h.shape[1:])


@wrong("diagonal_only")
def broadcast_without_eye(h):
    s = 1 / (1 + np.exp(-h))
    return (s * (1 - s))[:, :, None] * np.ones(h.shape[1])


@wrong("diagonal_only")
def outer_product_s_one_minus_s(h):
    s = 1 / (1 + np.exp(-h))
    return s[:, :, None] * (1 - s)[:, None, :]     # J[b, i, j] = s_i (1 - s_j)


@wrong("transposed_values", diagnosed_as="diagonal_only", because=(
    "checked by hand: s_j (1 - s_i) has the right diagonal and wrong entries off it; the "
    "reference is symmetric, so no transpose fixes it"))
def outer_product_transposed(h):
    s = 1 / (1 + np.exp(-h))
    return np.einsum("bi,bj->bji", s, 1 - s)     # J[b, i, j] = s_j (1 - s_i)


@wrong("diagonal_only")
def softmax_jacobian(h):
    s = 1 / (1 + np.exp(-h))
    D = h.shape[1]
    return s[:, :, None] * (np.eye(D) - s[:, None, :])   # diag(s) - s s^T


@wrong("square_forgotten")
def forgot_the_square(h):
    ds = np.exp(-h) / (1 + np.exp(-h))     # should be squared in the denominator
    return np.einsum("bi,ij->bij", ds, np.eye(h.shape[1]))


@wrong("sign_flipped")
def negated(h):
    s = 1 / (1 + np.exp(-h))
    return np.einsum("bi,ij->bij", s * (s - 1), np.eye(h.shape[1]))


@wrong("scaled")
def tanh_form_missing_half(h):
    # sigmoid(h) = (1 + tanh(h/2)) / 2; forgot the chain-rule factor 1/2 of h/2
    ds = 0.5 * (1 - np.tanh(h / 2) ** 2)
    return ds[:, :, None] * np.eye(h.shape[1])


@wrong("batch_permuted")
def reversed_batch(h):
    s = 1 / (1 + np.exp(-h[::-1]))
    return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1]))


@wrong("tanh_derivative_for_sigmoid")
def tanh_derivative(h):
    return np.einsum("bi,ij->bij", 1 - np.tanh(h) ** 2, np.eye(h.shape[1]))


@wrong("input_where_output_belongs")
def formula_applied_to_h(h):
    return np.einsum("bi,ij->bij", h * (1 - h), np.eye(h.shape[1]))


@wrong("other")
def one_minus_eye(h):
    s = 1 / (1 + np.exp(-h))
    D = h.shape[1]
    return (s * (1 - s))[:, :, None] * (np.ones((D, D)) - np.eye(D))


@wrong("hardcoded_sizes", crashes_at_other_sizes=True)
def document_hardcoded_d(h):
    sigmoid = lambda x: 1 / (1 + np.exp(-x))
    dsigmoid_dargument = lambda x: sigmoid(x) * (1 - sigmoid(x))
    return np.einsum("bi,ij->bij", dsigmoid_dargument(h), np.eye(10))


@wrong("hardcoded_sizes", crashes_at_other_sizes=True)
def hardcoded_reshape(h):
    s = 1 / (1 + np.exp(-h))
    J = np.zeros((256, 100))
    J[:, ::11] = s * (1 - s)
    return J.reshape(256, 10, 10)


@wrong("off_diagonal_only")
def forward_difference(h):
    sig = lambda z: 1 / (1 + np.exp(-z))
    eps = 1e-2
    ds = (sig(h + eps) - sig(h)) / eps       # one-sided: O(eps) error, up to 0.5 %
    return ds[:, :, None] * np.eye(h.shape[1])


@wrong("derivative_at_zero")
def constant_quarter(h):
    # sigmoid'(0) = 1/4
    B, D = h.shape
    return np.broadcast_to(0.25 * np.eye(D), (B, D, D))


@wrong("off_diagonal_only")
def copied_document_inputs(h):
    np.random.seed(0)
    B, D = 256, 10
    h = np.random.randn(B, D)
    sigmoid = lambda x: 1 / (1 + np.exp(-x))
    ds = sigmoid(h) * (1 - sigmoid(h))
    return np.einsum("bi,ij->bij", ds, np.eye(D))


@wrong("input_where_output_belongs")
def h_one_minus_h_loops(h):
    B, D = h.shape
    J = np.zeros((B, D, D))
    for b in range(B):
        for i in range(D):
            J[b, i, i] = h[b, i] * (1 - h[b, i])
    return J


@wrong("tanh_derivative_for_sigmoid")
def tanh_derivative_stack(h):
    return np.stack([np.diag(1 / np.cosh(row) ** 2) for row in h])


@wrong("tanh_derivative_for_sigmoid")
def tanh_formula_on_sigmoid(h):
    s = 1 / (1 + np.exp(-h))
    return (1 - s ** 2)[:, :, None] * np.eye(h.shape[1])


@wrong("derivative_at_output")
def derivative_of_the_activation(h):
    a = sigmoid(h)
    d = sigmoid(a) * (1 - sigmoid(a))      # sigmoid'(a), not sigmoid'(h)
    return np.einsum("bi,ij->bij", d, np.eye(h.shape[1]))


@wrong("square_forgotten")
def one_minus_s(h):
    s = 1 / (1 + np.exp(-h))
    return np.einsum("bi,ij->bij", 1 - s, np.eye(h.shape[1]))   # the factor s lost


@wrong("square_forgotten")
def exp_over_sum_float32(h):
    e = np.exp(-h).astype(np.float32)
    return (e / (1 + e))[:, :, None] * np.eye(h.shape[1], dtype=np.float32)


@wrong("derivative_at_zero")
def quarter_loops(h):
    B, D = h.shape
    J = np.zeros((B, D, D))
    for i in range(D):
        J[:, i, i] = 0.25     # the slope at h = 0, everywhere
    return J


@wrong("off_diagonal_only")
def s_one_plus_s(h):
    s = 1 / (1 + np.exp(-h))
    return np.einsum("bi,ij->bij", s * (1 + s), np.eye(h.shape[1]))


# --- predictions of the Jacobian's shape ---------------------------------------------------------


@right_prediction
def predicted_tuple(B, D):
    return (B, D, D)


@right_prediction
def predicted_list(B, D):
    return [B, D, D]


@right_prediction
def predicted_from_parts(B, D):
    a_shape = (D,)
    h_shape = (D,)
    return (B,) + a_shape + h_shape


@right_prediction
def predicted_repeat(B, D):
    return (B,) + (D,) * 2


@wrong_prediction("elementwise_instead_of_diagonal")
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


@wrong_prediction("hardcoded_sizes")
def predicted_hardcoded(B, D):
    return (B, 10, 10)
