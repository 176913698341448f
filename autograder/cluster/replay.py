"""Record a notebook graded on a cluster worker into the course's own gradebook.

A cluster worker runs nbgrader's whole autograde pipeline on a private copy of the course
(:mod:`.station`) and sends back the autograded notebooks. The instructor's process then runs
nbgrader's ``Autograde`` on the submission once more, as :class:`ReplayingAutograde`: for each
notebook, instead of sanitizing the submission and running it, it takes the notebook the
worker sanitized, ran and judged, and runs the rest of the course's autograde preprocessors
on it: those that save the grades, late penalties and flags write the rows to the course's
gradebook exactly as in a local run, and one process writes the gradebook, whatever the
number of workers.

That the worker graded with the course's own tests is checked with each recording
(:func:`autograder.cluster.kit.cells_fingerprint`): its gradebook, made from the kit, must
hold the same cells as the course's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from nbconvert.preprocessors import ExecutePreprocessor
from nbgrader.converters import Autograde
from nbgrader.converters.base import BaseConverter
from traitlets import Unicode
from traitlets.config import Config
from traitlets.utils.importstring import import_item

from ..grading.failures import ErrorKeepingAutograde


class ReplayMismatch(Exception):
    """A notebook of the submission has no recording from the cluster."""


class ReplayingAutograde(ErrorKeepingAutograde):
    """nbgrader's ``Autograde`` (keeping its errors) that records what a cluster worker
    graded: each notebook's recording takes the place of the sanitized submission, and the
    autograde preprocessors other than the one that runs kernels (:func:`replaying`) run on
    it. The rest -- the student and submission rows, the files copied, a missing notebook
    scored 0 -- is ``Autograde``'s own."""

    recordings = Unicode("", help="Folder holding each student's recorded notebooks, as "
                         "<student>/<notebook>.ipynb.").tag(config=True)

    def convert_single_notebook(self, notebook_filename: str) -> None:
        ids = self.init_single_notebook_resources(notebook_filename)["nbgrader"]
        recorded = Path(self.recordings) / ids["student"] / f"{ids['notebook']}.ipynb"
        if not recorded.is_file():
            raise ReplayMismatch(f"{ids['notebook']} was not graded on the cluster")
        graded = Path(self._format_dest(ids["assignment"], ids["student"])) / recorded.name
        graded.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(recorded, graded)
        self._sanitizing = False
        self._init_preprocessors()
        try:
            BaseConverter.convert_single_notebook(self, str(graded))
        finally:
            self._sanitizing = True


def replaying(config: Config, recordings: Path) -> Config:
    """``config`` for :class:`ReplayingAutograde` reading ``recordings``: the course's
    autograde preprocessors without the one that runs kernels."""
    replayed = Config(config)
    configured = (config.Autograde.get("autograde_preprocessors")
                  or Autograde.class_traits()["autograde_preprocessors"].default())
    steps = [import_item(step) if isinstance(step, str) else step for step in configured]
    runners = [step for step in steps if issubclass(step, ExecutePreprocessor)]
    if len(runners) != 1:
        raise ValueError("the course's Autograde.autograde_preprocessors must hold exactly one "
                         f"preprocessor that runs the notebook, not {len(runners)}")
    replayed.Autograde.autograde_preprocessors = [step for step in steps
                                                  if step is not runners[0]]
    replayed.ReplayingAutograde.recordings = str(recordings)
    return replayed
