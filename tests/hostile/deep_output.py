"""Send the grader an output nesting five thousand levels, from the notebook's own cell.

Replaces the ``dloss_dyhat`` cell of ``01_scalar_wrt_scalar``: ``dloss_dyhat`` is right, but
the cell then publishes a ``stream`` message whose JSON nests 5000 lists (ipykernel's own
serializer would refuse it: the kernel's session is made to pack it as raw text). Reading it,
the grading process's JSON parser ran out of recursion: the notebook failed with nbgrader's
own traceback as its only reason. Must earn 0 everywhere (the notebook stops at this cell,
saying why), and cost no one else.
"""
# ruff: noqa: F821

_kernel = get_ipython().kernel
_session = _kernel.session
_real_pack = _session.pack


def _pack(content):
    if isinstance(content, dict) and content.get("name") == "hostile-deep":
        return b'{"name": "stdout", "text": "x", "deep": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    return _real_pack(content)


def dloss_dyhat(y, yhat):
    return (yhat - y)[:, None, :]


_session.pack = _pack
_session.send(_kernel.iopub_socket, "stream", {"name": "hostile-deep"},
              parent=_kernel.get_parent())
_session.pack = _real_pack
