"""Case 1, `scalar_wrt_scalar`: ``dloss_dyhat(y, yhat)`` with y, yhat of shape (B, 1).

L_b = 1/2 (y_b - yhat_b)^2, so the Jacobian has shape (B, 1, 1) and J[b, 0, 0] = yhat_b - y_b.
"""

from ._core import make_answers

CASE = "scalar_wrt_scalar"

#: Mistake labels that make sense for this case (each is used at least once below).
APPLICABLE_MISTAKES = frozenset(
    {
        "missing_batch_axis",
        "batch_axis_misplaced",
        "extra_unit_axis",
        "missing_unit_axis",
        "gradient_instead_of_jacobian",
        "unexpected_batch_axis",
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
        '''
        import numpy as np

        def dloss_dyhat(y, yhat):
            """Derivative of 1/2 (y - yhat)^2 w.r.t. yhat, batched."""
            return -np.einsum("i,bj->bij", np.ones(1), y - yhat)  # Shape: (B, 1, 1)
        ''',
    ),
    (
        "einsum_other_order",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.einsum("bk,o->bok", yhat - y, np.ones(1))
        """,
    ),
    (
        "newaxis",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            diff = yhat - y
            return diff[:, :, np.newaxis]
        """,
    ),
    (
        "none_index_middle",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            # (B, 1) -> (B, 1, 1): output axis of size 1, input axis of size 1
            return (yhat - y)[:, None, :]
        """,
    ),
    (
        "expand_dims",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.expand_dims(-(y - yhat), axis=-1)
        """,
    ),
    (
        "reshape_minus_one",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return (yhat - y).reshape(-1, 1, 1)
        """,
    ),
    (
        "reshape_len",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            B = len(y)
            return np.reshape(np.asarray(yhat) - np.asarray(y), (B, 1, 1))
        """,
    ),
    (
        "python_loops",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            B = y.shape[0]
            J = np.zeros((B, 1, 1))
            for b in range(B):
                for i in range(1):
                    for j in range(1):
                        J[b, i, j] = -(y[b, j] - yhat[b, j])
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
            return [[[float(yhat[b][0] - y[b][0])]] for b in range(len(y))]
        """,
    ),
    (
        "float32",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            y32 = y.astype(np.float32)
            yhat32 = yhat.astype(np.float32)
            return (yhat32 - y32)[:, :, None]
        """,
    ),
    (
        "longdouble",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            diff = yhat.astype(np.longdouble) - y.astype(np.longdouble)
            return diff.reshape(diff.shape[0], 1, 1)
        """,
    ),
    (
        "atleast_3d",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.atleast_3d(yhat - y)
        """,
    ),
    (
        "stack_last_axis",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.stack([yhat - y], axis=-1)
        """,
    ),
    (
        "matmul_with_ones",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return (yhat - y)[:, :, None] @ np.ones((1, 1))
        """,
    ),
    (
        "chain_rule_through_residual",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            e = y - yhat                          # residual, (B, 1)
            dL_de = e[:, None, :]                 # (B, 1, 1)
            de_dyhat = -np.eye(1)                 # (1, 1)
            return np.einsum("bij,jk->bik", dL_de, de_dyhat)
        """,
    ),
    (
        "subtract_out",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            out = np.empty((y.shape[0], 1, 1))
            np.subtract(yhat, y, out=out[:, :, 0])
            return out
        """,
    ),
    (
        "multiply_outer",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.multiply.outer((yhat - y)[:, 0], np.ones((1, 1)))
        """,
    ),
    (
        "tensordot_outer",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.tensordot(yhat - y, np.ones(1), axes=0)
        """,
    ),
    (
        "math_loop_array",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            rows = []
            for yb, yhatb in zip(y, yhat):
                rows.append([[yhatb[0] - yb[0]]])
            return np.array(rows)
        """,
    ),
    (
        "in_place_on_input",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            yhat -= y            # reuses yhat's memory (changes the caller's array!)
            return yhat[:, :, None]
        """,
    ),
    (
        "tuple_of_tuples",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return tuple(((float(p - t),),) for (t,), (p,) in zip(y, yhat))
        """,
    ),
    (
        "np_diff",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            # yhat - y as a difference along a new last axis: (B, 1, 2) -> (B, 1, 1)
            return np.diff(np.stack([y, yhat], axis=-1), axis=-1)
        """,
    ),
]

WRONG = [
    (
        "mean_over_batch",
        "fails_shape",
        "missing_batch_axis",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.array([[np.mean(yhat - y)]])  # (1, 1)
        """,
    ),
    (
        "no_unit_axis",
        "fails_shape",
        "gradient_instead_of_jacobian",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return yhat - y  # (B, 1)
        """,
    ),
    (
        "flat_vector",
        "fails_shape",
        "missing_unit_axis",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return (yhat - y)[:, 0]  # (B,)
        """,
    ),
    (
        "four_axes",
        "fails_shape",
        "extra_unit_axis",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return (yhat - y)[:, :, None, None]  # (B, 1, 1, 1)
        """,
    ),
    (
        "batch_last",
        "fails_shape",
        "batch_axis_misplaced",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return -np.einsum("i,bj->ijb", np.ones(1), y - yhat)  # (1, 1, B)
        """,
    ),
    (
        "full_batched_jacobian",
        "fails_shape",
        "unexpected_batch_axis",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            # loss (B, 1) w.r.t. yhat (B, 1) -> (B, 1, B, 1), block diagonal over the batch
            B = len(y)
            return np.einsum("bc,bi->bic", np.eye(B), yhat - y)[:, :, :, None]
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
        "y_minus_yhat",
        "fails_values",
        "sign_flipped",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return (y - yhat)[..., None]
        """,
    ),
    (
        "forgot_one_half",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            # d/dyhat (y - yhat)^2
            return 2 * (yhat - y)[:, :, None]
        """,
    ),
    (
        "halved_twice",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return 0.5 * (yhat - y)[:, :, None]
        """,
    ),
    (
        "divided_by_batch",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            B = y.shape[0]
            return (yhat - y).reshape(B, 1, 1) / B
        """,
    ),
    (
        "returned_the_loss",
        "fails_values",
        "function_instead_of_derivative",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            loss = 0.5 * np.square(y - yhat)  # Shape: (B, 1)
            return loss[:, :, None]
        """,
    ),
    (
        "zeros_placeholder",
        "fails_values",
        "all_zeros",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            J = np.zeros((len(y), 1, 1))
            # TODO fill in
            return J
        """,
    ),
    (
        "ones",
        "fails_values",
        "identity",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            # d yhat / d yhat = 1
            return np.ones((y.shape[0], 1, 1))
        """,
    ),
    (
        "loop_skips_first",
        "fails_values",
        "some_examples_wrong",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            J = np.zeros((len(y), 1, 1))
            for b in range(1, len(y)):
                J[b, 0, 0] = yhat[b, 0] - y[b, 0]
            return J
        """,
    ),
    (
        "reversed_batch",
        "fails_values",
        "batch_permuted",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return (yhat - y)[::-1, :, None]
        """,
    ),
    (
        "dropped_y",
        "fails_values",
        "other",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return yhat[:, :, None]
        """,
    ),
    (
        "absolute_value",
        "fails_values",
        "other",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.abs(yhat - y)[:, :, None]
        """,
    ),
    (
        "summed_over_batch",
        "fails_values",
        "other",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return np.full((len(y), 1, 1), np.sum(yhat - y))
        """,
    ),
    (
        "hardcoded_reshape_256",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            return (yhat - y).reshape(256, 1, 1)
        """,
    ),
    (
        "hardcoded_zeros_256",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            J = np.zeros((256, 1, 1))
            for b in range(len(y)):
                J[b, 0, 0] = yhat[b, 0] - y[b, 0]
            return J
        """,
    ),
    (
        "nan_placeholder_for_last",
        "fails_values",
        "some_examples_wrong",
        """
        import numpy as np

        def dloss_dyhat(y, yhat):
            B = len(y)
            J = np.full((B, 1, 1), np.nan)
            J[: B - 1, 0, 0] = (yhat - y)[: B - 1, 0]
            return J
        """,
    ),
]

SHAPES = [
    ("tuple", "pass", None, "def jacobian_shape(B):\n    return (B, 1, 1)"),
    ("list", "pass", None, "def jacobian_shape(B):\n    return [B, 1, 1]"),
    ("concatenated", "pass", None, "def jacobian_shape(B):\n    return (B,) + (1,) + (1,)"),
    (
        "output_plus_input",
        "pass",
        None,
        """
        def jacobian_shape(B):
            output_shape = (1,)
            input_shape = (1,)
            return (int(B), *output_shape, *input_shape)
        """,
    ),
    (
        "no_unit_axis",
        "fails_shape",
        "gradient_instead_of_jacobian",
        "def jacobian_shape(B):\n    return (B, 1)",
    ),
    ("no_batch", "fails_shape", "missing_batch_axis", "def jacobian_shape(B):\n    return (1, 1)"),
    (
        "batch_last",
        "fails_shape",
        "batch_axis_misplaced",
        "def jacobian_shape(B):\n    return (1, 1, B)",
    ),
    (
        "four_axes",
        "fails_shape",
        "extra_unit_axis",
        "def jacobian_shape(B):\n    return (B, 1, 1, 1)",
    ),
    (
        "hardcoded",
        "fails_hidden",
        "hardcoded_sizes",
        "def jacobian_shape(B):\n    return (256, 1, 1)",
    ),
    (
        "forgot_return",
        "fails_shape",
        "other",
        """
        def jacobian_shape(B):
            shape = (B, 1, 1)
        """,
    ),
]

ANSWERS = make_answers(CASE, RIGHT + WRONG)
PREDICTED_SHAPES = make_answers(CASE, SHAPES)
