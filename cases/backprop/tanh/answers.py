"""Assignment `backprop`, case 5, `tanh`: ``da_dh(h)`` with h (B, D) and a = tanh(h).

The Jacobian has shape (B, D, D) and J[b, i, j] = delta_ij (1 - tanh(h[b, i])^2). It is
diagonal, hence symmetric in its last two axes: a transpose of a right answer is right, and no
wrong answer is a transposed right one. A wrong formula for the derivative on the diagonal,
with zeros off it, is labelled `off_diagonal_only` (the entries off the diagonal are right).
"""

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
        "function_instead_of_derivative",
        "diagonal_only",
        "off_diagonal_only",
        "all_zeros",
        "identity",
        "some_examples_wrong",
        "batch_permuted",
        "hardcoded_sizes",
        "sigmoid_derivative_for_tanh",
        "derivative_at_output",
        "input_where_output_belongs",
        "square_forgotten",
        "other",
    }
)

#: Runs on other sizes than the notebook's, where the wrong answers are diagnosed too: one
#: smaller and one larger, so that a size typed in shows as a wrong shape or value.
OTHER_SIZES = (
    {"B": 21, "D": 5},
    {"B": 3, "D": 14},
)


# --- helpers: each is written into the cell of every answer that uses it -------------------------


@np.vectorize
def dtanh_of_number(v):
    return 1.0 - math.tanh(v) ** 2


def dtanh(z):
    return 1 - np.tanh(z) ** 2


# --- right answers for da_dh ---------------------------------------------------------------------


@right
def notebook_einsum(h):
    D = h.shape[1]
    return np.einsum("bi,ij->bij", 1 - np.tanh(h) ** 2, np.eye(D))


@right
def einsum_eye_first(h):
    a = np.tanh(h)
    return np.einsum("ij,bj->bij", np.eye(h.shape[-1]), (1 - a) * (1 + a))


@right
def sech_squared(h):
    d = 1.0 / np.cosh(h) ** 2
    return d[:, :, None] * np.eye(h.shape[1])


@right
def exponentials(h):
    d = 4.0 / (np.exp(h) + np.exp(-h)) ** 2       # sech^2 from its definition
    return np.einsum("bi,ij->bij", d, np.eye(h.shape[1]))


@right
def via_sigmoid(h):
    # tanh(h) = 2 sigmoid(2h) - 1, so tanh'(h) = 4 s (1 - s) with s = sigmoid(2h)
    s = 1 / (1 + np.exp(-2 * h))
    return np.einsum("bi,ij->bij", 4 * s * (1 - s), np.eye(h.shape[1]))


@right
def broadcast_newaxis(h):
    d = 1 - np.tanh(h) ** 2
    return d[:, np.newaxis, :] * np.eye(h.shape[1])[np.newaxis, :, :]


@right
def stack_of_diag(h):
    return np.stack([np.diag(1 - np.tanh(row) ** 2) for row in h])


@right
def apply_along_axis_diag(h):
    return np.apply_along_axis(np.diag, 1, 1 - np.tanh(h) ** 2)


@right
def einsum_diagonal_write(h):
    B, D = h.shape
    J = np.zeros((B, D, D))
    np.einsum("bii->bi", J)[...] = 1 - np.tanh(h) ** 2
    return J


@right
def fill_diagonal_loop(h):
    B, D = h.shape
    J = np.zeros((B, D, D))
    for b in range(B):
        np.fill_diagonal(J[b], 1 - np.tanh(h[b]) ** 2)
    return J


@right
def python_loops_math(h):
    B, D = h.shape
    J = np.zeros((B, D, D))
    for b in range(B):
        for i in range(D):
            for j in range(D):
                if i == j:
                    J[b, i, j] = 1.0 - math.tanh(h[b, i]) ** 2
    return J


@right
def nested_list(h):
    out = []
    for row in h.tolist():
        d = [1 / math.cosh(v) ** 2 for v in row]
        out.append([[d[i] if i == j else 0.0 for j in range(len(d))]
                    for i in range(len(d))])
    return out


@right
def float32(h):
    t = np.tanh(h.astype(np.float32))
    return np.einsum("bi,ij->bij", 1 - t * t, np.eye(h.shape[1], dtype=np.float32))


@right
def transposed_symmetric(h):
    J = np.einsum("bi,ij->bij", 1 - np.tanh(h) ** 2, np.eye(h.shape[1]))
    return J.transpose(0, 2, 1)     # diagonal: the transpose changes nothing


@right
def vectorize_math(h):
    return dtanh_of_number(h)[:, :, None] * np.eye(h.shape[1])


@right
def tensordot_delta3(h):
    D = h.shape[1]
    delta3 = np.zeros((D, D, D))
    delta3[np.arange(D), np.arange(D), np.arange(D)] = 1.0   # delta_kij
    return np.tensordot(1 - np.tanh(h) ** 2, delta3, axes=([1], [0]))


@right
def strided_diagonal_write(h):
    B, D = h.shape
    J = np.zeros((B, D * D))
    J[:, :: D + 1] = 1 - np.tanh(h) ** 2
    return J.reshape(B, D, D)


lambda_assignment = right(lambda h: (1 - np.tanh(h) ** 2)[..., None] * np.eye(h.shape[-1]))


# Written with the diagnoses of tanh's derivative: each slip in several styles, and right
# answers in forms close to those slips ((1 - a)(1 + a), 4 sigmoid'(2h), float32, loops).
@right
def one_minus_a_times_one_plus_a(h):
    a = np.tanh(h)
    return np.einsum("bi,ij->bij", (1 - a) * (1 + a), np.eye(h.shape[1]))


@right
def four_sigmoid_prime_of_2h_float32(h):
    s = 1 / (1 + np.exp(-2 * h.astype(np.float32)))   # tanh(h) = 2 sigmoid(2h) - 1
    d = 4 * s * (1 - s)
    return d[:, :, None] * np.eye(h.shape[1], dtype=np.float32)


@right
def exp_form_loops(h):
    B, D = h.shape
    J = np.zeros((B, D, D))
    for b in range(B):
        for i in range(D):
            J[b, i, i] = 4 / (math.exp(h[b, i]) + math.exp(-h[b, i])) ** 2
    return J


# --- wrong answers for da_dh ---------------------------------------------------------------------


@wrong("square_forgotten")
def forgot_the_square(h):
    return np.einsum("bi,ij->bij", 1 - np.tanh(h), np.eye(h.shape[1]))


@wrong("square_forgotten")
def sech_not_squared(h):
    return np.einsum("bi,ij->bij", 1 / np.cosh(h), np.eye(h.shape[1]))


@wrong("input_where_output_belongs")
def formula_applied_to_h(h):
    return np.einsum("bi,ij->bij", 1 - h**2, np.eye(h.shape[1]))   # 1 - a^2 with a = h


@wrong("sigmoid_derivative_for_tanh")
def sigmoid_derivative(h):
    s = 1 / (1 + np.exp(-h))
    return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1]))


@wrong("function_instead_of_derivative")
def tanh_itself(h):
    return np.einsum("bi,ij->bij", np.tanh(h), np.eye(h.shape[1]))


@wrong("elementwise_instead_of_diagonal")
def elementwise_derivative(h):
    return 1 - np.tanh(h) ** 2    # (B, D)


@wrong("diagonal_only")
def broadcast_without_eye(h):
    d = 1 - np.tanh(h) ** 2
    return d[:, :, None] * np.ones((1, 1, h.shape[1]))   # the diagonal missing: no eye


@wrong("diagonal_only")
def one_minus_outer(h):
    a = np.tanh(h)
    return 1 - np.einsum("bi,bj->bij", a, a)    # 1 - a a^T, by analogy with softmax


@wrong("other", expect="fails_shape")
def diag_of_whole_batch(h):
    return np.diag((1 - np.tanh(h) ** 2).ravel())    # (B*D, B*D)


@wrong("missing_batch_axis")
def first_example_only(h):
    return np.diag(1 - np.tanh(h[0]) ** 2)   # (D, D)


@wrong("batch_axis_misplaced")
def batch_last(h):
    return np.einsum("bi,ij->ijb", 1 - np.tanh(h) ** 2, np.eye(h.shape[1]))


@wrong("extra_unit_axis")
def extra_unit_axis(h):
    J = np.einsum("bi,ij->bij", 1 - np.tanh(h) ** 2, np.eye(h.shape[1]))
    return np.expand_dims(J, axis=-1)    # (B, D, D, 1)


@wrong("unexpected_batch_axis")
def full_batched_jacobian(h):
    B, D = h.shape
    return np.einsum("bc,bi,ij->bicj", np.eye(B), 1 - np.tanh(h) ** 2, np.eye(D))


@wrong("sign_flipped")
def negated(h):
    return np.einsum("bi,ij->bij", np.tanh(h) ** 2 - 1, np.eye(h.shape[1]))


@wrong("scaled")
def via_sigmoid_missing_chain_factor(h):
    # tanh(h) = 2 sigmoid(2h) - 1: the 2 of the inner 2h forgotten
    s = 1 / (1 + np.exp(-2 * h))
    return np.einsum("bi,ij->bij", 2 * s * (1 - s), np.eye(h.shape[1]))


@wrong("identity")
def identity(h):
    B, D = h.shape
    return np.broadcast_to(np.eye(D), (B, D, D))    # tanh(h) ~ h near 0


@wrong("all_zeros")
def zeros(h):
    return np.zeros((h.shape[0], h.shape[1], h.shape[1]))


@wrong("some_examples_wrong")
def loop_misses_last_example(h):
    B, D = h.shape
    J = np.zeros((B, D, D))
    for b in range(B - 1):
        J[b] = np.diag(1 - np.tanh(h[b]) ** 2)
    return J


@wrong("batch_permuted")
def reversed_batch(h):
    return np.einsum("bi,ij->bij", 1 - np.tanh(h[::-1]) ** 2, np.eye(h.shape[1]))


@wrong("hardcoded_sizes", crashes_at_other_sizes=True)
def hardcoded_eye(h):
    return np.einsum("bi,ij->bij", 1 - np.tanh(h) ** 2, np.eye(10))


@wrong("hardcoded_sizes")
def hardcoded_zeros(h):
    J = np.zeros((256, 10, 10))
    for b in range(h.shape[0]):
        for i in range(h.shape[1]):
            J[b, i, i] = 1 - np.tanh(h[b, i]) ** 2
    return J


@wrong("input_where_output_belongs")
def h_squared_loops(h):
    B, D = h.shape
    J = np.zeros((B, D, D))
    for b in range(B):
        for i in range(D):
            J[b, i, i] = 1 - h[b, i] ** 2
    return J


@wrong("input_where_output_belongs")
def h_squared_stack_of_diag(h):
    return np.stack([np.diag(1 - row * row) for row in h])


@wrong("sigmoid_derivative_for_tanh")
def sigmoid_derivative_float32(h):
    s = (1 / (1 + np.exp(-h))).astype(np.float32)
    return (s * (1 - s))[:, :, None] * np.eye(h.shape[1], dtype=np.float32)


@wrong("sigmoid_derivative_for_tanh")
def sigmoid_formula_on_tanh(h):
    a = np.tanh(h)
    return np.einsum("bi,ij->bij", a * (1 - a), np.eye(h.shape[1]))   # a(1 - a)


@wrong("derivative_at_output")
def derivative_of_the_activation(h):
    a = np.tanh(h)
    return np.einsum("bi,ij->bij", dtanh(a), np.eye(h.shape[1]))   # tanh'(a), not tanh'(h)


@wrong("square_forgotten")
def sech_from_exponentials(h):
    sech = 2 / (np.exp(h) + np.exp(-h))
    return sech[:, :, None] * np.eye(h.shape[1])


@wrong("square_forgotten")
def one_minus_tanh_broadcast(h):
    a = np.tanh(h)
    return (1 - a)[:, :, np.newaxis] * np.eye(a.shape[1])[np.newaxis]


@wrong("off_diagonal_only")
def one_plus_tanh_squared(h):
    return np.einsum("bi,ij->bij", 1 + np.tanh(h) ** 2, np.eye(h.shape[1]))


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
def predicted_numpy_shape(B, D):
    return np.zeros((B, D, D)).shape


@wrong_prediction("elementwise_instead_of_diagonal")
def predicted_elementwise(B, D):
    return (B, D)


@wrong_prediction("missing_batch_axis")
def predicted_no_batch(B, D):
    return (D, D)


@wrong_prediction("extra_unit_axis")
def predicted_unit_axis(B, D):
    return (B, D, D, 1)


@wrong_prediction("unexpected_batch_axis")
def predicted_full_batched(B, D):
    return (B, D, B, D)


@wrong_prediction("hardcoded_sizes")
def predicted_hardcoded(B, D):
    return (B, 10, 10)
