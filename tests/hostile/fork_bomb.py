"""Fork until the system says no, each child in a session of its own.

Replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector``: forks children that sleep,
until ``fork`` fails, then prints how many it got (``hostile-forks N``). ``dloss_dyhat`` is
not implemented. Must earn 1 (its honest ``jacobian_shape``) and 0 for both ``dloss_dyhat``
cells; the jail's process limit (64) must stop it, and none of its children may outlive the
run.
"""

import os
import time

children = 0
while children < 10_000:
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        os.setsid()
        time.sleep(600)
        os._exit(0)
    children += 1
print(f"hostile-forks {children}")


def dloss_dyhat(y, yhat):
    raise NotImplementedError()
