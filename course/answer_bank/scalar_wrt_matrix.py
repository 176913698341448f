"""Case 4, `scalar_wrt_matrix`: ``dloss_dW(y, W, x)`` with y (B, n), W (n, m), x (B, m).

L = mean_b 1/2 ||y_b - W x_b||^2 (one number, output shape (1,)), so the Jacobian has shape
(1, n, m) and J[0, i, k] = mean_b (W x_b - y_b)_i x[b, k].
"""

from ._core import make_answers

CASE = "scalar_wrt_matrix"

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

RIGHT = [
    (
        "document_chain_rule",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
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
        """,
    ),
    (
        "general_chain_rule_contraction",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            n = W.shape[0]
            r = x @ W.T - y                                        # (B, n)
            dL_dyhat = r[:, None, :]                               # (B, 1, n)
            dyhat_dW = np.eye(n)[None, :, :, None] * x[:, None, None, :]  # (B, n, n, m)
            per_example = np.einsum("bij,bjkl->bikl", dL_dyhat, dyhat_dW)  # (B, 1, n, m)
            return per_example.mean(axis=0)                        # (1, n, m)
        """,
    ),
    (
        "einsum_direct",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = np.einsum("ij,bj->bi", W, x) - y
            return np.einsum("bi,bk->ik", r, x)[None] / x.shape[0]
        """,
    ),
    (
        "matmul_newaxis",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            residual = x @ W.T - y
            grad = residual.T @ x / len(x)
            return grad[np.newaxis, :, :]
        """,
    ),
    (
        "column_convention_matmul",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            # columns are examples: Y = W X
            X, Y = x.T, y.T
            B = X.shape[1]
            return ((W @ X - Y) @ X.T / B)[None]
        """,
    ),
    (
        "sum_then_divide",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            B = y.shape[0]
            r = x @ W.T - y
            total = np.sum(r[:, :, None] * x[:, None, :], axis=0, keepdims=True)
            return total / B
        """,
    ),
    (
        "np_average",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = -(y - x @ W.T)
            outer = r[:, :, None] * x[:, None, :]       # (B, n, m)
            return np.expand_dims(np.average(outer, axis=0), 0)
        """,
    ),
    (
        "mean_of_outer_products",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            grads = [np.outer(W @ x_b - y_b, x_b) for x_b, y_b in zip(x, y)]
            return np.mean(grads, axis=0, keepdims=True)
        """,
    ),
    (
        "python_loops",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
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
        """,
    ),
    (
        "reshape",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            n, m = W.shape
            g = (x @ W.T - y).T @ x / x.shape[0]
            return g.reshape(1, n, m)
        """,
    ),
    (
        "tensordot",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = np.dot(x, W.T) - y
            return np.tensordot(r, x, axes=([0], [0]))[None, ...] / len(y)
        """,
    ),
    (
        "float32",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            y, W, x = (a.astype(np.float32) for a in (y, W, x))
            r = x @ W.T - y
            return (r.T @ x / np.float32(len(x)))[None]
        """,
    ),
    (
        "transposes_cancel",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = x @ W.T - y
            gT = x.T @ r / x.shape[0]      # (m, n)
            return gT.T[None]
        """,
    ),
    (
        "nested_list",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            B = len(x)
            r = (x @ W.T - y).tolist()
            xs = x.tolist()
            n, m = W.shape
            return [[[sum(r[b][i] * xs[b][k] for b in range(B)) / B for k in range(m)]
                     for i in range(n)]]
        """,
    ),
    (
        "per_example_einsum_mean",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = np.einsum("ij,bj->bi", W, x) - y
            return np.mean(np.einsum("bi,bk->bik", r, x), axis=0)[None, :, :]
        """,
    ),
    (
        "multiply_outer_stack",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            per = np.stack([np.multiply.outer(W @ xb - yb, xb) for xb, yb in zip(x, y)])
            return per.mean(axis=0, keepdims=True)
        """,
    ),
    (
        "chain_rule_with_expand_dims",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            output_dim, input_dim = W.shape
            dL_dyhat = np.expand_dims(-(y - x @ W.T), 1)                   # (B, 1, n)
            dyhat_dW = np.expand_dims(np.eye(output_dim), (0, 3)) * np.expand_dims(x, (1, 2))
            dL_dW = (dL_dyhat[:, :, :, None, None] * dyhat_dW[:, None]).sum(axis=2)  # (B, 1, n, m)
            return dL_dW.mean(axis=0)
        """,
    ),
    (
        "matmul_batched_then_mean",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = (x @ W.T - y)[:, :, None]       # (B, n, 1)
            per = r @ x[:, None, :]             # (B, n, m)
            return per.mean(axis=0)[None]
        """,
    ),
    (
        "sizes_from_len",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            B, output_dim, input_dim = len(x), len(W), len(W[0])
            J = np.zeros((1, output_dim, input_dim))
            for b in range(B):
                J[0] += np.outer(W @ x[b] - y[b], x[b])
            return J / B
        """,
    ),
    (
        "multi_dot",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            B = x.shape[0]
            return np.linalg.multi_dot([W, x.T, x])[None] / B - (y.T @ x)[None] / B
        """,
    ),
    (
        "expanded_single_einsums",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dW(y, W, x):
            B = len(x)
            quadratic = np.einsum("bj,ij,bk->ik", x, W, x)
            linear = np.einsum("bi,bk->ik", y, x)
            return ((quadratic - linear) / B)[None]
        """,
    ),
]

WRONG_LAYOUT = [
    (
        "reshaped_from_x_transposed_r",
        "fails_values",
        "reshaped_not_transposed",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = x @ W.T - y                       # (B, output_dim)
            G = x.T @ r / len(x)                  # (input_dim, output_dim): W's axes swapped
            return G.reshape(1, *W.shape)         # reshaped, not transposed
        """,
    ),
    (
        "last_example_of_a_loop",
        "fails_values",
        "single_example",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            for b in range(len(x)):
                r = W @ x[b] - y[b]
                grad = np.outer(r, x[b])          # overwritten each time: the last example
            return grad[None]
        """,
    ),
]

WRONG = [
    (
        "no_mean",
        "fails_shape",
        "per_example_instead_of_mean",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = x @ W.T - y
            return np.einsum("bi,bk->bik", r, x)   # (B, n, m)
        """,
    ),
    (
        "chain_rule_without_mean",
        "fails_shape",
        "per_example_instead_of_mean",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            n = W.shape[0]
            dL_dyhat = (x @ W.T - y)[:, None, :]
            dyhat_dW = np.einsum("ij,bk->bijk", np.eye(n), x)
            return np.einsum("bij,bjkl->bikl", dL_dyhat, dyhat_dW)  # (B, 1, n, m)
        """,
    ),
    (
        "mean_keepdims_on_four_axes",
        "fails_shape",
        "extra_unit_axis",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            n = W.shape[0]
            dL_dyhat = (x @ W.T - y)[:, None, :]
            dyhat_dW = np.einsum("ij,bk->bijk", np.eye(n), x)
            per = np.einsum("bij,bjkl->bikl", dL_dyhat, dyhat_dW)
            return per.mean(axis=0, keepdims=True)   # (1, 1, n, m)
        """,
    ),
    (
        "plain_gradient_matrix",
        "fails_shape",
        "gradient_instead_of_jacobian",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            return (x @ W.T - y).T @ x / len(x)   # (n, m), like W
        """,
    ),
    (
        "summed_document_loss",
        "fails_shape",
        "gradient_instead_of_jacobian",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            # gradient of the summed loss 0.5 * sum_b ||y_b - W x_b||^2
            return -(y - x @ W.T).T @ x
        """,
    ),
    (
        "x_transpose_r",
        "fails_shape",
        "transposed_axes",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = x @ W.T - y
            return (x.T @ r / len(x))[None]   # (1, m, n)
        """,
    ),
    (
        "unit_axis_last",
        "fails_shape",
        "transposed_axes",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = x @ W.T - y
            return (r.T @ x / len(x))[:, :, None]   # (n, m, 1)
        """,
    ),
    (
        "batch_kept_behind_unit_axis",
        "fails_shape",
        "unexpected_batch_axis",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = x @ W.T - y
            return np.einsum("bi,bk->bik", r, x)[None] / len(x)   # (1, B, n, m)
        """,
    ),
    (
        "document_wrong_subscripts",
        "fails_shape",
        "other",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            n = W.shape[0]
            diff = y - np.einsum("rc,bc->br", W, x)
            dloss_dyhat = -np.einsum("i,bj->bij", np.ones(1), diff)
            dyhat_dW = np.einsum("ij,bk->bijk", np.eye(n), x)
            return np.mean(np.einsum("bij,bjjk->bik", dloss_dyhat, dyhat_dW), axis=0, keepdims=True)
        """,
    ),
    (
        "residual_y_minus_yhat",
        "fails_values",
        "sign_flipped",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = y - x @ W.T
            return (r.T @ x / len(x))[None]
        """,
    ),
    (
        "sum_instead_of_mean",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = x @ W.T - y
            return np.einsum("bi,bk->ik", r, x)[None]
        """,
    ),
    (
        "forgot_one_half",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = x @ W.T - y
            return (2 * r.T @ x / len(x))[None]
        """,
    ),
    (
        "mean_over_outputs_too",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            # loss = 1/2 * mean over batch AND outputs of squared errors
            r = x @ W.T - y
            return (r.T @ x / r.size)[None]
        """,
    ),
    (
        "zeros",
        "fails_values",
        "all_zeros",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            return np.zeros((1,) + W.shape)
        """,
    ),
    (
        "first_example_only",
        "fails_values",
        "single_example",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            return np.outer(W @ x[0] - y[0], x[0])[None]
        """,
    ),
    (
        "off_by_one_loop",
        "fails_values",
        "some_examples_wrong",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            B = len(x)
            J = np.zeros((1,) + W.shape)
            for b in range(B - 1):
                J[0] += np.outer(W @ x[b] - y[b], x[b])
            return J / B
        """,
    ),
    (
        "x_reversed",
        "fails_values",
        "batch_permuted",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = x @ W.T - y
            return (r.T @ x[::-1] / len(x))[None]
        """,
    ),
    (
        "forgot_x_factor",
        "fails_values",
        "other",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = x @ W.T - y
            return np.broadcast_to(r.mean(axis=0)[:, None], W.shape)[None]
        """,
    ),
    (
        "hardcoded_batch_256",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            r = x @ W.T - y
            return (r.T @ x / 256)[None]
        """,
    ),
    (
        "document_hardcoded_output_dim",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            output_dim = 10
            diff = y - np.einsum("rc,bc->br", W, x)
            dloss_dyhat = -np.einsum("i,bj->bij", np.ones(1), diff)
            dyhat_dW = np.einsum("ij,bk->bijk", np.eye(output_dim), x)
            return np.mean(
                np.einsum("bij,bjjk->bjk", dloss_dyhat, dyhat_dW), axis=0, keepdims=True
            )
        """,
    ),
    (
        "divided_by_b_minus_one",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def dloss_dW(y, W, x):
            B = len(x)
            r = x @ W.T - y
            return (r.T @ x / (B - 1))[None]   # "unbiased" mean
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
            return (1, output_dim, input_dim)
        """,
    ),
    (
        "list",
        "pass",
        None,
        """
        def jacobian_shape(B, output_dim, input_dim):
            return [1, output_dim, input_dim]
        """,
    ),
    (
        "from_parts",
        "pass",
        None,
        """
        def jacobian_shape(B, output_dim, input_dim):
            loss_shape = (1,)            # averaged over the batch: no batch axis
            W_shape = (output_dim, input_dim)
            return loss_shape + W_shape
        """,
    ),
    (
        "ints",
        "pass",
        None,
        """
        def jacobian_shape(B, output_dim, input_dim):
            return tuple(int(s) for s in (1, output_dim, input_dim))
        """,
    ),
    (
        "per_example",
        "fails_shape",
        "per_example_instead_of_mean",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, output_dim, input_dim)
        """,
    ),
    (
        "per_example_with_unit",
        "fails_shape",
        "per_example_instead_of_mean",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (B, 1, output_dim, input_dim)
        """,
    ),
    (
        "like_W",
        "fails_shape",
        "gradient_instead_of_jacobian",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (output_dim, input_dim)
        """,
    ),
    (
        "transposed",
        "fails_shape",
        "transposed_axes",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (1, input_dim, output_dim)
        """,
    ),
    (
        "two_unit_axes",
        "fails_shape",
        "extra_unit_axis",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (1, 1, output_dim, input_dim)
        """,
    ),
    (
        "hardcoded",
        "fails_hidden",
        "hardcoded_sizes",
        """
        def jacobian_shape(B, output_dim, input_dim):
            return (1, 10, 20)
        """,
    ),
]

ANSWERS = make_answers(CASE, RIGHT + WRONG + WRONG_LAYOUT)
PREDICTED_SHAPES = make_answers(CASE, SHAPES)
