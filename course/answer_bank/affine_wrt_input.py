"""Assignment `backprop`, case 3, `affine_wrt_input`: ``dz_dx(W, b, x)`` with z_b = W x_b + b.

W (n, m), b (n,), x (B, m). The Jacobian has shape (B, n, m) and J[b, i, j] = W[i, j]: the
same matrix for every example, whatever x and b are. The notebook's and every hidden run's
sizes have n != m, so ``W.T`` always has the wrong shape, and no wrong answer can be a pure
transpose of the right values.
"""

from ._core import make_answers

CASE = "affine_wrt_input"

APPLICABLE_MISTAKES = frozenset(
    {
        "missing_batch_axis",
        "batch_axis_misplaced",
        "transposed_axes",
        "extra_unit_axis",
        "unexpected_batch_axis",
        "jacobian_wrt_other_argument",
        "sign_flipped",
        "scaled",
        "reshaped_not_transposed",
        "function_instead_of_derivative",
        "all_zeros",
        "identity",
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

        def dz_dx(W, b, x):
            B = x.shape[0]
            return np.einsum("b,ij->bij", np.ones(B), W)
        """,
    ),
    (
        "einsum_with_eye",
        "pass",
        None,
        """
        import numpy as np

        def dz_dx(W, b, x):
            # chain: z = W x, dx/dx = I, so dz/dx = W @ I for each example
            B, m = x.shape
            return np.einsum("b,ik,kj->bij", np.ones(B), W, np.eye(m))
        """,
    ),
    (
        "einsum_ones_like_x",
        "pass",
        None,
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.einsum("bk,ij->bij", np.ones_like(x[:, :1]), W)
        """,
    ),
    (
        "broadcast_to",
        "pass",
        None,
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.broadcast_to(W, (x.shape[0],) + W.shape)
        """,
    ),
    (
        "tile",
        "pass",
        None,
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.tile(W, (len(x), 1, 1))
        """,
    ),
    (
        "repeat_newaxis",
        "pass",
        None,
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.repeat(W[np.newaxis, :, :], x.shape[0], axis=0)
        """,
    ),
    (
        "ones_times_w",
        "pass",
        None,
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.ones((x.shape[0], 1, 1)) * W
        """,
    ),
    (
        "zeros_plus_w",
        "pass",
        None,
        """
        import numpy as np

        def dz_dx(W, b, x):
            n, m = W.shape
            J = np.zeros((len(x), n, m))
            J += W            # broadcast over the batch axis
            return J
        """,
    ),
    (
        "stack_copies",
        "pass",
        None,
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.stack([W.copy() for _ in x])
        """,
    ),
    (
        "python_loops",
        "pass",
        None,
        """
        import numpy as np

        def dz_dx(W, b, x):
            B, input_dim = x.shape
            output_dim = len(b)
            J = np.zeros((B, output_dim, input_dim))
            for k in range(B):
                for i in range(output_dim):
                    for j in range(input_dim):
                        J[k, i, j] = W[i, j]     # dz_i / dx_j = W_ij
            return J
        """,
    ),
    (
        "nested_list",
        "pass",
        None,
        """
        def dz_dx(W, b, x):
            rows = W.tolist()
            return [[list(row) for row in rows] for _ in range(len(x))]
        """,
    ),
    (
        "kron",
        "pass",
        None,
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.kron(np.ones((x.shape[0], 1, 1)), W)
        """,
    ),
    (
        "apply_along_axis",
        "pass",
        None,
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.apply_along_axis(lambda x_b: W, 1, x)   # one W per example
        """,
    ),
    (
        "transpose_of_transposed",
        "pass",
        None,
        """
        import numpy as np

        def dz_dx(W, b, x):
            per_example_T = np.einsum("b,ji->bji", np.ones(len(x)), W.T)   # (B, m, n)
            return per_example_T.transpose(0, 2, 1)
        """,
    ),
    (
        "moveaxis_from_batch_last",
        "pass",
        None,
        """
        import numpy as np

        def dz_dx(W, b, x):
            J = np.repeat(W[:, :, None], x.shape[0], axis=2)   # (n, m, B)
            return np.moveaxis(J, 2, 0)
        """,
    ),
    (
        "float32",
        "pass",
        None,
        """
        import numpy as np

        def dz_dx(W, b, x):
            W32 = W.astype(np.float32)
            return np.einsum("b,ij->bij", np.ones(x.shape[0], dtype=np.float32), W32)
        """,
    ),
    (
        "unit_step_differences",
        "pass",
        None,
        """
        import numpy as np

        def dz_dx(W, b, x):
            # z is affine in x: a difference quotient with any step is exact (up to rounding)
            W, b, x = (np.asarray(v, dtype=np.float64) for v in (W, b, x))
            z = lambda v: v @ W.T + b  # noqa: E731
            m = x.shape[1]
            columns = [(z(x + np.eye(m)[j]) - z(x - np.eye(m)[j])) / 2 for j in range(m)]
            return np.stack(columns, axis=-1)     # (B, n, m)
        """,
    ),
    (
        "lambda_assignment",
        "pass",
        None,
        """
        import numpy as np

        dz_dx = lambda W, b, x: np.broadcast_to(W[None], (len(x), *W.shape)).copy()  # noqa: E731
        """,
    ),
]

WRONG = [
    (
        "w_transposed_per_example",
        "fails_shape",
        "transposed_axes",
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.einsum("b,ij->bji", np.ones(len(x)), W)   # (B, m, n)
        """,
    ),
    (
        "w_alone",
        "fails_shape",
        "missing_batch_axis",
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.array(W)     # (n, m): the same for every example, so no batch axis
        """,
    ),
    (
        "w_transposed_alone",
        "fails_shape",
        "missing_batch_axis",
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.array(W).T   # "the gradient of W x is W^T"
        """,
    ),
    (
        "bias_included",
        "fails_values",
        "other",
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.einsum("b,ij->bij", np.ones(len(x)), W + b[:, None])
        """,
    ),
    (
        "x_as_jacobian",
        "fails_values",
        "other",
        """
        import numpy as np

        def dz_dx(W, b, x):
            # dz_i/dW_ij = x_j, confused with dz_i/dx_j
            return np.einsum("i,bj->bij", np.ones(W.shape[0]), x)
        """,
    ),
    (
        "w_times_x",
        "fails_values",
        "other",
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.einsum("ij,bj->bij", W, x)    # the terms of the sum, not their derivative
        """,
    ),
    (
        "function_value",
        "fails_shape",
        "function_instead_of_derivative",
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.einsum("ij,bj->bi", W, x) + b    # z itself, (B, n)
        """,
    ),
    (
        "rectangular_identity",
        "fails_values",
        "identity",
        """
        import numpy as np

        def dz_dx(W, b, x):
            n, m = W.shape
            return np.broadcast_to(np.eye(n, m), (len(x), n, m))   # "dx/dx = I"
        """,
    ),
    (
        "zeros",
        "fails_values",
        "all_zeros",
        """
        import numpy as np

        def dz_dx(W, b, x):
            # W and b are constants, so their derivative is zero
            return np.zeros((x.shape[0],) + W.shape)
        """,
    ),
    (
        "backward_difference_quotient",
        "fails_values",
        "sign_flipped",
        """
        import numpy as np

        def dz_dx(W, b, x):
            x = np.asarray(x, dtype=np.float64)
            m = x.shape[1]
            z = lambda v: v @ W.T + b  # noqa: E731
            columns = [z(x) - z(x + np.eye(m)[j]) for j in range(m)]   # z(x) - z(x + e_j)
            return np.stack(columns, axis=-1)
        """,
    ),
    (
        "divided_by_batch",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def dz_dx(W, b, x):
            B = x.shape[0]
            return np.einsum("b,ij->bij", np.ones(B), W) / B    # an average where none belongs
        """,
    ),
    (
        "reshaped_from_w_transposed",
        "fails_values",
        "reshaped_not_transposed",
        """
        import numpy as np

        def dz_dx(W, b, x):
            n, m = W.shape
            J = np.einsum("b,ji->bji", np.ones(len(x)), W.T)   # (B, m, n)
            return J.reshape(len(x), n, m)                      # reshaped, not transposed
        """,
    ),
    (
        "loop_misses_last_example",
        "fails_values",
        "some_examples_wrong",
        """
        import numpy as np

        def dz_dx(W, b, x):
            B = len(x)
            J = np.zeros((B,) + W.shape)
            for k in range(B - 1):
                J[k] = W
            return J
        """,
    ),
    (
        "full_batched_jacobian",
        "fails_shape",
        "unexpected_batch_axis",
        """
        import numpy as np

        def dz_dx(W, b, x):
            B = x.shape[0]
            return np.einsum("bc,ij->bicj", np.eye(B), W)   # z (B, n) w.r.t. x (B, m)
        """,
    ),
    (
        "batch_last",
        "fails_shape",
        "batch_axis_misplaced",
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.repeat(W[:, :, None], x.shape[0], axis=2)   # (n, m, B)
        """,
    ),
    (
        "extra_unit_axis",
        "fails_shape",
        "extra_unit_axis",
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.einsum("bk,ij->bkij", np.ones((len(x), 1)), W)   # (B, 1, n, m)
        """,
    ),
    (
        "hardcoded_batch",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.tile(W, (256, 1, 1))
        """,
    ),
    (
        "hardcoded_reshape",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def dz_dx(W, b, x):
            B = len(x)
            return np.tile(W, (B, 1)).reshape(B, 10, 20)   # the notebook's sizes typed in
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

        def dz_dx(W, b, x):
            # dz_i / dW_jk = delta_ij x_k: the weights' Jacobian, not the input's
            return np.einsum("ij,bk->bijk", np.eye(W.shape[0]), x)
        """,
    ),
    (
        "jacobian_wrt_bias",
        "fails_shape",
        "jacobian_wrt_other_argument",
        """
        import numpy as np

        def dz_dx(W, b, x):
            return np.broadcast_to(np.eye(len(b)), (len(x), len(b), len(b)))
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
            return (B, output_dim, input_dim)
        """,
    ),
    (
        "list",
        "pass",
        None,
        """
        def jacobian_shape(B, output_dim, input_dim):
            return [B, output_dim, input_dim]
        """,
    ),
    (
        "from_parts",
        "pass",
        None,
        """
        def jacobian_shape(B, output_dim, input_dim):
            z_shape = (output_dim,)   # one example's output
            x_shape = (input_dim,)    # one example's input
            return (B,) + z_shape + x_shape
        """,
    ),
    (
        "like_w_per_example",
        "pass",
        None,
        """
        def jacobian_shape(B, output_dim, input_dim):
            W_shape = (output_dim, input_dim)
            return (B, *W_shape)
        """,
    ),
    (
        "transposed",
        "fails_shape",
        "transposed_axes",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, input_dim, output_dim)
        """,
    ),
    (
        "no_batch",
        "fails_shape",
        "missing_batch_axis",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (output_dim, input_dim)
        """,
    ),
    (
        "output_shape",
        "fails_shape",
        "function_instead_of_derivative",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, output_dim)
        """,
    ),
    (
        "full_batched",
        "fails_shape",
        "unexpected_batch_axis",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, output_dim, B, input_dim)
        """,
    ),
    (
        "unit_axis",
        "fails_shape",
        "extra_unit_axis",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, 1, output_dim, input_dim)
        """,
    ),
    (
        "hardcoded",
        "fails_hidden",
        "hardcoded_sizes",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, 10, 20)
        """,
    ),
]

SHAPES += [
    (
        "like_dz_dW",
        "fails_shape",
        "jacobian_wrt_other_argument",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, output_dim, output_dim, input_dim)
        """,
    ),
]

ANSWERS = make_answers(CASE, RIGHT + WRONG)
PREDICTED_SHAPES = make_answers(CASE, SHAPES)
