"""Assignment `backprop`, case 2, `softmax_cross_entropy`: ``dloss_dh(y, h)``, y and h (B, D).

L_b = -sum_i y_bi log softmax(h_b)_i (output shape (1,) per example) with one-hot labels y, so
the Jacobian has shape (B, 1, D) and J[b, 0, j] = a_bj sum_i y_bi - y_bj = a_bj - y_bj. The
shortcut ``softmax(h) - y`` is right because every label row sums to 1; so is the general
``a * sum(y) - y``. Not subtracting the maximum before ``np.exp`` is not a mistake here.
"""

from ._core import make_answers

CASE = "softmax_cross_entropy"

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
        "reshaped_not_transposed",
        "function_instead_of_derivative",
        "all_zeros",
        "some_examples_wrong",
        "batch_permuted",
        "hardcoded_sizes",
        "softmax_over_batch_axis",
        "softmax_outer_product_missing",
        "softmax_outer_product_added",
        "softmax_as_elementwise",
        "derivative_wrt_probabilities",
        "other",
    }
)

RIGHT = [
    (
        "notebook_chain",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            D = h.shape[1]
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            dloss_dlog_a = -np.einsum("i,bj->bij", np.ones(1), y)            # (B, 1, D)
            dlog_a_dh = np.eye(D) - np.einsum("i,bj->bij", np.ones(D), a)    # (B, D, D)
            return np.einsum("bij,bjk->bik", dloss_dlog_a, dlog_a_dh)
        """,
    ),
    (
        "shortcut_newaxis",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return (a - y)[:, np.newaxis, :]
        """,
    ),
    (
        "shortcut_reshape",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            B, D = h.shape
            p = np.exp(h - np.max(h, axis=1, keepdims=True))
            p = p / np.sum(p, axis=1, keepdims=True)
            return (p - y).reshape(B, 1, D)
        """,
    ),
    (
        "shortcut_expand_dims",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            shifted = h - h.max(axis=-1, keepdims=True)
            probs = np.exp(shifted) / np.exp(shifted).sum(axis=-1, keepdims=True)
            return np.expand_dims(probs - y, axis=1)
        """,
    ),
    (
        "label_index",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            B = h.shape[0]
            e = np.exp(h - h.max(axis=1, keepdims=True))
            grad = e / e.sum(axis=1, keepdims=True)
            labels = np.argmax(y, axis=1)
            grad[np.arange(B), labels] -= 1          # softmax minus the one-hot label
            return grad[:, None, :]
        """,
    ),
    (
        "where_one_hot",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return np.where(y == 1, a - 1, a)[:, None, :]
        """,
    ),
    (
        "general_label_sum",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            # dL/dh_j = a_j * sum_i y_i - y_j, right for any labels, not only one-hot ones
            return (a * y.sum(axis=1, keepdims=True) - y)[:, None, :]
        """,
    ),
    (
        "through_softmax_jacobian",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            dL_da = -y / a                                               # (B, D)
            da_dh = a[:, :, None] * (np.eye(h.shape[1]) - a[:, None, :])   # (B, D, D)
            return np.einsum("bi,bij->bj", dL_da, da_dh)[:, None, :]
        """,
    ),
    (
        "matmul_chain",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            dlog_a_dh = np.eye(h.shape[1]) - a[:, None, :]     # (B, D, D): delta_ij - a_j
            return -y[:, None, :] @ dlog_a_dh                  # (B, 1, D) @ (B, D, D)
        """,
    ),
    (
        "logsumexp_by_hand",
        "pass",
        None,
        """
        import numpy as np

        def log_softmax(z):
            m = z.max(axis=1, keepdims=True)
            return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))

        def dloss_dh(y, h):
            return (np.exp(log_softmax(h)) - y)[:, None]
        """,
    ),
    (
        "logaddexp_reduce",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            a = np.exp(h - np.logaddexp.reduce(h, axis=1, keepdims=True))
            return np.einsum("i,bj->bij", np.ones(1), a - y)
        """,
    ),
    (
        "no_max_shift",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h)                  # no shift: fine for inputs of order 1
            return (e / e.sum(axis=1, keepdims=True) - y)[:, None, :]
        """,
    ),
    (
        "python_loops_math",
        "pass",
        None,
        """
        import math
        import numpy as np

        def dloss_dh(y, h):
            B, D = h.shape
            J = np.zeros((B, 1, D))
            for b in range(B):
                top = max(h[b])
                total = sum(math.exp(h[b, k] - top) for k in range(D))
                for j in range(D):
                    a_j = math.exp(h[b, j] - top) / total
                    J[b, 0, j] = a_j - y[b, j]
            return J
        """,
    ),
    (
        "nested_list",
        "pass",
        None,
        """
        import math

        def dloss_dh(y, h):
            rows = []
            for y_row, h_row in zip(y.tolist(), h.tolist()):
                top = max(h_row)
                e = [math.exp(v - top) for v in h_row]
                s = sum(e)
                rows.append([[ei / s - yi for ei, yi in zip(e, y_row)]])
            return rows
        """,
    ),
    (
        "float32",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            y = y.astype(np.float32)
            h = h.astype(np.float32)
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return (a - y)[:, None, :]
        """,
    ),
    (
        "apply_along_axis",
        "pass",
        None,
        """
        import numpy as np

        def gradient_of_row(row):
            y_row, h_row = np.split(row, 2)
            e = np.exp(h_row - h_row.max())
            return e / e.sum() - y_row

        def dloss_dh(y, h):
            grads = np.apply_along_axis(gradient_of_row, 1, np.concatenate([y, h], axis=1))
            return grads[:, None, :]
        """,
    ),
    (
        "tensordot_moveaxis",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            g = e / e.sum(axis=1, keepdims=True) - y
            return np.moveaxis(np.tensordot(np.ones(1), g, axes=0), 0, 1)   # (1, B, D) -> (B, 1, D)
        """,
    ),
    (
        "per_example_chain_loop",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            B, D = h.shape
            J = np.zeros((B, 1, D))
            for b in range(B):
                e = np.exp(h[b] - h[b].max())
                a = e / e.sum()
                dlog_a_dh = np.eye(D) - np.outer(np.ones(D), a)
                J[b, 0] = -y[b] @ dlog_a_dh
            return J
        """,
    ),
    (
        "lambda_helpers",
        "pass",
        None,
        """
        import numpy as np

        softmax = lambda z: np.exp(z - z.max(1, keepdims=True)) / np.exp(  # noqa: E731
            z - z.max(1, keepdims=True)).sum(1, keepdims=True)
        dloss_dh = lambda y, h: (softmax(h) - y)[:, None]  # noqa: E731
        """,
    ),
]

WRONG = [
    (
        "y_minus_softmax",
        "fails_values",
        "sign_flipped",
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return (y - a)[:, None, :]
        """,
    ),
    (
        "gradient_without_unit_axis",
        "fails_shape",
        "gradient_instead_of_jacobian",
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True) - y    # (B, D), like h
        """,
    ),
    (
        "mean_over_batch",
        "fails_shape",
        "missing_batch_axis",
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return np.mean(a - y, axis=0, keepdims=True)   # (1, D)
        """,
    ),
    (
        "column_gradient",
        "fails_shape",
        "transposed_axes",
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return (a - y)[:, :, None]     # (B, D, 1)
        """,
    ),
    (
        "reshape_one_axis_too_many",
        "fails_shape",
        "extra_unit_axis",
        """
        import numpy as np

        def dloss_dh(y, h):
            B, D = h.shape
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return (a - y).reshape(B, 1, 1, D)
        """,
    ),
    (
        "unit_axis_first",
        "fails_shape",
        "batch_axis_misplaced",
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return (a - y)[None]          # (1, B, D)
        """,
    ),
    (
        "per_class_losses",
        "fails_shape",
        "terms_instead_of_sum",
        """
        import numpy as np

        def dloss_dh(y, h):
            # the loss left as a vector -y_i log a_i, without the sum over the classes
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return -y[:, :, None] * (np.eye(h.shape[1]) - a[:, None, :])   # (B, D, D)
        """,
    ),
    (
        "full_batched_jacobian",
        "fails_shape",
        "unexpected_batch_axis",
        """
        import numpy as np

        def dloss_dh(y, h):
            # the losses (B, 1) w.r.t. the whole h (B, D): (B, 1, B, D)
            B = h.shape[0]
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return np.einsum("bc,bj->bcj", np.eye(B), a - y)[:, None, :, :]
        """,
    ),
    (
        "loss_itself",
        "fails_shape",
        "function_instead_of_derivative",
        """
        import numpy as np

        def dloss_dh(y, h):
            shifted = h - h.max(axis=1, keepdims=True)
            log_a = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            return -np.sum(y * log_a, axis=1, keepdims=True)   # (B, 1): the loss
        """,
    ),
    (
        "derivative_wrt_softmax_output",
        "fails_values",
        "derivative_wrt_probabilities",
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return (-y / a)[:, None, :]     # dL/da, the chain through softmax forgotten
        """,
    ),
    (
        "softmax_diagonal_only",
        "fails_values",
        "softmax_as_elementwise",
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            # -y_i / a_i times only the diagonal a_i (1 - a_i) of softmax's Jacobian
            return (-y * (1 - a))[:, None, :]
        """,
    ),
    (
        "log_softmax_jacobian_transposed",
        "fails_values",
        "other",
        """
        import numpy as np

        def dloss_dh(y, h):
            D = h.shape[1]
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            dlog_a_dh = np.eye(D) - a[:, :, None]     # delta_ij - a_i: a on the wrong axis
            return np.einsum("bi,bij->bj", -y, dlog_a_dh)[:, None, :]
        """,
    ),
    (
        "softmax_over_batch_axis",
        "fails_values",
        "softmax_over_batch_axis",
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h)
            a = e / e.sum(axis=0)           # normalised over the batch
            return (a - y)[:, None, :]
        """,
    ),
    (
        "mean_over_classes",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return (a - y)[:, None, :] / h.shape[1]   # as if the loss were a mean over classes
        """,
    ),
    (
        "divided_by_batch",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def dloss_dh(y, h):
            B = h.shape[0]
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return (a - y)[:, None, :] / B            # per example: no mean over the batch
        """,
    ),
    (
        "returned_the_empty_array",
        "fails_values",
        "all_zeros",
        """
        import numpy as np

        def dloss_dh(y, h):
            B, D = h.shape
            J = np.zeros((B, 1, D))
            e = np.exp(h - h.max(axis=1, keepdims=True))
            grad = e / e.sum(axis=1, keepdims=True) - y   # noqa: F841
            return J
        """,
    ),
    (
        "loop_misses_last_example",
        "fails_values",
        "some_examples_wrong",
        """
        import numpy as np

        def dloss_dh(y, h):
            B, D = h.shape
            J = np.zeros((B, 1, D))
            for b in range(B - 1):
                e = np.exp(h[b] - h[b].max())
                J[b, 0] = e / e.sum() - y[b]
            return J
        """,
    ),
    (
        "reversed_batch",
        "fails_values",
        "batch_permuted",
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            return np.flip(a - y, axis=0)[:, None, :]
        """,
    ),
    (
        "column_convention_reshaped",
        "fails_values",
        "reshaped_not_transposed",
        """
        import numpy as np

        def dloss_dh(y, h):
            B, D = h.shape
            H, Y = h.T, y.T                                   # columns are examples: (D, B)
            A = np.exp(H - H.max(axis=0)) / np.exp(H - H.max(axis=0)).sum(axis=0)
            return (A - Y).reshape(B, 1, D)                   # reshaped, not transposed
        """,
    ),
    (
        "hardcoded_eye",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            dloss_dlog_a = -np.einsum("i,bj->bij", np.ones(1), y)
            dlog_a_dh = np.eye(10) - np.einsum("i,bj->bij", np.ones(10), a)
            return np.einsum("bij,bjk->bik", dloss_dlog_a, dlog_a_dh)
        """,
    ),
    (
        "hardcoded_zeros",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def dloss_dh(y, h):
            J = np.zeros((256, 1, 10))
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            for b in range(len(h)):
                for j in range(h.shape[1]):
                    J[b, 0, j] = a[b, j] - y[b, j]
            return J
        """,
    ),
]

# Written with the diagnoses of the chain through a softmax: each mistake in several styles,
# and right answers that chain the same Jacobians correctly (float32, loops, lists).
RIGHT += [
    (
        "chain_through_log_softmax_float32",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            h = h.astype(np.float32)
            a = np.exp(h - h.max(-1, keepdims=True))
            a = a / a.sum(-1, keepdims=True)
            dlog_a = np.eye(h.shape[1], dtype=np.float32) - a[:, None, :]   # (B, D, D)
            return np.einsum("bi,bij->bj", -y.astype(np.float32), dlog_a)[:, None, :]
        """,
    ),
    (
        "probabilities_gradient_times_softmax_jacobian",
        "pass",
        None,
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            dL_da = (-y / a)[:, None, :]                                   # (B, 1, D)
            da_dh = a[:, :, None] * (np.eye(h.shape[1]) - a[:, None, :])   # (B, D, D)
            return dL_da @ da_dh
        """,
    ),
    (
        "label_loop_lists",
        "pass",
        None,
        """
        import math

        def dloss_dh(y, h):
            rows = []
            for labels, scores in zip(y.tolist(), h.tolist()):
                top = max(scores)
                e = [math.exp(s - top) for s in scores]
                total = sum(e)
                rows.append([[p / total - t for p, t in zip(e, labels)]])
            return rows
        """,
    ),
]

WRONG += [
    (
        "probability_gradient_einsum",
        "fails_values",
        "derivative_wrt_probabilities",
        """
        import numpy as np

        def dloss_dh(y, h):
            a = np.exp(h - np.max(h, axis=-1, keepdims=True))
            a /= a.sum(axis=-1, keepdims=True)
            return np.einsum("i,bj->bij", np.ones(1), -y / a)   # dL/da
        """,
    ),
    (
        "probability_gradient_loops",
        "fails_values",
        "derivative_wrt_probabilities",
        """
        import numpy as np

        def dloss_dh(y, h):
            B, D = h.shape
            J = np.zeros((B, 1, D))
            for b in range(B):
                p = np.exp(h[b]) / np.exp(h[b]).sum()
                for j in range(D):
                    J[b, 0, j] = -y[b, j] / p[j]      # d(-y log p)/dp
            return J
        """,
    ),
    (
        "chain_with_diagonal_of_a",
        "fails_values",
        "softmax_outer_product_missing",
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            dL_da = -y / a
            da_dh = np.einsum("bi,ij->bij", a, np.eye(h.shape[1]))   # the outer product forgotten
            return np.einsum("bi,bij->bj", dL_da, da_dh)[:, None, :]
        """,
    ),
    (
        "log_sum_exp_term_forgotten",
        "fails_values",
        "softmax_outer_product_missing",
        """
        import numpy as np

        def dloss_dh(y, h):
            # L = -y.h + log sum exp(h): only the first term differentiated
            return -y.reshape(y.shape[0], 1, y.shape[1])
        """,
    ),
    (
        "chain_with_outer_added",
        "fails_values",
        "softmax_outer_product_added",
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
            da_dh = a[:, :, None] * (np.eye(h.shape[1]) + a[:, None, :])
            return ((-y / a)[:, None, :] @ da_dh)
        """,
    ),
    (
        "chain_with_elementwise_softmax",
        "fails_values",
        "softmax_as_elementwise",
        """
        import numpy as np

        def dloss_dh(y, h):
            a = np.exp(h) / np.exp(h).sum(axis=1, keepdims=True)
            return (-y / a * (a * (1 - a)))[:, None, :]     # da_i/dh_i only
        """,
    ),
    (
        "batch_axis_keepdims",
        "fails_values",
        "softmax_over_batch_axis",
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h - h.max(axis=1, keepdims=True))
            a = e / e.sum(axis=0, keepdims=True)
            return (a - y)[:, None, :]
        """,
    ),
    (
        "batch_axis_in_full_chain",
        "fails_values",
        "softmax_over_batch_axis",
        """
        import numpy as np

        def dloss_dh(y, h):
            a = np.exp(h - h.max()) / np.exp(h - h.max()).sum(axis=0)
            da_dh = np.einsum("bi,ij->bij", a, np.eye(h.shape[1])) - np.einsum("bi,bj->bij", a, a)
            return np.einsum("bi,bij->bj", -y / a, da_dh)[:, None, :]
        """,
    ),
    (
        "whole_batch_normaliser",
        "fails_values",
        "softmax_over_batch_axis",
        """
        import numpy as np

        def dloss_dh(y, h):
            e = np.exp(h)
            return (e / e.sum() - y)[:, np.newaxis, :]
        """,
    ),
    (
        "per_class_terms_loops",
        "fails_shape",
        "terms_instead_of_sum",
        """
        import numpy as np

        def dloss_dh(y, h):
            B, D = h.shape
            a = np.exp(h) / np.exp(h).sum(axis=1, keepdims=True)
            J = np.zeros((B, D, D))          # one row per class term -y_i log a_i
            for i in range(D):
                for j in range(D):
                    J[:, i, j] = -y[:, i] * ((i == j) - a[:, j])
            return J
        """,
    ),
    (
        "sigmoid_cross_entropy_habit",
        "fails_values",
        "other",
        """
        import numpy as np

        def dloss_dh(y, h):
            return (1 / (1 + np.exp(-h)) - y)[:, None, :]   # binary cross-entropy's gradient
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
            loss_shape = (1,)     # one number per example
            h_shape = (D,)
            return (B,) + loss_shape + h_shape
        """,
    ),
    (
        "ints",
        "pass",
        None,
        """
        def jacobian_shape(B, D):
            return tuple(int(n) for n in (B, 1, D))
        """,
    ),
    (
        "gradient",
        "fails_shape",
        "gradient_instead_of_jacobian",
        "def jacobian_shape(B, D):\n    return (B, D)",
    ),
    (
        "column",
        "fails_shape",
        "transposed_axes",
        "def jacobian_shape(B, D):\n    return (B, D, 1)",
    ),
    (
        "no_batch",
        "fails_shape",
        "missing_batch_axis",
        "def jacobian_shape(B, D):\n    return (1, D)",
    ),
    (
        "loss_shape",
        "fails_shape",
        "function_instead_of_derivative",
        "def jacobian_shape(B, D):\n    return (B, 1)",
    ),
    (
        "per_class",
        "fails_shape",
        "terms_instead_of_sum",
        "def jacobian_shape(B, D):\n    return (B, D, D)",
    ),
    (
        "hardcoded",
        "fails_hidden",
        "hardcoded_sizes",
        "def jacobian_shape(B, D):\n    return (B, 1, 10)",
    ),
]

ANSWERS = make_answers(CASE, RIGHT + WRONG)
PREDICTED_SHAPES = make_answers(CASE, SHAPES)
