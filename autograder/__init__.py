"""Autograder for the `jacobians` course: finite-difference checks of students' Jacobians.

The notebooks' test cells call three checks::

    from autograder import check_predicted_shape, check_jacobian_shape, check_jacobian_values
    check_predicted_shape(jacobian_shape, "scalar_wrt_vector", B=256, D=10)
    check_jacobian_shape(dloss_dyhat, "scalar_wrt_vector", B=256, D=10)
    check_jacobian_values(dloss_dyhat, "scalar_wrt_vector", B=256, D=10)
"""

from .checks import check_jacobian_shape, check_jacobian_values, check_predicted_shape
from .errors import JacobianCheckError

__all__ = [
    "JacobianCheckError",
    "check_jacobian_shape",
    "check_jacobian_values",
    "check_predicted_shape",
]
