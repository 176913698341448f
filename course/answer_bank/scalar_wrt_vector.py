"""Case 2, `scalar_wrt_vector`: ``dloss_dyhat(y, yhat)`` with y, yhat of shape (B, D).

L_b = 1/2 ||y_b - yhat_b||^2 (output shape (1,) per example), so the Jacobian has shape
(B, 1, D) and J[b, 0, j] = yhat[b, j] - y[b, j].
"""

from ._core import make_answers

CASE = "scalar_wrt_vector"

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
        "function_instead_of_derivative",
        "all_zeros",
        "identity",
        "some_examples_wrong",
        "batch_permuted",
        "hardcoded_sizes",
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

        def dloss_dyhat(y, yhat):
            dloss_dyhat = -np.einsum(
              "i,bj->bij",
              np.ones(1),
              y - yhat)  # Shape: (B, 1, D)
            return dloss_dyhat
        """,
    ),
    (
        "einsum_other_letters",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.einsum("nd,o->nod", yhat - y, np.ones(1))
        """,
    ),
    (
        "newaxis",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return (yhat - y)[:, np.newaxis, :]
        """,
    ),
    (
        "none_index_short",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return (yhat - y)[:, None]
        """,
    ),
    (
        "expand_dims",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            grad = -(y - yhat)                     # (B, D)
            return np.expand_dims(grad, axis=1)    # (B, 1, D)
        """,
    ),
    (
        "reshape_from_shapes",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            B, D = yhat.shape
            return (yhat - y).reshape(B, 1, D)
        """,
    ),
    (
        "reshape_minus_one",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.reshape(yhat - y, (len(y), 1, -1))
        """,
    ),
    (
        "python_loops",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            B, D = y.shape
            J = np.zeros((B, 1, D))
            for b in range(B):
                for j in range(D):
                    J[b, 0, j] = yhat[b, j] - y[b, j]
            return J
        """,
    ),
    (
        "outer_per_example",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            B, D = y.shape
            J = np.empty((B, 1, D))
            for b in range(B):
                J[b] = np.outer(np.ones(1), yhat[b] - y[b])
            return J
        """,
    ),
    (
        "nested_list",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return [[[float(a - t) for a, t in zip(yhat_b, y_b)]] for y_b, yhat_b in zip(y, yhat)]
        """,
    ),
    (
        "float32",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return (yhat - y).astype(np.float32)[:, None, :]
        """,
    ),
    (
        "stack_per_example",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.stack([(yhat[b] - y[b])[None, :] for b in range(y.shape[0])])
        """,
    ),
    (
        "batched_matmul",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            B = y.shape[0]
            return np.ones((B, 1, 1)) @ (yhat - y)[:, None, :]
        """,
    ),
    (
        "chain_rule_minus_identity",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            D = y.shape[1]
            e = y - yhat                                   # (B, D)
            dL_de = e[:, None, :]                          # (B, 1, D)
            de_dyhat = -np.eye(D)                          # (D, D)
            return np.einsum("bij,jk->bik", dL_de, de_dyhat)
        """,
    ),
    (
        "tensordot_then_transpose",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            J = np.tensordot(np.ones(1), yhat - y, axes=0)  # (1, B, D)
            return J.transpose(1, 0, 2)
        """,
    ),
    (
        "swapaxes_of_column",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            column = (yhat - y)[:, :, None]      # (B, D, 1)
            return np.swapaxes(column, 1, 2)     # (B, 1, D)
        """,
    ),
    (
        "transposes_cancel",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            g = (yhat.T - y.T).T
            return g[:, None, :]
        """,
    ),
    (
        "multiply_outer_transpose",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.multiply.outer(yhat - y, np.ones(1)).transpose(0, 2, 1)
        """,
    ),
    (
        "kron_per_example",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.array([np.kron(np.ones((1, 1)), (yh - t)[None, :]) for t, yh in zip(y, yhat)])
        """,
    ),
    (
        "broadcast_to_readonly",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            B, D = y.shape
            return np.broadcast_to((yhat - y)[:, None, :], (B, 1, D))
        """,
    ),
    (
        "own_central_differences",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            # numerical Jacobian of L_b = 1/2 ||y_b - yhat_b||^2, one coordinate at a time
            def loss(yh):
                return 0.5 * np.sum((y - yh) ** 2, axis=1)
            B, D = yhat.shape
            J = np.zeros((B, 1, D))
            eps = 1e-5
            for j in range(D):
                step = np.zeros(D)
                step[j] = eps
                J[:, 0, j] = (loss(yhat + step) - loss(yhat - step)) / (2 * eps)
            return J
        """,
    ),
    (
        "keyword_only_extra_argument",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat, *, sign=-1.0):
            return sign * np.einsum("i,bj->bij", np.ones(1), y - yhat)
        """,
    ),
    (
        "in_place_on_input",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            np.subtract(yhat, y, out=yhat)   # overwrites the caller's yhat
            return yhat[:, None, :]
        """,
    ),
    (
        "list_of_arrays",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return [(yhat[b] - y[b])[np.newaxis, :] for b in range(len(y))]
        """,
    ),
]

WRONG = [
    (
        "gradient_vector",
        "fails_shape",
        "gradient_instead_of_jacobian",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return yhat - y  # the gradient, (B, D)
        """,
    ),
    (
        "column_instead_of_row",
        "fails_shape",
        "transposed_axes",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return (yhat - y)[:, :, None]  # (B, D, 1)
        """,
    ),
    (
        "einsum_wrong_output_order",
        "fails_shape",
        "transposed_axes",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return -np.einsum("i,bj->bji", np.ones(1), y - yhat)
        """,
    ),
    (
        "mean_over_batch",
        "fails_shape",
        "missing_batch_axis",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.mean(yhat - y, axis=0, keepdims=True)  # (1, D)
        """,
    ),
    (
        "batch_last",
        "fails_shape",
        "batch_axis_misplaced",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return -np.einsum("i,bj->ijb", np.ones(1), y - yhat)  # (1, D, B)
        """,
    ),
    (
        "two_unit_axes",
        "fails_shape",
        "extra_unit_axis",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return (yhat - y)[:, None, None, :]  # (B, 1, 1, D)
        """,
    ),
    (
        "loss_vector_wrt_batch",
        "fails_shape",
        "unexpected_batch_axis",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            # losses (B,) w.r.t. yhat (B, D): (B, B, D), zero off the batch diagonal
            return np.einsum("bc,cj->bcj", np.eye(len(y)), yhat - y)
        """,
    ),
    (
        "summed_over_components",
        "fails_shape",
        "other",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            # the loss is a scalar, so its derivative is a scalar per example
            return np.sum(yhat - y, axis=1, keepdims=True)[:, :, None]  # (B, 1, 1)
        """,
    ),
    (
        "forgot_minus",
        "fails_values",
        "sign_flipped",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.einsum("i,bj->bij", np.ones(1), y - yhat)
        """,
    ),
    (
        "forgot_one_half",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return 2 * (yhat - y)[:, None, :]
        """,
    ),
    (
        "mean_instead_of_sum_over_d",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            # loss = 1/2 * mean((y - yhat)**2)
            D = y.shape[1]
            return (yhat - y)[:, None, :] / D
        """,
    ),
    (
        "divided_by_batch",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return (yhat - y)[:, None, :] / y.shape[0]
        """,
    ),
    (
        "returned_the_loss",
        "fails_values",
        "function_instead_of_derivative",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return 0.5 * np.square(y - yhat)[:, None, :]
        """,
    ),
    (
        "zeros",
        "fails_values",
        "all_zeros",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            B, D = y.shape
            return np.zeros((B, 1, D))
        """,
    ),
    (
        "ones",
        "fails_values",
        "identity",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.ones_like(yhat)[:, None, :]
        """,
    ),
    (
        "first_example_broadcast",
        "fails_values",
        "some_examples_wrong",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            B, D = y.shape
            return np.broadcast_to(yhat[0] - y[0], (B, 1, D))
        """,
    ),
    (
        "loop_over_half_batch",
        "fails_values",
        "some_examples_wrong",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            B, D = y.shape
            J = np.zeros((B, 1, D))
            for b in range(B // 2):
                J[b, 0] = yhat[b] - y[b]
            return J
        """,
    ),
    (
        "rolled_batch",
        "fails_values",
        "batch_permuted",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.roll(yhat - y, 1, axis=0)[:, None, :]
        """,
    ),
    (
        "normalised_residual",
        "fails_values",
        "other",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            # derivative of ||y - yhat|| instead of 1/2 ||y - yhat||^2
            diff = yhat - y
            return (diff / np.linalg.norm(diff, axis=1, keepdims=True))[:, None, :]
        """,
    ),
    (
        "component_sum_repeated",
        "fails_values",
        "other",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            B, D = y.shape
            total = np.sum(yhat - y, axis=1)
            return np.repeat(total[:, None, None], D, axis=2)
        """,
    ),
    (
        "hardcoded_d_loop",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            J = np.zeros((len(y), 1, 10))
            for b in range(len(y)):
                for j in range(10):
                    J[b, 0, j] = yhat[b, j] - y[b, j]
            return J
        """,
    ),
    (
        "hardcoded_reshape",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return (yhat - y).reshape(256, 1, 10)
        """,
    ),
    (
        "trailing_comma_tuple",
        "fails_shape",
        "extra_unit_axis",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            J = (yhat - y)[:, None, :],
            return J
        """,
    ),
    (
        "loop_skips_first_component",
        "fails_values",
        "other",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            B, D = y.shape
            J = np.zeros((B, 1, D))
            for j in range(1, D):
                J[:, 0, j] = yhat[:, j] - y[:, j]
            return J
        """,
    ),
    (
        "copied_document_inputs",
        "fails_values",
        "other",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            B, D = 256, 10
            y = np.random.randn(B, D)
            yhat = np.random.randn(B, D)
            return -np.einsum("i,bj->bij", np.ones(1), y - yhat)
        """,
    ),
]

# Written with the diagnoses of a loss left as a vector of terms (the course document's slip),
# and of a batch averaged away with keepdims=True.
WRONG += [
    (
        "batch_mean_keepdims",
        "fails_shape",
        "missing_batch_axis",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            J = (yhat - y)[:, None, :]
            return J.mean(axis=0, keepdims=True)     # (1, 1, D)
        """,
    ),
    (
        "document_loss_vector",
        "fails_shape",
        "terms_instead_of_sum",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            # loss = 0.5 * np.square(y - yhat), shape (B, D): one term per component
            return np.einsum("bi,ij->bij", yhat - y, np.eye(y.shape[1]))
        """,
    ),
]

SHAPES = [
    ("tuple", "pass", None, "def jacobian_shape(B, D):\n    return (B, 1, D)"),
    ("list", "pass", None, "def jacobian_shape(B, D):\n    return [B, 1, D]"),
    (
        "from_parts",
        "pass",
        None,
        """
        def jacobian_shape(B, D):
            output_shape, input_shape = (1,), (D,)
            return (B,) + output_shape + input_shape
        """,
    ),
    (
        "shape_of_zeros",
        "pass",
        None,
        """
        import numpy as np

        def jacobian_shape(B, D):
            return np.zeros((B, 1, D)).shape
        """,
    ),
    (
        "gradient",
        "fails_shape",
        "gradient_instead_of_jacobian",
        "def jacobian_shape(B, D):\n    return (B, D)",
    ),
    ("column", "fails_shape", "transposed_axes", "def jacobian_shape(B, D):\n    return (B, D, 1)"),
    (
        "no_batch",
        "fails_shape",
        "missing_batch_axis",
        "def jacobian_shape(B, D):\n    return (1, D)",
    ),
    (
        "batch_last",
        "fails_shape",
        "batch_axis_misplaced",
        "def jacobian_shape(B, D):\n    return (1, D, B)",
    ),
    (
        "hardcoded_d",
        "fails_hidden",
        "hardcoded_sizes",
        "def jacobian_shape(B, D):\n    return (B, 1, 10)",
    ),
    (
        "numpy_ints",
        "pass",
        None,
        """
        import numpy as np

        def jacobian_shape(B, D):
            return tuple(np.array([B, 1, D]))
        """,
    ),
]

SHAPES += [
    (
        "per_component",
        "fails_shape",
        "terms_instead_of_sum",
        "def jacobian_shape(B, D):\n    return (B, D, D)",
    ),
]

ANSWERS = make_answers(CASE, RIGHT + WRONG)
PREDICTED_SHAPES = make_answers(CASE, SHAPES)
