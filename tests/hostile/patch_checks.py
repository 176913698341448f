"""Patch the checks from a solution cell, so that every test cell passes in the kernel.

Replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector``: rebinds the ``check_*``
functions of ``jacobian_checks`` and ``jacobian_checks.checks``, and installs a
``builtins.__import__`` hook that hands the test cells a module of checks that always pass;
``dloss_dyhat`` returns None. Must earn 1 (its honest ``jacobian_shape``), 0 for both
``dloss_dyhat`` cells, and be flagged ``integrity`` (the kernel's test cells disagree).
"""

import builtins
import types

import jacobian_checks
import jacobian_checks.checks


def _passes(*args, **kwargs):
    return None


for _name in ("check_predicted_shape", "check_jacobian_shape", "check_jacobian_values"):
    setattr(jacobian_checks, _name, _passes)
    setattr(jacobian_checks.checks, _name, _passes)

_fake = types.SimpleNamespace(check_predicted_shape=_passes, check_jacobian_shape=_passes,
                              check_jacobian_values=_passes)
_real_import = builtins.__import__


def _import(name, globals=None, locals=None, fromlist=(), level=0):
    if name == "jacobian_checks" and fromlist and all(n.startswith("check_") for n in fromlist):
        return _fake
    return _real_import(name, globals, locals, fromlist, level)


builtins.__import__ = _import


def dloss_dyhat(y, yhat):
    return None
