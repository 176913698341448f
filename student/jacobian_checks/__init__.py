"""Checks for the Jacobians course: what the notebooks' test cells import.

This package runs in the student's kernel and needs only NumPy. The test cells call::

    from jacobian_checks import check_predicted_shape, check_jacobian_shape, check_jacobian_values
    check_predicted_shape(jacobian_shape, "scalar_wrt_vector", B=256, D=10)
    check_jacobian_shape(dloss_dyhat, "scalar_wrt_vector", B=256, D=10)
    check_jacobian_values(dloss_dyhat, "scalar_wrt_vector", B=256, D=10)

They judge the student's functions on the notebook's sizes; when grading, the grader calls the
same functions from outside the kernel, on these sizes and on secret ones, with the same
verdicts (:mod:`jacobian_checks.verdicts`). ``jacobian_checks.__version__`` is the
installed version.
"""

from ._version import __version__
from .checks import check_jacobian_shape, check_jacobian_values, check_predicted_shape
from .errors import JacobianCheckError

__all__ = [
    "JacobianCheckError",
    "__version__",
    "check_jacobian_shape",
    "check_jacobian_values",
    "check_predicted_shape",
]
