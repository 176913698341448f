"""``make bundle``: what students receive, one zip per assignment,
``dist/<assignment>-student.zip``.

Each zip holds one folder, ``<assignment>-student/``, with:

- ``<assignment>/``: the assignment's release notebooks;
- the student package as a wheel (``jacobian_checks``, NumPy only): the checks the test cells
  import and the references of the notebooks' own sizes -- no solution, no hidden test, no
  way to compute a reference for other inputs;
- ``course-document.md``: the course's text of the rule and the five cases;
- ``README.md``: how to install, open the notebooks, check and submit them;
- ``requirements.txt``: what a JupyterHub image for the course installs;
- ``nbgrader_config.py``: the Validate button's settings (full-width messages, no network
  transport warnings).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from jacobian_checks.cases import ASSIGNMENTS, cases_of

from .workspace import ROOT

DIST = ROOT / "dist"


def bundle_folder(assignment: str) -> str:
    """The folder the zip of ``assignment`` unpacks to."""
    return f"{assignment}-student"


STUDENT_README = """\
# Jacobians, assignment `{assignment}`: the student notebooks

You code the Jacobians that backpropagation is made of, with NumPy `einsum`, in {count}
notebooks (`{assignment}/`). The rule, and the five cases of the first assignment, are in
`course-document.md`.

## Install (once)

You need Python 3.11 or newer. In a terminal, in this folder:

```sh
python3 -m venv .venv
. .venv/bin/activate            # on Windows: .venv\\Scripts\\activate
pip install {wheel} jupyterlab nbgrader
```

The wheel holds the checks the notebooks' test cells import (package `jacobian_checks`); it
needs only NumPy. `nbgrader` adds the **Validate** button; without it everything else works.
In an existing environment (Anaconda, Colab, a JupyterHub), `pip install {wheel}` is enough: it
pins nothing and keeps your NumPy.

## Work

```sh
jupyter lab
```

Open a notebook of `{assignment}/`, in order. In each one:

1. Read the rule and the math, and predict the Jacobian's shape in `jacobian_shape(...)`.
2. Replace each `raise NotImplementedError()` with your code.
3. Run the test cells below each answer (Shift+Enter). A passed test prints one line, e.g.
   `Passed: the shape and values of dloss_dyhat(y, yhat), at B=256, D=10.` A failed test
   shows what is wrong first, and names the mistake when it is a common one.
4. Press **Validate** in the toolbar to run the whole notebook's tests at once.

When your course grades the notebooks, it checks your functions again on other sizes and
random inputs it keeps secret: take every size from the arguments (`y.shape`, `W.shape[0]`),
never from a constant.

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


def build_wheel(directory: Path) -> Path:
    """Build the student package's wheel into ``directory``; its path.

    It is built from a copy of ``student/`` in ``directory``: setuptools writes a ``build/``
    folder next to the sources, which two builds at once (tests in parallel) would share."""
    sources = directory / "student-sources"
    shutil.copytree(ROOT / "student", sources, ignore=shutil.ignore_patterns(
        "build", "*.egg-info", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--disable-pip-version-check", "--wheel-dir", str(directory),
                    str(sources)], check=True)
    shutil.rmtree(sources)
    (wheel,) = directory.glob("jacobian_checks-*.whl")
    return wheel


def write_bundle(assignment: str, destination: Path | None = None) -> Path:
    """Write the zip of ``assignment`` (replacing an older one), by default
    ``dist/<assignment>-student.zip``; its path."""
    destination = destination or DIST / f"{bundle_folder(assignment)}.zip"
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jacobians-bundle-") as scratch:
        wheel = build_wheel(Path(scratch))
        files = {f"{assignment}/{path.name}": path.read_bytes()
                 for path in sorted((ROOT / "release" / assignment).glob("*.ipynb"))}
        files[wheel.name] = wheel.read_bytes()
        files["course-document.md"] = (ROOT / "docs" / "course-document.md").read_bytes()
        files["README.md"] = STUDENT_README.format(
            wheel=wheel.name, assignment=assignment, count=len(cases_of(assignment))).encode()
        files["requirements.txt"] = (f"# A JupyterHub image for the course\n./{wheel.name}\n"
                                     "jupyterlab>=4\nnbgrader>=0.9.6\n").encode()
        files["nbgrader_config.py"] = VALIDATE_CONFIG.encode()
        temporary = destination.with_suffix(".zip.tmp")
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as bundle:
            for name, data in sorted(files.items()):
                bundle.writestr(zipfile.ZipInfo(f"{bundle_folder(assignment)}/{name}",
                                                (2026, 1, 1, 0, 0, 0)), data)
        shutil.move(temporary, destination)
    return destination


def main() -> int:
    for assignment in ASSIGNMENTS:
        print(write_bundle(assignment))
    return 0


if __name__ == "__main__":
    sys.exit(main())
