"""Keep every core of the grading machine busy, in processes that outlive the cell.

Replaces the ``da_dh`` cell of ``05_elementwise_nonlinearity``: starts up to 60 children,
each in a session of its own (a scheduling group of its own where the kernel groups
sessions) and at the lowest priority, that spin until the kernel ends; prints how many
(``hostile-spinners N``). ``da_dh`` is right. Must earn all of
``05_elementwise_nonlinearity``; the students graded beside it keep their exact scores, and
none of its processes outlives the run.
"""

import os

import numpy as np

spinners = 0
for _ in range(60):
    try:
        pid = os.fork()
    except OSError:
        break  # the jail's process limit
    if pid == 0:
        os.setsid()
        os.nice(19)  # its own kernel still answers the grader; others must not pay for it
        while True:
            pass
    spinners += 1
print(f"hostile-spinners {spinners}")


def da_dh(h):
    a = 1 / (1 + np.exp(-np.asarray(h)))
    return np.einsum("bi,ij->bij", a * (1 - a), np.eye(a.shape[1]))
