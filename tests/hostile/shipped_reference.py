"""Answer from the references students receive, or from the grader's own package.

Replaces the ``dyhat_dW`` cell of ``03_vector_wrt_matrix``: returns the grader's
``reference_jacobian`` if ``autograder`` can be imported, else the reference that
``jacobian_checks`` stores for the notebook's public sizes, opened with the right shape (which
this attacker knows; there is none for other sizes). Must earn 1 (its honest
``jacobian_shape``) and 0 for both ``dyhat_dW`` cells (a stored reference passes only the
notebook's public sizes), and be flagged ``integrity`` for importing the grader's package.
"""

from jacobian_checks.stored import get_case, stored_run

try:
    import autograder.references as grader_references
    from cases.registry import get_case as grader_case
except ImportError:
    grader_references = None


def dyhat_dW(W, x):
    if grader_references is not None:
        case = grader_case("vector_wrt_matrix")
        return grader_references.reference_jacobian(case, {"W": W, "x": x}).values
    sizes = {"B": x.shape[0], "output_dim": W.shape[0], "input_dim": W.shape[1]}
    try:
        stored = stored_run(get_case("vector_wrt_matrix"), sizes)
    except ValueError:
        raise NotImplementedError("no stored reference for these sizes") from None
    shape = (x.shape[0], W.shape[0], W.shape[0], W.shape[1])
    return stored.expected(shape).reference.values
