"""Case 3, `vector_wrt_matrix`: ``dyhat_dW(W, x)`` with W (n, m) and x (B, m), yhat_b = W x_b.

The Jacobian has shape (B, n, n, m) and J[b, i, j, k] = delta_ij * x[b, k].  It is symmetric in
its two output-sized axes (i, j), so swapping them is *not* a mistake.
"""

from ._core import make_answers

CASE = "vector_wrt_matrix"

APPLICABLE_MISTAKES = frozenset(
    {
        "missing_batch_axis",
        "batch_axis_misplaced",
        "transposed_axes",
        "extra_unit_axis",
        "elementwise_instead_of_diagonal",
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
        "reshaped_not_transposed",
        "other",
    }
)

RIGHT = [
    (
        "document_einsum",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            output_dim = W.shape[0]
            dyhat_dW = np.einsum(
              "ij,bk->bijk",
              np.eye(output_dim),
              x)  # Shape: (B, output_dim, output_dim, input_dim)
            return dyhat_dW
        """,
    ),
    (
        "einsum_other_letters",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            return np.einsum("bq,op->bopq", x, np.eye(len(W)))
        """,
    ),
    (
        "eye_broadcast_none",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            n = W.shape[0]
            return np.eye(n)[None, :, :, None] * x[:, None, None, :]
        """,
    ),
    (
        "eye_broadcast_newaxis",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            I = np.eye(W.shape[0])
            return I[np.newaxis, :, :, np.newaxis] * x[:, np.newaxis, np.newaxis, :]
        """,
    ),
    (
        "expand_dims",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            eye = np.expand_dims(np.eye(W.shape[0]), axis=(0, 3))   # (1, n, n, 1)
            xs = np.expand_dims(x, axis=(1, 2))                      # (B, 1, 1, m)
            return eye * xs
        """,
    ),
    (
        "reshape",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            n, m = W.shape
            B = x.shape[0]
            return np.eye(n).reshape(1, n, n, 1) * x.reshape(B, 1, 1, m)
        """,
    ),
    (
        "loops_every_index",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            B, input_dim = x.shape
            output_dim = W.shape[0]
            J = np.zeros((B, output_dim, output_dim, input_dim))
            for b in range(B):
                for i in range(output_dim):
                    for j in range(output_dim):
                        if i != j:
                            continue
                        for k in range(input_dim):
                            J[b, i, j, k] = x[b, k]
            return J
        """,
    ),
    (
        "loop_over_rows",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            n, m = W.shape
            J = np.zeros((x.shape[0], n, n, m))
            for i in range(n):
                J[:, i, i, :] = x   # yhat_i only depends on row i of W
            return J
        """,
    ),
    (
        "kron_per_example",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            n, m = W.shape
            J = np.empty((x.shape[0], n, n, m))
            for b in range(x.shape[0]):
                J[b] = np.kron(np.eye(n), x[b]).reshape(n, n, m)
            return J
        """,
    ),
    (
        "kron_batched",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            n, m = W.shape
            B = len(x)
            return np.kron(np.eye(n), x[:, None, :]).reshape(B, n, n, m)
        """,
    ),
    (
        "multiply_outer_transpose",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            J = np.multiply.outer(x, np.eye(W.shape[0]))   # (B, m, n, n)
            return J.transpose(0, 2, 3, 1)                  # (B, n, n, m)
        """,
    ),
    (
        "tensordot_moveaxis",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            J = np.tensordot(x, np.eye(W.shape[0]), axes=0)  # (B, m, n, n)
            return np.moveaxis(J, 1, -1)
        """,
    ),
    (
        "stack_per_example",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            I = np.eye(W.shape[0])
            return np.stack([I[:, :, None] * xb[None, None, :] for xb in x])
        """,
    ),
    (
        "einsum_diagonal_write",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            n, m = W.shape
            J = np.zeros((x.shape[0], n, n, m))
            np.einsum("biik->bik", J)[...] = x[:, None, :]
            return J
        """,
    ),
    (
        "float32",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            x32 = x.astype(np.float32)
            I = np.eye(W.shape[0], dtype=np.float32)
            return np.einsum("ij,bk->bijk", I, x32)
        """,
    ),
    (
        "nested_list",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            n, m = W.shape
            return [
                [[[xb[k] if i == j else 0.0 for k in range(m)] for j in range(n)] for i in range(n)]
                for xb in x.tolist()
            ]
        """,
    ),
    (
        "index_calculus",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            # yhat_i = sum_j W_ij x_j  =>  d yhat_i / d W_pq = sum_j delta_ip delta_jq x_j
            n, m = W.shape
            return np.einsum("ip,jq,bj->bipq", np.eye(n), np.eye(m), x)
        """,
    ),
    (
        "swapped_symmetric_axes",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            # axes 1 and 2 written the other way round: fine, delta_ij is symmetric
            return np.einsum("ij,bk->bjik", np.eye(W.shape[0]), x)
        """,
    ),
    (
        "matmul_broadcast",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            I = np.eye(W.shape[0])[None, :, :, None]     # (1, n, n, 1)
            return I @ x[:, None, None, :]                # (B, n, n, m)
        """,
    ),
    (
        "tile",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            n = W.shape[0]
            tiled = np.tile(x[:, None, None, :], (1, n, n, 1))
            return tiled * np.identity(n)[:, :, None]
        """,
    ),
    (
        "debug_print",
        "pass",
        None,
        """
        import numpy as np

        def dyhat_dW(W, x):
            print("W", W.shape, "x", x.shape)
            J = np.einsum("ij,bk->bijk", np.eye(W.shape[0]), x)
            print("J", J.shape)
            return J
        """,
    ),
]

WRONG = [
    (
        "document_hardcoded_output_dim",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def dyhat_dW(W, x):
            output_dim = 10
            dyhat_dW = np.einsum(
              "ij,bk->bijk",
              np.eye(output_dim),
              x)  # Shape: (B, output_dim, output_dim, input_dim)
            return dyhat_dW
        """,
    ),
    (
        "hardcoded_zeros",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def dyhat_dW(W, x):
            J = np.zeros((256, 10, 10, 20))
            for i in range(10):
                J[:, i, i, :] = x
            return J
        """,
    ),
    (
        "dropped_delta_axis",
        "fails_shape",
        "elementwise_instead_of_diagonal",
        """
        import numpy as np

        def dyhat_dW(W, x):
            # d yhat_i / d W_ik = x_k
            B, m = x.shape
            return np.broadcast_to(x[:, None, :], (B, W.shape[0], m))
        """,
    ),
    (
        "averaged_over_batch",
        "fails_shape",
        "missing_batch_axis",
        """
        import numpy as np

        def dyhat_dW(W, x):
            return np.einsum("ij,k->ijk", np.eye(W.shape[0]), x.mean(axis=0))
        """,
    ),
    (
        "first_example_only",
        "fails_shape",
        "missing_batch_axis",
        """
        import numpy as np

        def dyhat_dW(W, x):
            return np.einsum("ij,k->ijk", np.eye(W.shape[0]), x[0])
        """,
    ),
    (
        "input_axes_swapped",
        "fails_shape",
        "transposed_axes",
        """
        import numpy as np

        def dyhat_dW(W, x):
            return np.einsum("ij,bk->bikj", np.eye(W.shape[0]), x)  # (B, n, m, n)
        """,
    ),
    (
        "multiply_outer_no_transpose",
        "fails_shape",
        "transposed_axes",
        """
        import numpy as np

        def dyhat_dW(W, x):
            return np.multiply.outer(x, np.eye(W.shape[0]))  # (B, m, n, n)
        """,
    ),
    (
        "batch_last",
        "fails_shape",
        "batch_axis_misplaced",
        """
        import numpy as np

        def dyhat_dW(W, x):
            return np.einsum("ij,bk->ijkb", np.eye(W.shape[0]), x)
        """,
    ),
    (
        "yhat_as_column",
        "fails_shape",
        "extra_unit_axis",
        """
        import numpy as np

        def dyhat_dW(W, x):
            # yhat = W @ x is an (n, 1) column vector
            n = W.shape[0]
            return np.einsum("ij,bk->bijk", np.eye(n), x)[:, :, None, :, :]
        """,
    ),
    (
        "returned_yhat",
        "fails_shape",
        "function_instead_of_derivative",
        """
        import numpy as np

        def dyhat_dW(W, x):
            return x @ W.T
        """,
    ),
    (
        "ones_instead_of_eye",
        "fails_values",
        "diagonal_only",
        """
        import numpy as np

        def dyhat_dW(W, x):
            n = W.shape[0]
            return np.einsum("ij,bk->bijk", np.ones((n, n)), x)
        """,
    ),
    (
        "diagonal_filled_with_x_i",
        "fails_values",
        "off_diagonal_only",
        """
        import numpy as np

        def dyhat_dW(W, x):
            n, m = W.shape
            J = np.zeros((x.shape[0], n, n, m))
            for i in range(n):
                J[:, i, i, :] = x[:, i:i + 1]
            return J
        """,
    ),
    (
        "eye_without_x",
        "fails_values",
        "identity",
        """
        import numpy as np

        def dyhat_dW(W, x):
            n, m = W.shape
            return np.broadcast_to(np.eye(n)[None, :, :, None], (x.shape[0], n, n, m))
        """,
    ),
    (
        "zeros",
        "fails_values",
        "all_zeros",
        """
        import numpy as np

        def dyhat_dW(W, x):
            n, m = W.shape
            return np.zeros((len(x), n, n, m))
        """,
    ),
    (
        "negated",
        "fails_values",
        "sign_flipped",
        """
        import numpy as np

        def dyhat_dW(W, x):
            return -np.einsum("ij,bk->bijk", np.eye(W.shape[0]), x)
        """,
    ),
    (
        "divided_by_batch",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def dyhat_dW(W, x):
            return np.einsum("ij,bk->bijk", np.eye(W.shape[0]), x) / len(x)
        """,
    ),
    (
        "first_example_broadcast",
        "fails_values",
        "some_examples_wrong",
        """
        import numpy as np

        def dyhat_dW(W, x):
            n, m = W.shape
            J0 = np.einsum("ij,k->ijk", np.eye(n), x[0])
            return np.broadcast_to(J0, (x.shape[0], n, n, m))
        """,
    ),
    (
        "reversed_batch",
        "fails_values",
        "batch_permuted",
        """
        import numpy as np

        def dyhat_dW(W, x):
            return np.einsum("ij,bk->bijk", np.eye(W.shape[0]), x[::-1])
        """,
    ),
    (
        "used_w_instead_of_x",
        "fails_values",
        "off_diagonal_only",
        """
        import numpy as np

        def dyhat_dW(W, x):
            n, m = W.shape
            J = np.einsum("ij,jk->ijk", np.eye(n), W)
            return np.broadcast_to(J, (x.shape[0], n, n, m))
        """,
    ),
    (
        "reshape_instead_of_transpose",
        "fails_values",
        "reshaped_not_transposed",
        """
        import numpy as np

        def dyhat_dW(W, x):
            n, m = W.shape
            J = np.multiply.outer(x, np.eye(n))   # (B, m, n, n)
            return J.reshape(len(x), n, n, m)
        """,
    ),
    (
        "forgot_return",
        "fails_shape",
        "other",
        """
        import numpy as np

        def dyhat_dW(W, x):
            dyhat_dW = np.einsum("ij,bk->bijk", np.eye(W.shape[0]), x)
        """,
    ),
    (
        "loop_misses_last_row",
        "fails_values",
        "off_diagonal_only",
        """
        import numpy as np

        def dyhat_dW(W, x):
            n, m = W.shape
            J = np.zeros((len(x), n, n, m))
            for i in range(n - 1):
                J[:, i, i, :] = x
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
            return (B, output_dim, output_dim, input_dim)
        """,
    ),
    (
        "list",
        "pass",
        None,
        """
        def jacobian_shape(B, output_dim, input_dim):
            return [B, output_dim, output_dim, input_dim]
        """,
    ),
    (
        "from_parts",
        "pass",
        None,
        """
        def jacobian_shape(B, output_dim, input_dim):
            yhat_shape = (output_dim,)
            W_shape = (output_dim, input_dim)
            return (B, *yhat_shape, *W_shape)
        """,
    ),
    (
        "tuple_of_list",
        "pass",
        None,
        """
        def jacobian_shape(B, output_dim, input_dim):
            return tuple([B] + [output_dim] * 2 + [input_dim])
        """,
    ),
    (
        "no_delta_axis",
        "fails_shape",
        "elementwise_instead_of_diagonal",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, output_dim, input_dim)
        """,
    ),
    (
        "no_batch",
        "fails_shape",
        "missing_batch_axis",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (output_dim, output_dim, input_dim)
        """,
    ),
    (
        "w_transposed",
        "fails_shape",
        "transposed_axes",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, output_dim, input_dim, output_dim)
        """,
    ),
    (
        "input_first",
        "fails_shape",
        "transposed_axes",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, input_dim, output_dim, output_dim)
        """,
    ),
    (
        "hardcoded_output_dim",
        "fails_hidden",
        "hardcoded_sizes",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, 10, 10, input_dim)
        """,
    ),
]

ANSWERS = make_answers(CASE, RIGHT + WRONG)
PREDICTED_SHAPES = make_answers(CASE, SHAPES)
