"""Use packages of the grading machine that a kernel does not need (e.g. to differentiate).

Replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector`` (student ``jail_escape``, with
``escape_jail``): tries to import ``sympy``, the grader's ``nbgrader``, ``dask`` and
``distributed``, also after adding every ``site-packages`` and ``dist-packages`` folder it can
find to ``sys.path``, and prints ``hostile-import NAME ok|refused``; NumPy too, which it
must have. ``dloss_dyhat`` is right, in NumPy. Must earn all of ``02_scalar_wrt_vector``;
only NumPy may import.
"""

import glob
import importlib
import sys

sys.path += glob.glob("/usr/lib/python3*/*-packages") + glob.glob(
    "/usr/local/lib/python3*/*-packages") + glob.glob(f"{sys.base_prefix}/lib/python3*/*-packages")
for name in ("sympy", "nbgrader", "dask", "distributed", "numpy"):
    try:
        importlib.import_module(name)
        print("hostile-import", name, "ok")
    except ImportError:
        print("hostile-import", name, "refused")

import numpy as np  # noqa: E402


def dloss_dyhat(y, yhat):
    return (np.asarray(yhat) - np.asarray(y))[:, None, :]
