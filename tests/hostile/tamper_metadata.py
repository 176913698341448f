"""Change the nbgrader metadata of the test cells: points, grade and solution flags, kernel.

Replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector`` with one that is not
implemented; the test also marks ``test_dloss_dyhat_shape`` as a solution cell (so nobody
would check it), makes ``test_dloss_dyhat_values`` not graded and worth 100 points, gives
``test_jacobian_shape`` 100 points and the notebook a ``bash`` kernel. Must earn 0 in all
three cells (nbgrader refuses the changed cells and flags the notebook for manual grading),
with the gradebook's points unchanged.
"""


def dloss_dyhat(y, yhat):
    raise NotImplementedError()
