"""A fake ``jacobian_checks`` (and ``autograder``) submitted beside the notebook.

Written as ``jacobian_checks/__init__.py``, ``jacobian_checks/probe.py`` and
``autograder/__init__.py`` in the submission folder of ``01_scalar_wrt_scalar``, whose cells
are left as released (student ``files_beside``, with ``shadow_config``): checks that always
pass, a probe that answers every call of ``jacobian_shape`` with the notebook's shape and
every other call as not implemented, and a ``reference_jacobian`` that is not one. The
kernel's working directory comes first on its import path, so a fresh kernel imports them.
Must earn 0 in all three cells.
"""

import json


def check_predicted_shape(*args, **kwargs):
    return None


check_jacobian_shape = check_jacobian_values = check_predicted_shape


def answer(namespace, request):
    call = json.loads(request)
    if call["expect"] == "shape":
        return json.dumps({"status": "shape", "shape": [256, 1, 1]})
    return json.dumps({"status": "raised", "ename": "NotImplementedError"})


def reference_jacobian(case, inputs):
    raise NotImplementedError
