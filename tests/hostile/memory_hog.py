"""Hold more memory than one kernel may, in several processes at once.

Replaces the ``dloss_dW`` cell of ``04_scalar_wrt_matrix``: seven children each fill 320 MiB
(well under the per-process address space limit of 2 GiB) and hold it until all have (or none
more did for 2 s: one was killed, or is stuck at the limit); the cell prints the total of
those that held theirs before the release and were still alive after it (``hostile-memory N
MiB``), without waiting on a stuck child (a loaded machine is slow at the limit), then kills
them all. ``dloss_dW`` is not implemented. Must earn
1 (its honest ``jacobian_shape``) and 0 for both ``dloss_dW`` cells; the kernel, with
everything it starts, should not hold more than its 2 GiB.
"""

import os
import select

CHUNK, CHILDREN = 320 << 20, 7
ready_r, ready_w = os.pipe()
release_r, release_w = os.pipe()
children = []
for index in range(CHILDREN):
    pid = os.fork()
    if pid == 0:
        try:
            hoard = b"\x01" * CHUNK  # written, so really held
            os.write(ready_w, bytes([index]))
            os.read(release_r, 1)
            os.write(ready_w, bytes([64 + index]))  # alive, so it held its chunk all along
        finally:
            os._exit(0)
    children.append(pid)
holding = set()
while len(holding) < CHILDREN and select.select([ready_r], [], [], 2)[0]:
    holding.add(os.read(ready_r, 1)[0])  # until every child holds its chunk, or none for 2 s
os.write(release_w, b"x" * CHILDREN)
alive = set()
while select.select([ready_r], [], [], 1)[0]:  # never waits on a child stuck in reclaim
    alive |= {byte - 64 for byte in os.read(ready_r, 64) if byte >= 64}
held = CHUNK * len(holding & alive)  # held at the same time: before the release, and after
print(f"hostile-memory {held >> 20} MiB", flush=True)
for pid in children:
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def dloss_dW(y, W, x):
    raise NotImplementedError()
