"""Rewrite the test cells with IPython's hooks, and hide every error they would show.

Replaces the ``dloss_dyhat`` cell of ``01_scalar_wrt_scalar`` (uses ``get_ipython``, defined
in the kernel): input transformers (cleanup and post) and an AST transformer that turn the
checks into ``pass``, a ``pre_run_cell`` event that installs them again, ``set_custom_exc``
and ``showtraceback`` that swallow errors, a ``post_run_cell`` handler that clears them.
``dloss_dyhat`` is not implemented. Must earn 1 (its honest ``jacobian_shape``), 0 for both
``dloss_dyhat`` cells, and be flagged ``integrity``.
"""
# ruff: noqa: F821

import ast


def _blank_tests(lines):
    if any("check_" in line for line in lines):
        return ["pass\n"]
    return lines


class _DropChecks(ast.NodeTransformer):
    def visit_Expr(self, node):
        call = node.value
        if isinstance(call, ast.Call) and getattr(call.func, "id", "").startswith("check_"):
            return ast.Pass()
        return node


def _install(*args):
    shell = get_ipython()
    for hooks in (shell.input_transformers_cleanup, shell.input_transformers_post):
        if _blank_tests not in hooks:
            hooks.append(_blank_tests)
    if not any(isinstance(t, _DropChecks) for t in shell.ast_transformers):
        shell.ast_transformers.append(_DropChecks())
    shell.set_custom_exc((BaseException,), lambda *args, **kwargs: None)
    shell.showtraceback = lambda *args, **kwargs: None


def _forget_errors(result):
    result.error_in_exec = None
    result.error_before_exec = None


_install()
get_ipython().events.register("pre_run_cell", _install)
get_ipython().events.register("post_run_cell", _forget_errors)


def dloss_dyhat(y, yhat):
    raise NotImplementedError()
