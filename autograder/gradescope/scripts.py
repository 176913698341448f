"""The two scripts Gradescope runs from the autograder zip: ``setup.sh`` and ``run_autograder``.

Gradescope builds an image once per autograder zip: it unpacks the zip into
``/autograder/source`` and runs ``setup.sh`` there, as root, on its Ubuntu base image. For
each submission it starts a container of that image, puts the upload in
``/autograder/submission`` and runs ``/autograder/run_autograder`` (a copy of the zip's)
as root, in ``/autograder``.
"""

from __future__ import annotations

GRADER_VENV = "/opt/jacobians-grader"
"""Where ``setup.sh`` installs the grading stack (outside ``/autograder/source``, which
``run_autograder`` makes root's alone: the kernels run this Python too)."""

ROOT_VARIABLE = "GRADESCOPE_ROOT"
"""Makes ``run_autograder`` grade another folder laid out as ``/autograder`` (tests)."""

PYTHON_VARIABLE = "JACOBIANS_GRADER_PYTHON"
"""Makes ``run_autograder`` use another Python with the grader installed (tests)."""

SETUP_SH = f"""\
#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source, when it builds the autograder:
# it installs the course kit's grading stack at the versions of constraints.txt (so that
# grades are the ones the kit's own tests give), with the kit's grader and checks (grader/),
# into {GRADER_VENV}, with the image's python3 if it is 3.11 or later (Ubuntu 24.04's),
# else with python3.11 from apt (Ubuntu 22.04's python3 is 3.10).
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq

python_ok() {{
  command -v "$1" >/dev/null 2>&1 && "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))'
}}
python_ok python3 || apt-get install -y -qq python3
PYTHON=""
for candidate in python3 python3.13 python3.12 python3.11; do
  if python_ok "$candidate"; then PYTHON="$candidate"; break; fi
done
if [ -z "$PYTHON" ]; then
  apt-get install -y -qq python3.11
  PYTHON=python3.11
fi
VERSION="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
apt-get install -y -qq "python$VERSION-venv"

"$PYTHON" -m venv {GRADER_VENV}
{GRADER_VENV}/bin/python -m pip install --no-cache-dir --disable-pip-version-check \\
  -c constraints.txt ./grader/student ./grader
# The image must not be built with a grader that cannot start.
{GRADER_VENV}/bin/python -I -c 'import autograder.gradescope.run, jacobian_checks'
"""

RUN_AUTOGRADER = f"""\
#!/usr/bin/env bash
# Gradescope runs this for every submission, as root, in /autograder: it grades the notebooks
# uploaded to /autograder/submission with the course kit's grader and writes
# /autograder/results/results.json (autograder/gradescope/run.py in the kit).
# {ROOT_VARIABLE}: grade another folder laid out as /autograder instead (to test the zip).
exec "${{{PYTHON_VARIABLE}:-{GRADER_VENV}/bin/python}}" -I -m autograder.gradescope \\
  "${{{ROOT_VARIABLE}:-/autograder}}"
"""
