"""Answer every grader call with an execute reply whose content is not a JSON object.

Replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector`` (uses ``get_ipython``, defined
in the kernel): wraps the kernel's ``session.send`` so that an execute reply carrying user
expressions (the grader's calls) goes out with the raw JSON content ``["not", "a", "dict"]``,
signed as usual. ``dloss_dyhat`` is not implemented. Every call fails, so it must earn 0 in
all three cells, graded automatically, without an error in the grader.
"""
# ruff: noqa: F821

_kernel = get_ipython().kernel
_real_send = _kernel.session.send


def _send(stream, msg_or_type, content=None, *args, **kwargs):
    if msg_or_type == "execute_reply" and isinstance(content, dict) and content.get(
            "user_expressions"):
        content = b'["not", "a", "dict"]'  # raw JSON: a list
    return _real_send(stream, msg_or_type, content, *args, **kwargs)


_kernel.session.send = _send


def dloss_dyhat(y, yhat):
    raise NotImplementedError()
