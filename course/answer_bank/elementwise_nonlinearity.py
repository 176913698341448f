"""Case 5, `elementwise_nonlinearity`: ``da_dh(h)`` with h (B, D) and a = sigmoid(h).

The Jacobian has shape (B, D, D) and J[b, i, j] = delta_ij * s(1 - s), s = sigmoid(h[b, i]).
It is symmetric in its last two axes, so a pure transpose of a right answer is still right; the
`transposed_values` answer below is the transpose of a *non-symmetric* wrong answer.
"""

from ._core import make_answers

CASE = "elementwise_nonlinearity"

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

RIGHT = [
    (
        "document_einsum",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            D = h.shape[1]
            sigmoid = lambda x: 1 / (1 + np.exp(-x))
            dsigmoid_dargument = lambda x: sigmoid(x) * (1 - sigmoid(x))
            da_dh = np.einsum(
              "bi,ij->bij",
              dsigmoid_dargument(h),
              np.eye(D),
            )  # Shape: (B, D, D)
            return da_dh
        """,
    ),
    (
        "einsum_eye_first",
        "pass",
        None,
        """
        import numpy as np

        def sigmoid(z):
            return 1.0 / (1.0 + np.exp(-z))

        def da_dh(h):
            s = sigmoid(h)
            return np.einsum("ij,bj->bij", np.eye(h.shape[-1]), s * (1 - s))
        """,
    ),
    (
        "eye_broadcast_last_axis",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return (s * (1 - s))[:, :, None] * np.eye(h.shape[1])
        """,
    ),
    (
        "eye_broadcast_newaxis_middle",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            ds = s * (1 - s)
            return ds[:, np.newaxis, :] * np.eye(h.shape[1])[np.newaxis, :, :]
        """,
    ),
    (
        "expand_dims",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return np.expand_dims(s - s**2, -1) * np.expand_dims(np.identity(h.shape[1]), 0)
        """,
    ),
    (
        "loops_math_exp",
        "pass",
        None,
        """
        import math
        import numpy as np

        def da_dh(h):
            B, D = h.shape
            J = np.zeros((B, D, D))
            for b in range(B):
                for i in range(D):
                    for j in range(D):
                        if i == j:
                            s = 1.0 / (1.0 + math.exp(-h[b, i]))
                            J[b, i, j] = s * (1.0 - s)
            return J
        """,
    ),
    (
        "stack_of_diag",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return np.stack([np.diag(row) for row in s * (1 - s)])
        """,
    ),
    (
        "einsum_diagonal_write",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            B, D = h.shape
            s = 1 / (1 + np.exp(-h))
            J = np.zeros((B, D, D))
            np.einsum("bii->bi", J)[...] = s * (1 - s)
            return J
        """,
    ),
    (
        "strided_diagonal_write",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            B, D = h.shape
            s = 1 / (1 + np.exp(-h))
            J = np.zeros((B, D * D))
            J[:, :: D + 1] = s * (1 - s)
            return J.reshape(B, D, D)
        """,
    ),
    (
        "tanh_form",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            s = 0.5 * (1 + np.tanh(h / 2))     # sigmoid without overflow
            return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1]))
        """,
    ),
    (
        "logaddexp_form",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            log_s = -np.logaddexp(0, -h)          # log sigmoid(h)
            log_1ms = -np.logaddexp(0, h)         # log (1 - sigmoid(h))
            ds = np.exp(log_s + log_1ms)
            return ds[:, :, None] * np.eye(h.shape[1])
        """,
    ),
    (
        "float32",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            h = h.astype(np.float32)
            s = 1 / (1 + np.exp(-h))
            return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1], dtype=np.float32))
        """,
    ),
    (
        "nested_list",
        "pass",
        None,
        """
        import math

        def da_dh(h):
            out = []
            for row in h:
                d = [math.exp(-v) / (1 + math.exp(-v)) ** 2 for v in row]
                n = len(d)
                out.append([[d[i] if i == j else 0.0 for j in range(n)] for i in range(n)])
            return out
        """,
    ),
    (
        "apply_along_axis_diag",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return np.apply_along_axis(np.diag, 1, s * (1 - s))
        """,
    ),
    (
        "exp_over_square",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            ds = np.exp(-h) / (1 + np.exp(-h)) ** 2
            return np.einsum("bi,ij->bij", ds, np.eye(h.shape[1]))
        """,
    ),
    (
        "cosh_form",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            ds = 0.25 / np.cosh(h / 2) ** 2
            return ds[:, :, None] * np.eye(h.shape[1])[None]
        """,
    ),
    (
        "two_exponentials",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            ds = 1.0 / (2.0 + np.exp(h) + np.exp(-h))
            return np.multiply.outer(ds, np.ones(h.shape[1])) * np.eye(h.shape[1])
        """,
    ),
    (
        "sigmoid_of_minus_h",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            t = 1 / (1 + np.exp(h))       # this is 1 - sigmoid(h); the product is the same
            return np.einsum("bi,ij->bij", t * (1 - t), np.eye(h.shape[1]))
        """,
    ),
    (
        "where_stable_sigmoid",
        "pass",
        None,
        """
        import numpy as np

        def stable_sigmoid(z):
            e = np.exp(-np.abs(z))
            return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

        def da_dh(h):
            s = stable_sigmoid(h)
            return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1]))
        """,
    ),
    (
        "own_central_differences",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            sig = lambda z: 1 / (1 + np.exp(-z))
            eps = 1e-5
            ds = (sig(h + eps) - sig(h - eps)) / (2 * eps)
            return ds[:, :, None] * np.eye(h.shape[1])
        """,
    ),
    (
        "fill_diagonal_loop",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            B, D = h.shape
            s = 1 / (1 + np.exp(-h))
            J = np.zeros((B, D, D))
            for b in range(B):
                np.fill_diagonal(J[b], s[b] * (1 - s[b]))
            return J
        """,
    ),
    (
        "transposed_symmetric",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            J = np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1]))
            return J.transpose(0, 2, 1)     # diagonal, so the transpose changes nothing
        """,
    ),
    (
        "lambda_assignment",
        "pass",
        None,
        """
        import numpy as np

        da_dh = lambda h: np.einsum(  # noqa: E731
            "bi,ij->bij",
            np.exp(-np.logaddexp(0, -h) - np.logaddexp(0, h)),
            np.eye(h.shape[1]),
        )
        """,
    ),
    (
        "vectorize_math",
        "pass",
        None,
        """
        import math
        import numpy as np

        @np.vectorize
        def dsigmoid(v):
            s = 1.0 / (1.0 + math.exp(-v))
            return s * (1.0 - s)

        def da_dh(h):
            return np.einsum("bi,ij->bij", dsigmoid(h), np.eye(h.shape[1]))
        """,
    ),
]

RIGHT += [
    (
        "forward_difference_fine_step",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            # One-sided differences with a small step: off by at most eps / 2 relative
            # (|sigma'' / sigma'| <= 1), well inside the checks' band.
            sig = lambda z: 1 / (1 + np.exp(-z))
            eps = 1e-5
            ds = (sig(h + eps) - sig(h)) / eps
            return ds[:, :, None] * np.eye(h.shape[1])
        """,
    ),
]

WRONG = [
    (
        "elementwise_derivative",
        "fails_shape",
        "elementwise_instead_of_diagonal",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return s * (1 - s)   # (B, D)
        """,
    ),
    (
        "diag_of_first_example",
        "fails_shape",
        "missing_batch_axis",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h[0]))
            return np.diag(s * (1 - s))   # (D, D)
        """,
    ),
    (
        "batch_last",
        "fails_shape",
        "batch_axis_misplaced",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return np.einsum("bi,ij->ijb", s * (1 - s), np.eye(h.shape[1]))
        """,
    ),
    (
        "extra_unit_axis",
        "fails_shape",
        "extra_unit_axis",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1]))[:, None]
        """,
    ),
    (
        "full_batched_jacobian",
        "fails_shape",
        "unexpected_batch_axis",
        """
        import numpy as np

        def da_dh(h):
            # a (B, D) w.r.t. h (B, D): (B, D, B, D) by the general rule
            B, D = h.shape
            s = 1 / (1 + np.exp(-h))
            return np.einsum("bc,bi,ij->bicj", np.eye(B), s * (1 - s), np.eye(D))
        """,
    ),
    (
        "first_example_broadcast",
        "fails_values",
        "some_examples_wrong",
        """
        import numpy as np

        def da_dh(h):
            B, D = h.shape
            s = 1 / (1 + np.exp(-h[0]))
            return np.broadcast_to(np.diag(s * (1 - s)), (B, D, D))
        """,
    ),
    (
        "loop_misses_last_example",
        "fails_values",
        "some_examples_wrong",
        """
        import numpy as np

        def da_dh(h):
            B, D = h.shape
            J = np.zeros((B, D, D))
            for b in range(B - 1):
                s = 1 / (1 + np.exp(-h[b]))
                J[b] = np.diag(s * (1 - s))
            return J
        """,
    ),
    (
        "sigmoid_itself",
        "fails_values",
        "function_instead_of_derivative",
        """
        import numpy as np

        def da_dh(h):
            a = 1 / (1 + np.exp(-h))
            return np.einsum("bi,ij->bij", a, np.eye(h.shape[1]))
        """,
    ),
    (
        "identity",
        "fails_values",
        "identity",
        """
        import numpy as np

        def da_dh(h):
            B, D = h.shape
            return np.tile(np.eye(D), (B, 1, 1))
        """,
    ),
    (
        "zeros",
        "fails_values",
        "all_zeros",
        """
        import numpy as np

        def da_dh(h):
            return np.zeros(h.shape + h.shape[1:])
        """,
    ),
    (
        "broadcast_without_eye",
        "fails_values",
        "diagonal_only",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return (s * (1 - s))[:, :, None] * np.ones(h.shape[1])
        """,
    ),
    (
        "outer_product_s_one_minus_s",
        "fails_values",
        "diagonal_only",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return s[:, :, None] * (1 - s)[:, None, :]     # J[b, i, j] = s_i (1 - s_j)
        """,
    ),
    (
        "outer_product_transposed",
        "fails_values",
        "transposed_values",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return np.einsum("bi,bj->bji", s, 1 - s)     # J[b, i, j] = s_j (1 - s_i)
        """,
    ),
    (
        "softmax_jacobian",
        "fails_values",
        "diagonal_only",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            D = h.shape[1]
            return s[:, :, None] * (np.eye(D) - s[:, None, :])   # diag(s) - s s^T
        """,
    ),
    (
        "forgot_the_square",
        "fails_values",
        "square_forgotten",
        """
        import numpy as np

        def da_dh(h):
            ds = np.exp(-h) / (1 + np.exp(-h))     # should be squared in the denominator
            return np.einsum("bi,ij->bij", ds, np.eye(h.shape[1]))
        """,
    ),
    (
        "negated",
        "fails_values",
        "sign_flipped",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return np.einsum("bi,ij->bij", s * (s - 1), np.eye(h.shape[1]))
        """,
    ),
    (
        "tanh_form_missing_half",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def da_dh(h):
            # sigmoid(h) = (1 + tanh(h/2)) / 2; forgot the chain-rule factor 1/2 of h/2
            ds = 0.5 * (1 - np.tanh(h / 2) ** 2)
            return ds[:, :, None] * np.eye(h.shape[1])
        """,
    ),
    (
        "reversed_batch",
        "fails_values",
        "batch_permuted",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h[::-1]))
            return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1]))
        """,
    ),
    (
        "tanh_derivative",
        "fails_values",
        "tanh_derivative_for_sigmoid",
        """
        import numpy as np

        def da_dh(h):
            return np.einsum("bi,ij->bij", 1 - np.tanh(h) ** 2, np.eye(h.shape[1]))
        """,
    ),
    (
        "formula_applied_to_h",
        "fails_values",
        "input_where_output_belongs",
        """
        import numpy as np

        def da_dh(h):
            return np.einsum("bi,ij->bij", h * (1 - h), np.eye(h.shape[1]))
        """,
    ),
    (
        "one_minus_eye",
        "fails_values",
        "other",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            D = h.shape[1]
            return (s * (1 - s))[:, :, None] * (np.ones((D, D)) - np.eye(D))
        """,
    ),
    (
        "document_hardcoded_d",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def da_dh(h):
            sigmoid = lambda x: 1 / (1 + np.exp(-x))
            dsigmoid_dargument = lambda x: sigmoid(x) * (1 - sigmoid(x))
            return np.einsum("bi,ij->bij", dsigmoid_dargument(h), np.eye(10))
        """,
    ),
    (
        "hardcoded_reshape",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            J = np.zeros((256, 100))
            J[:, ::11] = s * (1 - s)
            return J.reshape(256, 10, 10)
        """,
    ),
    (
        "forward_difference",
        "fails_values",
        "off_diagonal_only",
        """
        import numpy as np

        def da_dh(h):
            sig = lambda z: 1 / (1 + np.exp(-z))
            eps = 1e-2
            ds = (sig(h + eps) - sig(h)) / eps       # one-sided: O(eps) error, up to 0.5 %
            return ds[:, :, None] * np.eye(h.shape[1])
        """,
    ),
    (
        "constant_quarter",
        "fails_values",
        "derivative_at_zero",
        """
        import numpy as np

        def da_dh(h):
            # sigmoid'(0) = 1/4
            B, D = h.shape
            return np.broadcast_to(0.25 * np.eye(D), (B, D, D))
        """,
    ),
    (
        "copied_document_inputs",
        "fails_values",
        "off_diagonal_only",
        """
        import numpy as np

        def da_dh(h):
            np.random.seed(0)
            B, D = 256, 10
            h = np.random.randn(B, D)
            sigmoid = lambda x: 1 / (1 + np.exp(-x))
            ds = sigmoid(h) * (1 - sigmoid(h))
            return np.einsum("bi,ij->bij", ds, np.eye(D))
        """,
    ),
]

# Written with the diagnoses of the sigmoid's derivative: each slip in several styles, and
# right answers in forms close to those slips (e^-h / (1 + e^-h)^2, tanh of h/2, float32).
RIGHT += [
    (
        "exp_over_square_float32",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            e = np.exp(-h.astype(np.float32))
            return np.einsum("bi,ij->bij", e / (1 + e) ** 2, np.eye(h.shape[1], dtype=np.float32))
        """,
    ),
    (
        "tanh_of_half_h_loops",
        "pass",
        None,
        """
        import math
        import numpy as np

        def da_dh(h):
            B, D = h.shape
            J = np.zeros((B, D, D))
            for b in range(B):
                for i in range(D):
                    # sigmoid(h) = (1 + tanh(h/2)) / 2, so sigmoid' = (1 - tanh(h/2)^2) / 4
                    J[b, i, i] = (1 - math.tanh(h[b, i] / 2) ** 2) / 4
            return J
        """,
    ),
]

WRONG += [
    (
        "h_one_minus_h_loops",
        "fails_values",
        "input_where_output_belongs",
        """
        import numpy as np

        def da_dh(h):
            B, D = h.shape
            J = np.zeros((B, D, D))
            for b in range(B):
                for i in range(D):
                    J[b, i, i] = h[b, i] * (1 - h[b, i])
            return J
        """,
    ),
    (
        "tanh_derivative_stack",
        "fails_values",
        "tanh_derivative_for_sigmoid",
        """
        import numpy as np

        def da_dh(h):
            return np.stack([np.diag(1 / np.cosh(row) ** 2) for row in h])
        """,
    ),
    (
        "tanh_formula_on_sigmoid",
        "fails_values",
        "tanh_derivative_for_sigmoid",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return (1 - s ** 2)[:, :, None] * np.eye(h.shape[1])
        """,
    ),
    (
        "derivative_of_the_activation",
        "fails_values",
        "derivative_at_output",
        """
        import numpy as np

        def sigmoid(z):
            return 1 / (1 + np.exp(-z))

        def da_dh(h):
            a = sigmoid(h)
            d = sigmoid(a) * (1 - sigmoid(a))      # sigmoid'(a), not sigmoid'(h)
            return np.einsum("bi,ij->bij", d, np.eye(h.shape[1]))
        """,
    ),
    (
        "one_minus_s",
        "fails_values",
        "square_forgotten",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return np.einsum("bi,ij->bij", 1 - s, np.eye(h.shape[1]))   # the factor s lost
        """,
    ),
    (
        "exp_over_sum_float32",
        "fails_values",
        "square_forgotten",
        """
        import numpy as np

        def da_dh(h):
            e = np.exp(-h).astype(np.float32)
            return (e / (1 + e))[:, :, None] * np.eye(h.shape[1], dtype=np.float32)
        """,
    ),
    (
        "quarter_loops",
        "fails_values",
        "derivative_at_zero",
        """
        import numpy as np

        def da_dh(h):
            B, D = h.shape
            J = np.zeros((B, D, D))
            for i in range(D):
                J[:, i, i] = 0.25     # the slope at h = 0, everywhere
            return J
        """,
    ),
    (
        "s_one_plus_s",
        "fails_values",
        "off_diagonal_only",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return np.einsum("bi,ij->bij", s * (1 + s), np.eye(h.shape[1]))
        """,
    ),
]

SHAPES = [
    ("tuple", "pass", None, "def jacobian_shape(B, D):\n    return (B, D, D)"),
    ("list", "pass", None, "def jacobian_shape(B, D):\n    return [B, D, D]"),
    (
        "from_parts",
        "pass",
        None,
        """
        def jacobian_shape(B, D):
            a_shape = (D,)
            h_shape = (D,)
            return (B,) + a_shape + h_shape
        """,
    ),
    ("repeat", "pass", None, "def jacobian_shape(B, D):\n    return (B,) + (D,) * 2"),
    (
        "elementwise",
        "fails_shape",
        "elementwise_instead_of_diagonal",
        "def jacobian_shape(B, D):\n    return (B, D)",
    ),
    (
        "no_batch",
        "fails_shape",
        "missing_batch_axis",
        "def jacobian_shape(B, D):\n    return (D, D)",
    ),
    (
        "unit_axis",
        "fails_shape",
        "extra_unit_axis",
        "def jacobian_shape(B, D):\n    return (B, 1, D, D)",
    ),
    (
        "full_batched",
        "fails_shape",
        "unexpected_batch_axis",
        "def jacobian_shape(B, D):\n    return (B, D, B, D)",
    ),
    (
        "hardcoded",
        "fails_hidden",
        "hardcoded_sizes",
        "def jacobian_shape(B, D):\n    return (B, 10, 10)",
    ),
]

ANSWERS = make_answers(CASE, RIGHT + WRONG)
PREDICTED_SHAPES = make_answers(CASE, SHAPES)
