"""Record a notebook graded on a cluster worker into the course's own gradebook.

A cluster worker runs nbgrader's whole autograde pipeline on a private copy of the course
(:mod:`.station`) and sends back the autograded notebooks. The instructor's process then runs
nbgrader's ``Autograde`` once more on the submission, with the course's own preprocessors,
except that :class:`ReplayExecute` takes the place of the one that runs kernels: it hands on
the notebook the worker executed and judged. ``SaveAutoGrades``, ``AssignLatePenalties`` and
the rest then write the rows to the course's gradebook exactly as in a local run, and one
process writes the gradebook, whatever the number of workers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbconvert.preprocessors import ExecutePreprocessor
from nbformat import NotebookNode
from nbgrader.converters import Autograde
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode
from traitlets.config import Config
from traitlets.utils.importstring import import_item

from ..notebook_files import read_notebook


class ReplayMismatch(Exception):
    """The recorded notebook is not the submission this process sanitized."""


class ReplayExecute(NbGraderPreprocessor):
    """Instead of running the notebook, take the one a cluster worker ran and judged.

    The recording must hold the same cells, in the same order and with the same sources, as
    the notebook sanitized here: a worker with another copy of the tests is refused.
    """

    recordings = Unicode("", help="Folder holding each student's recorded notebooks, as "
                         "<student>/<notebook>.ipynb.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any) -> tuple[NotebookNode, Any]:
        ids = resources["nbgrader"]
        path = Path(self.recordings) / ids["student"] / f"{ids['notebook']}.ipynb"
        if not path.is_file():
            raise ReplayMismatch(f"{ids['notebook']} was not graded on the cluster")
        recorded = read_notebook(path.parent, path.name)  # bounded: a worker sent it
        if _cells(recorded) != _cells(nb):
            raise ReplayMismatch(
                f"{ids['notebook']}: the worker graded other cells than this machine's "
                "(another copy of the course's tests?)")
        return recorded, resources


def _cells(nb: NotebookNode) -> list[tuple[str, str, object]]:
    """What must be the same in both: each cell's type, source and nbgrader metadata (its
    grade_id and points)."""
    return [(cell.cell_type, cell.source, cell.metadata.get("nbgrader")) for cell in nb.cells]


def replaying(config: Config, recordings: Path) -> Config:
    """``config`` with the preprocessor of ``Autograde`` that runs kernels replaced by
    :class:`ReplayExecute` reading ``recordings``."""
    replayed = Config(config)
    configured = (config.Autograde.get("autograde_preprocessors")
                  or Autograde.class_traits()["autograde_preprocessors"].default())
    steps = [import_item(step) if isinstance(step, str) else step for step in configured]
    runners = [step for step in steps if issubclass(step, ExecutePreprocessor)]
    if len(runners) != 1:
        raise ValueError("the course's Autograde.autograde_preprocessors must hold exactly one "
                         f"preprocessor that runs the notebook, not {len(runners)}")
    replayed.Autograde.autograde_preprocessors = [
        ReplayExecute if step is runners[0] else step for step in steps]
    replayed.ReplayExecute.recordings = str(recordings)
    return replayed
