"""Rebuild ``source/``, ``release/`` and ``solutions/`` of every assignment.

``source/`` is built from :mod:`course.content` and :mod:`course.notebooks`; ``release/``
and ``solutions/`` come from the real ``nbgrader generate_assignment`` and
``nbgrader generate_solution`` run with the course's ``nbgrader_config.py`` in a scratch
course directory (so no gradebook is left behind). Generating the solutions executes them,
and a solution whose tests fail stops the rebuild.

It also writes what the student package stores for the notebooks' checks (its cases and,
sealed, the references of the notebooks' public sizes: :mod:`course.student_data`), raises the
student package's version when those changed (:mod:`course.package_version`), and writes the
full course text of each assignment, with its code, into ``solutions/<assignment>/``
(:mod:`course.documents`): ``python -m autograder release-solutions`` releases it with the
solution notebooks, after the due date; ``release/``, which students get, never holds it. Run
``make notebooks`` (or ``python -m course.regenerate``) after changing a case or its text.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from nbgrader.converters import GenerateAssignment, GenerateSolution
from nbgrader.preprocessors import Execute

from autograder.course_config import load_course_config
from cases.registry import ASSIGNMENTS, CASES

from .documents import FULL_NOTEBOOK, full_notebook
from .notebooks import write_source
from .package_version import record_version
from .student_data import package_data, write_package_data
from .workspace import ROOT, convert

GENERATED = ("source", "release", "solutions")


def render_course(workdir: Path, *, execute_solutions: bool = True
                  ) -> dict[str, dict[str, nbformat.NotebookNode]]:
    """Build all three versions in ``workdir``;
    ``{directory: {"<assignment>/<file name>": notebook}}``.

    The notebooks are normalized (see :func:`normalize`). Without ``execute_solutions`` the
    solutions are generated without running them: same sources, no outputs. The solutions
    of each assignment include its full course text, ``<assignment>/course-text.ipynb``.
    """
    write_source(workdir / "source")
    shutil.copy(ROOT / "nbgrader_config.py", workdir / "nbgrader_config.py")
    config = load_course_config(workdir)
    if not execute_solutions:
        config.GenerateSolution.preprocessors = [
            pp for pp in GenerateSolution.class_traits()["preprocessors"].default()
            if pp is not Execute]
    for assignment in ASSIGNMENTS:
        convert(workdir, assignment, GenerateAssignment, GenerateSolution, config=config)
    rendered = {}
    for directory in GENERATED:
        notebooks = sorted((workdir / directory).glob("*/*.ipynb"))
        rendered[directory] = {path.relative_to(workdir / directory).as_posix():
                               normalize(nbformat.read(path, as_version=4)) for path in notebooks}
    if execute_solutions:
        _require_passing_solutions(rendered["solutions"])
    for assignment in ASSIGNMENTS:
        rendered["solutions"][f"{assignment}/{FULL_NOTEBOOK}"] = normalize(
            full_notebook(assignment))
    return rendered


def normalize(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop the fields that change from one run or machine to the next: execution timestamps,
    and the details of ``language_info`` (such as the Python version) an executing kernel adds;
    and join a cell's consecutive stream outputs of one stream, which a kernel splits where
    its output happened to be flushed."""
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if "outputs" in cell:
            cell.outputs = _joined_streams(cell.outputs)
    language = notebook.metadata.get("language_info", {}).get("name", "python")
    notebook.metadata["language_info"] = {"name": language}
    return notebook


def _joined_streams(outputs: list) -> list:
    joined: list = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (output.output_type == "stream" and previous is not None
                and previous.output_type == "stream" and previous.name == output.name):
            previous.text += output.text
        else:
            joined.append(output)
    return joined


def write_course(rendered: dict[str, dict[str, nbformat.NotebookNode]], root: Path) -> None:
    """Replace the committed notebooks under ``root`` with ``rendered``."""
    for directory, notebooks in rendered.items():
        if (root / directory).exists():
            shutil.rmtree(root / directory)
        for name, notebook in notebooks.items():
            (root / directory / name).parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, root / directory / name)


def _require_passing_solutions(solutions: dict[str, nbformat.NotebookNode]) -> None:
    for name, notebook in solutions.items():
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    raise RuntimeError(
                        f"solutions/{name}: cell {cell.metadata.get('nbgrader', {})}"
                        f" fails: {output.ename}: {output.evalue}")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="jacobians-course-") as scratch:
        write_source(Path(scratch) / "source")
        if write_package_data(package_data(CASES.values())):
            print("student/jacobian_checks/cases.json, references.npz: written")
        if version := record_version():
            print(f"student package: version {version} (its cases or references changed)")
        rendered = render_course(Path(scratch))
    write_course(rendered, ROOT)
    for directory, notebooks in rendered.items():
        print(f"{directory}/: {', '.join(notebooks)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
