"""Assignment `backprop`, case 4, `affine_wrt_bias`: ``dz_db(W, b, x)`` with z_b = W x_b + b.

W (n, m), b (n,), x (B, m). The Jacobian has shape (B, n, n) and J[b, i, j] = delta_ij: an
identity for every example, whatever W and x are. It is symmetric in its last two axes, so a
transpose of a right answer is right, and no wrong answer is a transposed right one; the right
answer is itself an identity pattern, so `identity` is no mistake here.
"""

# The answers are written as students write them: lambdas assigned to names.
# ruff: noqa: E731

import numpy as np

from course.answer_bank import right, right_prediction, wrong, wrong_prediction

#: Mistake labels that make sense for this case (each is used at least once below).
APPLICABLE_MISTAKES = frozenset(
    {
        "missing_batch_axis",
        "batch_axis_misplaced",
        "extra_unit_axis",
        "elementwise_instead_of_diagonal",
        "jacobian_wrt_other_argument",
        "sign_flipped",
        "scaled",
        "reshaped_not_transposed",
        "function_instead_of_derivative",
        "diagonal_only",
        "all_zeros",
        "some_examples_wrong",
        "hardcoded_sizes",
        "other",
    }
)

#: Runs on other sizes than the notebook's, where the wrong answers are diagnosed too: one
#: smaller and one larger, so that a size typed in shows as a wrong shape or value.
OTHER_SIZES = (
    {"B": 9, "output_dim": 4, "input_dim": 6},
    {"B": 7, "output_dim": 13, "input_dim": 24},
)


# --- right answers for dz_db ---------------------------------------------------------------------


@right
def notebook_einsum(W, b, x):
    B, output_dim = x.shape[0], W.shape[0]
    return np.einsum("b,ij->bij", np.ones(B), np.eye(output_dim))


@right
def tile(W, b, x):
    return np.tile(np.eye(len(b)), (len(x), 1, 1))


@right
def broadcast_to(W, b, x):
    n = b.shape[0]
    return np.broadcast_to(np.identity(n), (x.shape[0], n, n))


@right
def stack_copies(W, b, x):
    return np.stack([np.eye(b.size) for _ in range(x.shape[0])])


@right
def repeat_newaxis(W, b, x):
    return np.repeat(np.eye(W.shape[0])[np.newaxis], len(x), axis=0)


@right
def python_loops(W, b, x):
    B = x.shape[0]
    n = W.shape[0]
    J = np.zeros((B, n, n))
    for k in range(B):
        for i in range(n):
            for j in range(n):
                if i == j:
                    J[k, i, j] = 1.0
    return J


@right
def nested_list(W, b, x):
    n = len(b)
    one = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    return [one for _ in range(len(x))]


@right
def einsum_diagonal_write(W, b, x):
    n = len(b)
    J = np.zeros((len(x), n, n))
    np.einsum("bii->bi", J)[...] = 1.0
    return J


@right
def strided_diagonal_write(W, b, x):
    B, n = x.shape[0], b.shape[0]
    J = np.zeros((B, n * n))
    J[:, :: n + 1] = 1
    return J.reshape(B, n, n)


@right
def kron(W, b, x):
    return np.kron(np.ones((x.shape[0], 1, 1)), np.eye(W.shape[0]))


@right
def apply_along_axis(W, b, x):
    z = x @ W.T + b                                       # (B, n)
    return np.apply_along_axis(lambda z_b: np.diag(np.ones_like(z_b)), 1, z)


@right
def boolean_equality(W, b, x):
    idx = np.arange(len(b))
    same = idx[:, None] == idx[None, :]                  # True on the diagonal
    return np.broadcast_to(same, (len(x), len(b), len(b)))   # bools are 1 and 0


@right
def integer_identity(W, b, x):
    return np.tile(np.eye(W.shape[0], dtype=int), (x.shape[0], 1, 1))


@right
def float32(W, b, x):
    n = W.shape[0]
    return np.einsum("b,ij->bij", np.ones(len(x), np.float32), np.eye(n, dtype=np.float32))


@right
def unit_step_difference(W, b, x):
    # z is affine in b: a forward difference with step 1 is exact (up to rounding)
    W, b, x = (np.asarray(v, dtype=np.float64) for v in (W, b, x))
    z = lambda bias: x @ W.T + bias
    n = len(b)
    return np.stack([z(b + np.eye(n)[j]) - z(b) for j in range(n)], axis=-1)


@right
def moveaxis_from_batch_last(W, b, x):
    J = np.repeat(np.eye(len(b))[:, :, None], len(x), axis=2)   # (n, n, B)
    return np.moveaxis(J, -1, 0)


@right
def diag_of_ones(W, b, x):
    B, n = len(x), len(W)
    return np.ones((B, 1, 1)) * np.diag(np.ones(n))


lambda_assignment = right(lambda W, b, x: np.eye(b.shape[0])[None].repeat(x.shape[0], axis=0))


# --- wrong answers for dz_db ---------------------------------------------------------------------


@wrong("diagonal_only")
def ones_instead_of_identity(W, b, x):
    n = len(b)
    return np.ones((len(x), n, n))     # "the derivative of + b is 1"


@wrong("elementwise_instead_of_diagonal")
def ones_like_z(W, b, x):
    return np.ones((x.shape[0], b.shape[0]))   # (B, n)


@wrong("missing_batch_axis")
def identity_without_batch(W, b, x):
    return np.eye(len(b))     # b is shared by the batch, so one identity


@wrong("missing_batch_axis")
def summed_over_batch(W, b, x):
    B, n = len(x), len(b)
    return np.einsum("b,ij->ij", np.ones(B), np.eye(n))   # B * I, as a training step sums


@wrong("all_zeros")
def zeros(W, b, x):
    n = len(b)
    return np.zeros((len(x), n, n))     # "b is a constant"


@wrong("jacobian_wrt_other_argument")
def copied_input_jacobian(W, b, x):
    return np.einsum("b,ij->bij", np.ones(len(x)), W)   # dz/dx's answer: (B, n, m)


@wrong("other", expect="fails_shape")
def identity_of_input_size(W, b, x):
    B, m = x.shape
    return np.tile(np.eye(m), (B, 1, 1))    # (B, m, m): the wrong size for b


@wrong("sign_flipped")
def negative_identity(W, b, x):
    # z = W x - b remembered: -I
    return -np.tile(np.eye(len(b)), (len(x), 1, 1))


@wrong("scaled")
def divided_by_batch(W, b, x):
    B, n = len(x), len(b)
    return np.broadcast_to(np.eye(n) / B, (B, n, n))   # an average where none belongs


@wrong("some_examples_wrong")
def loop_misses_last_example(W, b, x):
    B, n = len(x), len(b)
    J = np.zeros((B, n, n))
    for k in range(1, B):
        J[k] = np.eye(n)      # the loop starts at 1
    return J


@wrong("batch_axis_misplaced")
def batch_last(W, b, x):
    return np.einsum("b,ij->ijb", np.ones(len(x)), np.eye(len(b)))   # (n, n, B)


@wrong("extra_unit_axis")
def extra_unit_axis(W, b, x):
    n = len(b)
    return np.tile(np.eye(n), (len(x), 1, 1, 1))   # (B, 1, n, n)


@wrong("reshaped_not_transposed")
def reshaped_from_batch_last(W, b, x):
    B, n = len(x), len(b)
    J = np.repeat(np.eye(n)[:, :, None], B, axis=2)   # (n, n, B)
    return J.reshape(B, n, n)                         # reshaped, not transposed


@wrong("function_instead_of_derivative")
def diag_of_z(W, b, x):
    z = x @ W.T + b
    return np.einsum("bi,ij->bij", z, np.eye(len(b)))   # z on the diagonal


@wrong("hardcoded_sizes")
def hardcoded_output_dim(W, b, x):
    return np.tile(np.eye(10), (len(x), 1, 1))


@wrong("hardcoded_sizes")
def hardcoded_batch(W, b, x):
    n = W.shape[0]
    return np.broadcast_to(np.eye(n), (256, n, n))


# Written with the diagnosis of a derivative taken with respect to another argument.
@wrong("jacobian_wrt_other_argument")
def jacobian_wrt_weights(W, b, x):
    n, m = W.shape
    J = np.zeros((len(x), n, n, m))
    for i in range(n):
        J[:, i, i, :] = x          # dz_i / dW_ik = x_k
    return J


# --- predictions of the Jacobian's shape ---------------------------------------------------------


@right_prediction
def predicted_tuple(B, output_dim, input_dim):
    return (B, output_dim, output_dim)


@right_prediction
def predicted_list(B, output_dim, input_dim):
    return [B, output_dim, output_dim]


@right_prediction
def predicted_from_parts(B, output_dim, input_dim):
    z_shape = (output_dim,)
    b_shape = (output_dim,)    # the bias has one entry per output
    return (B,) + z_shape + b_shape


@right_prediction
def predicted_repeat(B, output_dim, input_dim):
    return (B,) + 2 * (output_dim,)


@wrong_prediction("elementwise_instead_of_diagonal")
def predicted_elementwise(B, output_dim, input_dim):
    return (B, output_dim)


@wrong_prediction("missing_batch_axis")
def predicted_no_batch(B, output_dim, input_dim):
    return (output_dim, output_dim)


@wrong_prediction("jacobian_wrt_other_argument")
def predicted_like_dz_dx(B, output_dim, input_dim):
    return (B, output_dim, input_dim)


@wrong_prediction("extra_unit_axis")
def predicted_unit_axis(B, output_dim, input_dim):
    return (B, 1, output_dim, output_dim)


@wrong_prediction("hardcoded_sizes")
def predicted_hardcoded(B, output_dim, input_dim):
    return (B, 10, 10)
