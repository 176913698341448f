"""Answer from the references students receive, or from the grader's own package.

Replaces the ``dyhat_dW`` cell of ``03_vector_wrt_matrix``: returns the grader's
``reference_jacobian`` if ``autograder`` can be imported, else the reference that
``jacobian_checks`` stores for the notebook's own sizes (there is none for other sizes).
Must earn 1 (its honest ``jacobian_shape``) and 0 for both ``dyhat_dW`` cells (a stored
reference passes only the notebook's sizes), and be flagged ``integrity`` for importing the
grader's package.
"""

from jacobian_checks.cases import get_case
from jacobian_checks.references import stored_reference

try:
    import autograder.references as grader_references
except ImportError:
    grader_references = None


def dyhat_dW(W, x):
    case = get_case("vector_wrt_matrix")
    if grader_references is not None:
        return grader_references.reference_jacobian(case, {"W": W, "x": x}).values
    sizes = {"B": x.shape[0], "output_dim": W.shape[0], "input_dim": W.shape[1]}
    stored = stored_reference(case.key, sizes)
    if stored is None:
        raise NotImplementedError("no stored reference for these sizes")
    return stored.values
