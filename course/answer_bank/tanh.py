"""Assignment `backprop`, case 5, `tanh`: ``da_dh(h)`` with h (B, D) and a = tanh(h).

The Jacobian has shape (B, D, D) and J[b, i, j] = delta_ij (1 - tanh(h[b, i])^2). It is
diagonal, hence symmetric in its last two axes: a transpose of a right answer is right, and no
wrong answer is a transposed right one. A wrong formula for the derivative on the diagonal,
with zeros off it, is labelled `off_diagonal_only` (the entries off the diagonal are right).
"""

from ._core import make_answers

CASE = "tanh"

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

RIGHT = [
    (
        "notebook_einsum",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            D = h.shape[1]
            return np.einsum("bi,ij->bij", 1 - np.tanh(h) ** 2, np.eye(D))
        """,
    ),
    (
        "einsum_eye_first",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            a = np.tanh(h)
            return np.einsum("ij,bj->bij", np.eye(h.shape[-1]), (1 - a) * (1 + a))
        """,
    ),
    (
        "sech_squared",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            d = 1.0 / np.cosh(h) ** 2
            return d[:, :, None] * np.eye(h.shape[1])
        """,
    ),
    (
        "exponentials",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            d = 4.0 / (np.exp(h) + np.exp(-h)) ** 2       # sech^2 from its definition
            return np.einsum("bi,ij->bij", d, np.eye(h.shape[1]))
        """,
    ),
    (
        "via_sigmoid",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            # tanh(h) = 2 sigmoid(2h) - 1, so tanh'(h) = 4 s (1 - s) with s = sigmoid(2h)
            s = 1 / (1 + np.exp(-2 * h))
            return np.einsum("bi,ij->bij", 4 * s * (1 - s), np.eye(h.shape[1]))
        """,
    ),
    (
        "broadcast_newaxis",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            d = 1 - np.tanh(h) ** 2
            return d[:, np.newaxis, :] * np.eye(h.shape[1])[np.newaxis, :, :]
        """,
    ),
    (
        "stack_of_diag",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            return np.stack([np.diag(1 - np.tanh(row) ** 2) for row in h])
        """,
    ),
    (
        "apply_along_axis_diag",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            return np.apply_along_axis(np.diag, 1, 1 - np.tanh(h) ** 2)
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
            J = np.zeros((B, D, D))
            np.einsum("bii->bi", J)[...] = 1 - np.tanh(h) ** 2
            return J
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
            J = np.zeros((B, D, D))
            for b in range(B):
                np.fill_diagonal(J[b], 1 - np.tanh(h[b]) ** 2)
            return J
        """,
    ),
    (
        "python_loops_math",
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
                            J[b, i, j] = 1.0 - math.tanh(h[b, i]) ** 2
            return J
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
            for row in h.tolist():
                d = [1 / math.cosh(v) ** 2 for v in row]
                out.append([[d[i] if i == j else 0.0 for j in range(len(d))]
                            for i in range(len(d))])
            return out
        """,
    ),
    (
        "float32",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            t = np.tanh(h.astype(np.float32))
            return np.einsum("bi,ij->bij", 1 - t * t, np.eye(h.shape[1], dtype=np.float32))
        """,
    ),
    (
        "transposed_symmetric",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            J = np.einsum("bi,ij->bij", 1 - np.tanh(h) ** 2, np.eye(h.shape[1]))
            return J.transpose(0, 2, 1)     # diagonal: the transpose changes nothing
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
        def dtanh(v):
            return 1.0 - math.tanh(v) ** 2

        def da_dh(h):
            return dtanh(h)[:, :, None] * np.eye(h.shape[1])
        """,
    ),
    (
        "tensordot_delta3",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            D = h.shape[1]
            delta3 = np.zeros((D, D, D))
            delta3[np.arange(D), np.arange(D), np.arange(D)] = 1.0   # delta_kij
            return np.tensordot(1 - np.tanh(h) ** 2, delta3, axes=([1], [0]))
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
            J = np.zeros((B, D * D))
            J[:, :: D + 1] = 1 - np.tanh(h) ** 2
            return J.reshape(B, D, D)
        """,
    ),
    (
        "lambda_assignment",
        "pass",
        None,
        """
        import numpy as np

        da_dh = lambda h: (1 - np.tanh(h) ** 2)[..., None] * np.eye(h.shape[-1])  # noqa: E731
        """,
    ),
]

WRONG = [
    (
        "forgot_the_square",
        "fails_values",
        "square_forgotten",
        """
        import numpy as np

        def da_dh(h):
            return np.einsum("bi,ij->bij", 1 - np.tanh(h), np.eye(h.shape[1]))
        """,
    ),
    (
        "sech_not_squared",
        "fails_values",
        "square_forgotten",
        """
        import numpy as np

        def da_dh(h):
            return np.einsum("bi,ij->bij", 1 / np.cosh(h), np.eye(h.shape[1]))
        """,
    ),
    (
        "formula_applied_to_h",
        "fails_values",
        "input_where_output_belongs",
        """
        import numpy as np

        def da_dh(h):
            return np.einsum("bi,ij->bij", 1 - h**2, np.eye(h.shape[1]))   # 1 - a^2 with a = h
        """,
    ),
    (
        "sigmoid_derivative",
        "fails_values",
        "sigmoid_derivative_for_tanh",
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-h))
            return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1]))
        """,
    ),
    (
        "tanh_itself",
        "fails_values",
        "function_instead_of_derivative",
        """
        import numpy as np

        def da_dh(h):
            return np.einsum("bi,ij->bij", np.tanh(h), np.eye(h.shape[1]))
        """,
    ),
    (
        "elementwise_derivative",
        "fails_shape",
        "elementwise_instead_of_diagonal",
        """
        import numpy as np

        def da_dh(h):
            return 1 - np.tanh(h) ** 2    # (B, D)
        """,
    ),
    (
        "broadcast_without_eye",
        "fails_values",
        "diagonal_only",
        """
        import numpy as np

        def da_dh(h):
            d = 1 - np.tanh(h) ** 2
            return d[:, :, None] * np.ones((1, 1, h.shape[1]))   # the diagonal missing: no eye
        """,
    ),
    (
        "one_minus_outer",
        "fails_values",
        "diagonal_only",
        """
        import numpy as np

        def da_dh(h):
            a = np.tanh(h)
            return 1 - np.einsum("bi,bj->bij", a, a)    # 1 - a a^T, by analogy with softmax
        """,
    ),
    (
        "diag_of_whole_batch",
        "fails_shape",
        "other",
        """
        import numpy as np

        def da_dh(h):
            return np.diag((1 - np.tanh(h) ** 2).ravel())    # (B*D, B*D)
        """,
    ),
    (
        "first_example_only",
        "fails_shape",
        "missing_batch_axis",
        """
        import numpy as np

        def da_dh(h):
            return np.diag(1 - np.tanh(h[0]) ** 2)   # (D, D)
        """,
    ),
    (
        "batch_last",
        "fails_shape",
        "batch_axis_misplaced",
        """
        import numpy as np

        def da_dh(h):
            return np.einsum("bi,ij->ijb", 1 - np.tanh(h) ** 2, np.eye(h.shape[1]))
        """,
    ),
    (
        "extra_unit_axis",
        "fails_shape",
        "extra_unit_axis",
        """
        import numpy as np

        def da_dh(h):
            J = np.einsum("bi,ij->bij", 1 - np.tanh(h) ** 2, np.eye(h.shape[1]))
            return np.expand_dims(J, axis=-1)    # (B, D, D, 1)
        """,
    ),
    (
        "full_batched_jacobian",
        "fails_shape",
        "unexpected_batch_axis",
        """
        import numpy as np

        def da_dh(h):
            B, D = h.shape
            return np.einsum("bc,bi,ij->bicj", np.eye(B), 1 - np.tanh(h) ** 2, np.eye(D))
        """,
    ),
    (
        "negated",
        "fails_values",
        "sign_flipped",
        """
        import numpy as np

        def da_dh(h):
            return np.einsum("bi,ij->bij", np.tanh(h) ** 2 - 1, np.eye(h.shape[1]))
        """,
    ),
    (
        "via_sigmoid_missing_chain_factor",
        "fails_values",
        "scaled",
        """
        import numpy as np

        def da_dh(h):
            # tanh(h) = 2 sigmoid(2h) - 1: the 2 of the inner 2h forgotten
            s = 1 / (1 + np.exp(-2 * h))
            return np.einsum("bi,ij->bij", 2 * s * (1 - s), np.eye(h.shape[1]))
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
            return np.broadcast_to(np.eye(D), (B, D, D))    # tanh(h) ~ h near 0
        """,
    ),
    (
        "zeros",
        "fails_values",
        "all_zeros",
        """
        import numpy as np

        def da_dh(h):
            return np.zeros((h.shape[0], h.shape[1], h.shape[1]))
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
                J[b] = np.diag(1 - np.tanh(h[b]) ** 2)
            return J
        """,
    ),
    (
        "reversed_batch",
        "fails_values",
        "batch_permuted",
        """
        import numpy as np

        def da_dh(h):
            return np.einsum("bi,ij->bij", 1 - np.tanh(h[::-1]) ** 2, np.eye(h.shape[1]))
        """,
    ),
    (
        "hardcoded_eye",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def da_dh(h):
            return np.einsum("bi,ij->bij", 1 - np.tanh(h) ** 2, np.eye(10))
        """,
    ),
    (
        "hardcoded_zeros",
        "fails_hidden",
        "hardcoded_sizes",
        """
        import numpy as np

        def da_dh(h):
            J = np.zeros((256, 10, 10))
            for b in range(h.shape[0]):
                for i in range(h.shape[1]):
                    J[b, i, i] = 1 - np.tanh(h[b, i]) ** 2
            return J
        """,
    ),
]

# Written with the diagnoses of tanh's derivative: each slip in several styles, and right
# answers in forms close to those slips ((1 - a)(1 + a), 4 sigmoid'(2h), float32, loops).
RIGHT += [
    (
        "one_minus_a_times_one_plus_a",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            a = np.tanh(h)
            return np.einsum("bi,ij->bij", (1 - a) * (1 + a), np.eye(h.shape[1]))
        """,
    ),
    (
        "four_sigmoid_prime_of_2h_float32",
        "pass",
        None,
        """
        import numpy as np

        def da_dh(h):
            s = 1 / (1 + np.exp(-2 * h.astype(np.float32)))   # tanh(h) = 2 sigmoid(2h) - 1
            d = 4 * s * (1 - s)
            return d[:, :, None] * np.eye(h.shape[1], dtype=np.float32)
        """,
    ),
    (
        "exp_form_loops",
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
                    J[b, i, i] = 4 / (math.exp(h[b, i]) + math.exp(-h[b, i])) ** 2
            return J
        """,
    ),
]

WRONG += [
    (
        "h_squared_loops",
        "fails_values",
        "input_where_output_belongs",
        """
        import numpy as np

        def da_dh(h):
            B, D = h.shape
            J = np.zeros((B, D, D))
            for b in range(B):
                for i in range(D):
                    J[b, i, i] = 1 - h[b, i] ** 2
            return J
        """,
    ),
    (
        "h_squared_stack_of_diag",
        "fails_values",
        "input_where_output_belongs",
        """
        import numpy as np

        def da_dh(h):
            return np.stack([np.diag(1 - row * row) for row in h])
        """,
    ),
    (
        "sigmoid_derivative_float32",
        "fails_values",
        "sigmoid_derivative_for_tanh",
        """
        import numpy as np

        def da_dh(h):
            s = (1 / (1 + np.exp(-h))).astype(np.float32)
            return (s * (1 - s))[:, :, None] * np.eye(h.shape[1], dtype=np.float32)
        """,
    ),
    (
        "sigmoid_formula_on_tanh",
        "fails_values",
        "sigmoid_derivative_for_tanh",
        """
        import numpy as np

        def da_dh(h):
            a = np.tanh(h)
            return np.einsum("bi,ij->bij", a * (1 - a), np.eye(h.shape[1]))   # a(1 - a)
        """,
    ),
    (
        "derivative_of_the_activation",
        "fails_values",
        "derivative_at_output",
        """
        import numpy as np

        def dtanh(z):
            return 1 - np.tanh(z) ** 2

        def da_dh(h):
            a = np.tanh(h)
            return np.einsum("bi,ij->bij", dtanh(a), np.eye(h.shape[1]))   # tanh'(a), not tanh'(h)
        """,
    ),
    (
        "sech_from_exponentials",
        "fails_values",
        "square_forgotten",
        """
        import numpy as np

        def da_dh(h):
            sech = 2 / (np.exp(h) + np.exp(-h))
            return sech[:, :, None] * np.eye(h.shape[1])
        """,
    ),
    (
        "one_minus_tanh_broadcast",
        "fails_values",
        "square_forgotten",
        """
        import numpy as np

        def da_dh(h):
            a = np.tanh(h)
            return (1 - a)[:, :, np.newaxis] * np.eye(a.shape[1])[np.newaxis]
        """,
    ),
    (
        "one_plus_tanh_squared",
        "fails_values",
        "off_diagonal_only",
        """
        import numpy as np

        def da_dh(h):
            return np.einsum("bi,ij->bij", 1 + np.tanh(h) ** 2, np.eye(h.shape[1]))
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
    (
        "numpy_shape",
        "pass",
        None,
        """
        import numpy as np

        def jacobian_shape(B, D):
            return np.zeros((B, D, D)).shape
        """,
    ),
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
        "def jacobian_shape(B, D):\n    return (B, D, D, 1)",
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
