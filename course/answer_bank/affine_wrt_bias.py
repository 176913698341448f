"""Assignment `backprop`, case 4, `affine_wrt_bias`: ``dz_db(W, b, x)`` with z_b = W x_b + b.

W (n, m), b (n,), x (B, m). The Jacobian has shape (B, n, n) and J[b, i, j] = delta_ij: an
identity for every example, whatever W and x are. It is symmetric in its last two axes, so a
transpose of a right answer is right, and no wrong answer is a transposed right one; the right
answer is itself an identity pattern, so `identity` is no mistake here.
"""

from ._core import make_answers

CASE = "affine_wrt_bias"

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

RIGHT = [
    (
        "notebook_einsum",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            B, output_dim = x.shape[0], W.shape[0]
            return np.einsum("b,ij->bij", np.ones(B), np.eye(output_dim))
        """,
    ),
    (
        "tile",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            return np.tile(np.eye(len(b)), (len(x), 1, 1))
        """,
    ),
    (
        "broadcast_to",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            n = b.shape[0]
            return np.broadcast_to(np.identity(n), (x.shape[0], n, n))
        """,
    ),
    (
        "stack_copies",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            return np.stack([np.eye(b.size) for _ in range(x.shape[0])])
        """,
    ),
    (
        "repeat_newaxis",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            return np.repeat(np.eye(W.shape[0])[np.newaxis], len(x), axis=0)
        """,
    ),
    (
        "python_loops",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            B = x.shape[0]
            n = W.shape[0]
            J = np.zeros((B, n, n))
            for k in range(B):
                for i in range(n):
                    for j in range(n):
                        if i == j:
                            J[k, i, j] = 1.0
            return J
        """,
    ),
    (
        "nested_list",
        "pass",
        None,
        """
        def dz_db(W, b, x):
            n = len(b)
            one = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
            return [one for _ in range(len(x))]
        """,
    ),
    (
        "einsum_diagonal_write",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            n = len(b)
            J = np.zeros((len(x), n, n))
            np.einsum("bii->bi", J)[...] = 1.0
            return J
        """,
    ),
    (
        "strided_diagonal_write",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            B, n = x.shape[0], b.shape[0]
            J = np.zeros((B, n * n))
            J[:, :: n + 1] = 1
            return J.reshape(B, n, n)
        """,
    ),
    (
        "kron",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            return np.kron(np.ones((x.shape[0], 1, 1)), np.eye(W.shape[0]))
        """,
    ),
    (
        "apply_along_axis",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            z = x @ W.T + b                                       # (B, n)
            return np.apply_along_axis(lambda z_b: np.diag(np.ones_like(z_b)), 1, z)
        """,
    ),
    (
        "boolean_equality",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            idx = np.arange(len(b))
            same = idx[:, None] == idx[None, :]                  # True on the diagonal
            return np.broadcast_to(same, (len(x), len(b), len(b)))   # bools are 1 and 0
        """,
    ),
    (
        "integer_identity",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            return np.tile(np.eye(W.shape[0], dtype=int), (x.shape[0], 1, 1))
        """,
    ),
    (
        "float32",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            n = W.shape[0]
            return np.einsum("b,ij->bij", np.ones(len(x), np.float32), np.eye(n, dtype=np.float32))
        """,
    ),
    (
        "unit_step_difference",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            # z is affine in b: a forward difference with step 1 is exact (up to rounding)
            W, b, x = (np.asarray(v, dtype=np.float64) for v in (W, b, x))
            z = lambda bias: x @ W.T + bias  # noqa: E731
            n = len(b)
            return np.stack([z(b + np.eye(n)[j]) - z(b) for j in range(n)], axis=-1)
        """,
    ),
    (
        "moveaxis_from_batch_last",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            J = np.repeat(np.eye(len(b))[:, :, None], len(x), axis=2)   # (n, n, B)
            return np.moveaxis(J, -1, 0)
        """,
    ),
    (
        "diag_of_ones",
        "pass",
        None,
        """
        import numpy as np

        def dz_db(W, b, x):
            B, n = len(x), len(W)
            return np.ones((B, 1, 1)) * np.diag(np.ones(n))
        """,
    ),
    (
        "lambda_assignment",
        "pass",
        None,
        """
        import numpy as np

        dz_db = lambda W, b, x: np.eye(b.shape[0])[None].repeat(x.shape[0], axis=0)  # noqa: E731
        """,
    ),
]

WRONG = [
    (
        "ones_instead_of_identity",
        "fails_values",
        "diagonal_only",
        """
        import numpy as np

        def dz_db(W, b, x):
            n = len(b)
            return np.ones((len(x), n, n))     # "the derivative of + b is 1"
        """,
    ),
    (
        "ones_like_z",
        "fails_shape",
        "elementwise_instead_of_diagonal",
        """
        import numpy as np

        def dz_db(W, b, x):
            return np.ones((x.shape[0], b.shape[0]))   # (B, n)
        """,
    ),
    (
        "identity_without_batch",
        "fails_shape",
        "missing_batch_axis",
        """
        import numpy as np

        def dz_db(W, b, x):
            return np.eye(len(b))     # b is shared by the batch, so one identity
        """,
    ),
    (
        "summed_over_batch",
        "fails_shape",
        "missing_batch_axis",
        """
        import numpy as np

        def dz_db(W, b, x):
            B, n = len(x), len(b)
            return np.einsum("b,ij->ij", np.ones(B), np.eye(n))   # B * I, as a training step sums
        """,
    ),
    (
        "zeros",
        "fails_values",
        "all_zeros",
        """
        import numpy as np

        def dz_db(W, b, x):
            n = len(b)
            return np.zeros((len(x), n, n))     # "b is a constant"
        """,
    ),
    (
        "copied_input_jacobian",
        "fails_shape",
        "jacobian_wrt_other_argument",
        """
        import numpy as np

        def dz_db(W, b, x):
            return np.einsum("b,ij->bij", np.ones(len(x)), W)   # dz/dx's answer: (B, n, m)
        """,
    ),
    (
        "identity_of_input_size",
        "fails_shape",
        "other",
        """
        import numpy as np

        def dz_db(W, b, x):
            B, m = x.shape
            return np.tile(np.eye(m), (B, 1, 1))    # (B, m, m): the wrong size for b
        """,
    ),
    (
        "negative_identity",
        "fails_values",
        "sign_flipped",
        """
        import numpy as np

        def dz_db(W, b, x):
            # z = W x - b remembered: -I
            return -np.tile(np.eye(len(b)), (len(x), 1, 1))
        """,
    ),
    (
        "divided_by_batch",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def dz_db(W, b, x):
            B, n = len(x), len(b)
            return np.broadcast_to(np.eye(n) / B, (B, n, n))   # an average where none belongs
        """,
    ),
    (
        "loop_misses_last_example",
        "fails_values",
        "some_examples_wrong",
        """
        import numpy as np

        def dz_db(W, b, x):
            B, n = len(x), len(b)
            J = np.zeros((B, n, n))
            for k in range(1, B):
                J[k] = np.eye(n)      # the loop starts at 1
            return J
        """,
    ),
    (
        "batch_last",
        "fails_shape",
        "batch_axis_misplaced",
        """
        import numpy as np

        def dz_db(W, b, x):
            return np.einsum("b,ij->ijb", np.ones(len(x)), np.eye(len(b)))   # (n, n, B)
        """,
    ),
    (
        "extra_unit_axis",
        "fails_shape",
        "extra_unit_axis",
        """
        import numpy as np

        def dz_db(W, b, x):
            n = len(b)
            return np.tile(np.eye(n), (len(x), 1, 1, 1))   # (B, 1, n, n)
        """,
    ),
    (
        "reshaped_from_batch_last",
        "fails_values",
        "reshaped_not_transposed",
        """
        import numpy as np

        def dz_db(W, b, x):
            B, n = len(x), len(b)
            J = np.repeat(np.eye(n)[:, :, None], B, axis=2)   # (n, n, B)
            return J.reshape(B, n, n)                         # reshaped, not transposed
        """,
    ),
    (
        "diag_of_z",
        "fails_values",
        "function_instead_of_derivative",
        """
        import numpy as np

        def dz_db(W, b, x):
            z = x @ W.T + b
            return np.einsum("bi,ij->bij", z, np.eye(len(b)))   # z on the diagonal
        """,
    ),
    (
        "hardcoded_output_dim",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def dz_db(W, b, x):
            return np.tile(np.eye(10), (len(x), 1, 1))
        """,
    ),
    (
        "hardcoded_batch",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def dz_db(W, b, x):
            n = W.shape[0]
            return np.broadcast_to(np.eye(n), (256, n, n))
        """,
    ),
]

# Written with the diagnosis of a derivative taken with respect to another argument.
WRONG += [
    (
        "jacobian_wrt_weights",
        "fails_shape",
        "jacobian_wrt_other_argument",
        """
        import numpy as np

        def dz_db(W, b, x):
            n, m = W.shape
            J = np.zeros((len(x), n, n, m))
            for i in range(n):
                J[:, i, i, :] = x          # dz_i / dW_ik = x_k
            return J
        """,
    ),
]

SHAPES = [
    (
        "tuple",
        "pass",
        None,
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, output_dim, output_dim)
        """,
    ),
    (
        "list",
        "pass",
        None,
        """
        def jacobian_shape(B, output_dim, input_dim):
            return [B, output_dim, output_dim]
        """,
    ),
    (
        "from_parts",
        "pass",
        None,
        """
        def jacobian_shape(B, output_dim, input_dim):
            z_shape = (output_dim,)
            b_shape = (output_dim,)    # the bias has one entry per output
            return (B,) + z_shape + b_shape
        """,
    ),
    (
        "repeat",
        "pass",
        None,
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B,) + 2 * (output_dim,)
        """,
    ),
    (
        "elementwise",
        "fails_shape",
        "elementwise_instead_of_diagonal",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, output_dim)
        """,
    ),
    (
        "no_batch",
        "fails_shape",
        "missing_batch_axis",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (output_dim, output_dim)
        """,
    ),
    (
        "like_dz_dx",
        "fails_shape",
        "jacobian_wrt_other_argument",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, output_dim, input_dim)
        """,
    ),
    (
        "unit_axis",
        "fails_shape",
        "extra_unit_axis",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, 1, output_dim, output_dim)
        """,
    ),
    (
        "hardcoded",
        "fails_hidden",
        "hardcoded_sizes",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, 10, 10)
        """,
    ),
]

ANSWERS = make_answers(CASE, RIGHT + WRONG)
PREDICTED_SHAPES = make_answers(CASE, SHAPES)
