"""nbgrader preprocessors that ``nbgrader_config.py`` plugs into the course's pipeline."""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor


class StripTestTracebacks(NbGraderPreprocessor):
    """Reduce the tracebacks of test cells to their last line, ``ename: evalue``.

    nbgrader 0.9.6 puts the restored test source, hidden tests included, into feedback, and
    a traceback quotes the failing line, hidden or not (jupyter/nbgrader#1363). Used after
    ``ClearHiddenTests`` in ``GenerateFeedback``, the student sees the message of a failed
    check (which names the sizes it used, not its code) and never the hidden source.
    """

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict,
                        index: int) -> tuple[NotebookNode, ResourcesDict]:
        if utils.is_grade(cell) and cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources
