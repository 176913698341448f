"""Answer every grader call with an error report of the wrong type.

Replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector`` (uses ``get_ipython``, defined
in the kernel): replaces the shell's ``user_expressions``, through which the grader calls
the student's functions, with one that reports an error whose ``ename`` is a list, not a
name. ``dloss_dyhat`` is not implemented. Every call fails, so it must earn 0 in all three
cells, graded automatically like any notebook whose calls fail, without an error in the
grader.
"""
# ruff: noqa: F821


def _forged(expressions):
    return {name: {"status": "error", "ename": ["not", "a", "name"], "evalue": "",
                   "traceback": []} for name in expressions}


get_ipython().user_expressions = _forged


def dloss_dyhat(y, yhat):
    raise NotImplementedError()
