"""``make bundle``: what students receive, one zip per assignment,
``dist/<assignment>-student.zip``.

Each zip holds one folder, ``<assignment>-student/``, with:

- ``<assignment>/``: the assignment's release notebooks;
- the student package as a wheel (``jacobian_checks``, NumPy only): the checks the test cells
  import and the references of the notebooks' own sizes -- no solution, no hidden test, no
  way to compute a reference for other inputs; its version goes up whenever its cases or
  references change (:mod:`course.package_version`), so that installing a new bundle's wheel
  replaces an older one;
- ``course-text.ipynb``: the assignment's course text (:func:`course.documents.student_document`)
  as a read-only notebook, which JupyterLab opens rendered, math included
  (:mod:`course.course_text`);
- ``README.md``: how to install, open the notebooks, check, upgrade and submit them;
- ``requirements.txt``: what a JupyterHub image for the course installs;
- ``nbgrader_config.py``: the Validate button's settings (full-width messages, no network
  transport warnings);
- ``jupyter_server_config.py``: the student's JupyterLab without nbgrader's instructor tools
  (``course/bundle_files/jupyter_server_config.py``).

Every entry carries the build date: ``SOURCE_DATE_EPOCH`` if set (a reproducible build), else
the time of the build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path

import nbformat

from cases.registry import ASSIGNMENTS, cases_of

from .course_text import COURSE_TEXT, course_text_notebook
from .documents import student_document
from .literals import literal_assignments
from .package_version import STUDENT, record_version, require_current
from .workspace import ROOT

DIST = ROOT / "dist"
LAB_CONFIG = Path(__file__).parent / "bundle_files" / "jupyter_server_config.py"
"""The student's JupyterLab settings, shipped as they are."""
DOS_EPOCH = 315532800
"""1980-01-01 UTC, the earliest date a zip entry can carry."""


def bundle_folder(assignment: str) -> str:
    """The folder the zip of ``assignment`` unpacks to."""
    return f"{assignment}-student"


STUDENT_README = """\
# Jacobians, assignment `{assignment}`: the student notebooks

You code the Jacobians that backpropagation is made of, with NumPy `einsum`, in {count}
notebooks (`{assignment}/`). The course text, `{course_text}`, gives the rule and the math
they use: read it first. What it leaves for you to work out (each Jacobian's shape, formula
and code) comes with the solutions, after the due date.

## Install (once)

You need Python 3.11 or newer. In a terminal, in this folder:

```sh
python3 -m venv .venv
. .venv/bin/activate            # on Windows: .venv\\Scripts\\activate
pip install {wheel} jupyterlab nbgrader
```

The wheel holds the checks the notebooks' test cells import (package `jacobian_checks`,
version {version}); it needs only NumPy. `nbgrader` adds the **Validate** button; without it
everything else works. In an existing environment (Anaconda, Colab, a JupyterHub),
`pip install {wheel}` is enough: it pins nothing and keeps your NumPy.

## Work

```sh
jupyter lab --config={lab_config}
```

(`{lab_config}`, in this folder, leaves out nbgrader's tools for instructors; plain
`jupyter lab` works too, with them.) Double-click `{course_text}` to read the course text,
then open the notebooks of `{assignment}/`, in order. In each one:

1. Read the rule and the math, and predict the Jacobian's shape in `jacobian_shape(...)`.
2. Replace each `raise NotImplementedError()` with your code.
3. Run the test cells below each answer (Shift+Enter). Each test checks your function on
   the notebook's sizes and on a second, smaller set of sizes (a size typed in fails there).
   A passed test prints one line, `Passed: ...`, saying what it confirmed. A failed test
   shows what is wrong first, and names the mistake when it is a common one.
4. Press **Validate** in the toolbar to run the whole notebook's tests at once.

When your course grades the notebooks, it checks your functions again on other sizes and
random inputs it keeps secret: take every size from the arguments (`y.shape`, `W.shape[0]`),
never from a constant.

## Upgrade

Each bundle's wheel carries the checks of its own notebooks. When your course hands out a new
bundle (the next assignment, or a corrected one), install its wheel in the same environment,
the same way, from the new bundle's folder:

```sh
pip install jacobian_checks-X.Y.Z-py3-none-any.whl    # the wheel in the new bundle's folder
```

pip replaces the older version (`pip show jacobian-checks` shows the one installed); then
restart the kernel of every open notebook (Kernel > Restart Kernel). A test cell that says
"this notebook needs a newer jacobian_checks" is asking for exactly this.

## On a JupyterHub (for its administrator)

The image installs `requirements.txt` (`pip install -r requirements.txt` in this folder). To
leave out nbgrader's tools for instructors, as `{lab_config}` does here:

```sh
jupyter labextension disable --level=sys_prefix {instructor_plugins}
jupyter labextension lock --level=sys_prefix {instructor_plugins}
jupyter server extension disable --sys-prefix {instructor_server_extensions}
```

and, if the hub has no nbgrader exchange (the notebooks go out and come back through your
course's website), the Assignments and Courses tabs, which could only show errors:

```sh
jupyter labextension disable --level=sys_prefix {exchange_plugins}
jupyter labextension lock --level=sys_prefix {exchange_plugins}
jupyter server extension disable --sys-prefix {exchange_server_extensions}
```

## Submit

Save the notebooks and submit the `{assignment}/` folder as your course asks (nbgrader's
Assignments tab, or a zip of the folder through your course's website).
"""

VALIDATE_CONFIG = '''\
"""Settings of nbgrader's Validate button and of `nbgrader validate` for these notebooks."""

c = get_config()  # noqa: F821 -- provided by nbgrader when it loads this file

# Separators of 90 characters, and lines cut after 87 (nbgrader's default): the checks wrap
# their messages to 80 characters, so none of their lines is cut.
c.Validator.width = 90
# Unix sockets between Jupyter and the kernel: no "running over TCP without encryption"
# warning in the output.
c.KernelManager.transport = "ipc"
'''


def build_wheel(directory: Path, student: Path = STUDENT) -> Path:
    """Build the wheel of the student package (the project folder ``student``) into
    ``directory``; its path.

    It is built from a copy of ``student/`` in ``directory``: setuptools writes a ``build/``
    folder next to the sources, which two builds at once (tests in parallel) would share."""
    sources = directory / "student-sources"
    shutil.copytree(student, sources, ignore=shutil.ignore_patterns(
        "build", "*.egg-info", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--disable-pip-version-check", "--wheel-dir", str(directory),
                    str(sources)], check=True)
    shutil.rmtree(sources)
    (wheel,) = directory.glob("jacobian_checks-*.whl")
    return wheel


def build_date(environ: Mapping[str, str] = os.environ) -> tuple[int, int, int, int, int, int]:
    """The date every entry of a bundle carries, as a zip stores it (year to second).

    ``SOURCE_DATE_EPOCH``, in UTC, if it is set: a reproducible build, whose bytes do not
    depend on where or when it runs. Otherwise now, in local time, which is how unzip tools
    read a zip's dates."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    moment = time.gmtime(max(int(epoch), DOS_EPOCH)) if epoch else time.localtime()
    year, month, day, hour, minute, second = moment[:6]
    return year, month, day, hour, minute, second


def readme(assignment: str, wheel: str, version: str) -> str:
    """The bundle's ``README.md``."""
    lab = literal_assignments(LAB_CONFIG)
    listed = {name.lower(): " ".join(map(str, lab[name])) for name in (
        "INSTRUCTOR_PLUGINS", "INSTRUCTOR_SERVER_EXTENSIONS", "EXCHANGE_PLUGINS",
        "EXCHANGE_SERVER_EXTENSIONS")}
    return STUDENT_README.format(
        assignment=assignment, count=len(cases_of(assignment)), wheel=wheel, version=version,
        course_text=COURSE_TEXT, lab_config=LAB_CONFIG.name, **listed)


def write_bundle(assignment: str, destination: Path | None = None) -> Path:
    """Write the zip of ``assignment`` (replacing an older one), by default
    ``dist/<assignment>-student.zip``; its path.

    Refused while the student package's recorded version is stale (see
    :func:`course.package_version.require_current`)."""
    destination = destination or DIST / f"{bundle_folder(assignment)}.zip"
    destination.parent.mkdir(parents=True, exist_ok=True)
    version = require_current()
    date = build_date()
    with tempfile.TemporaryDirectory(prefix="jacobians-bundle-") as scratch:
        wheel = build_wheel(Path(scratch))
        files = {f"{assignment}/{path.name}": path.read_bytes()
                 for path in sorted((ROOT / "release" / assignment).glob("*.ipynb"))}
        files[wheel.name] = wheel.read_bytes()
        files[COURSE_TEXT] = nbformat.writes(
            course_text_notebook(student_document(assignment))).encode()
        files["README.md"] = readme(assignment, wheel.name, version).encode()
        files["requirements.txt"] = (f"# A JupyterHub image for the course\n./{wheel.name}\n"
                                     "jupyterlab>=4\nnbgrader>=0.9.6\n").encode()
        files["nbgrader_config.py"] = VALIDATE_CONFIG.encode()
        files[LAB_CONFIG.name] = LAB_CONFIG.read_bytes()
        temporary = destination.with_suffix(".zip.tmp")
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as bundle:
            for name, data in sorted(files.items()):
                bundle.writestr(zipfile.ZipInfo(f"{bundle_folder(assignment)}/{name}", date),
                                data)
        shutil.move(temporary, destination)
    return destination


def main() -> int:
    if version := record_version():
        print(f"student package: version {version} (its cases or references changed)")
    for assignment in ASSIGNMENTS:
        print(write_bundle(assignment))
    return 0


if __name__ == "__main__":
    sys.exit(main())
