"""nbgrader preprocessors that ``nbgrader_config.py`` plugs into the course's pipeline."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell
from nbgrader import api, utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import List

from .flag_mark import MarkRecord, add_note, decide, drop_notes, note_text
from .numdiff import find_numerical_differentiation, notebook_sources
from .terminal import printable
from .verify.records import (
    FlagMark,
    IntegrityFinding,
    NotebookRecord,
    clear_records,
    graded_functions,
    notebook_flags,
    set_notebook_record,
    update_notebook_record,
)


class CoursePreprocessor(NbGraderPreprocessor):
    """An nbgrader preprocessor whose ``display_data_priority`` is configurable again.

    nbconvert's HTML exporter configures ``NbConvertBase.display_data_priority``, which every
    preprocessor it runs inherits. nbgrader 0.9.6's ``NbGraderPreprocessor`` declares that
    trait again without ``config=True``, so traitlets logs "Config option
    `display_data_priority` not recognized" once per nbgrader preprocessor whenever feedback is
    generated. Declared configurable here (as nbgrader's own ``GetGrades`` does), the exporter's
    setting applies quietly.
    """

    display_data_priority = List(
        NbGraderPreprocessor.class_traits()["display_data_priority"].default()).tag(config=True)


class ClearHiddenTestsInFeedback(CoursePreprocessor, ClearHiddenTests):
    """nbgrader's ``ClearHiddenTests``, without the warning of :class:`CoursePreprocessor`."""


class StripTestTracebacks(CoursePreprocessor):
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


SAFE_IMAGES = ("image/png", "image/jpeg", "image/gif")
"""Image types a feedback page may show, as base64 data in an ``<img>``."""

_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")


class ShowStudentContentAsText(CoursePreprocessor):
    """Make what students wrote or displayed inert in a feedback page.

    - Of every output, only ``text/plain`` and base64 PNG, JPEG or GIF images stay; HTML, SVG,
      JavaScript, Markdown, LaTeX, widgets and any other type a student's code can display are
      replaced by a note, and output metadata (file names, sizes that a template would put in
      attributes) is dropped. Streams and errors are escaped by the template.
    - A Markdown cell a student wrote (any cell that is not locked) is shown as preformatted
      text: its raw HTML and links are not rendered.
    - Cell attachments are dropped.

    The course's own Markdown (locked cells) renders as usual.
    """

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict,
                        index: int) -> tuple[NotebookNode, ResourcesDict]:
        cell.pop("attachments", None)
        if cell.cell_type == "markdown" and not utils.is_locked(cell):
            cell.source = "\n".join("    " + line for line in cell.source.splitlines())
        for output in cell.get("outputs", []):
            if "data" in output:
                output.data = _inert(output.data)
                output.metadata = {}
        return cell, resources


def _inert(data: dict) -> dict:
    kept = {kind: value for kind, value in data.items()
            if (kind == "text/plain" and isinstance(value, str))
            or (kind in SAFE_IMAGES and isinstance(value, str) and _BASE64.fullmatch(value))}
    dropped = sorted(set(data) - set(kept) - {"text/plain"})
    if dropped and "text/plain" not in kept:
        kept["text/plain"] = f"[{', '.join(dropped)} output, not shown in feedback]"
    return kept


class ClearGraderRecords(CoursePreprocessor):
    """Drop the grader's records from a submitted notebook: only the grader writes them.

    First in ``Autograde.sanitize_preprocessors``: a student who copied ``autograder``
    metadata (verdicts, integrity flags) into their notebook must not see it reach the course
    report or the grading summary.
    """

    def preprocess(self, nb: NotebookNode,
                   resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        clear_records(nb)
        return nb, resources


class RefuseLinks(CoursePreprocessor):
    """Grade no notebook a student submitted as a symbolic link.

    nbgrader reads a submitted notebook through a symbolic link: a notebook linked to
    ``source/`` would be graded as the student's work. The course's exporter
    (:class:`autograder.submission_exporter.SubmissionExporter`) reads no link, and hands on an
    empty notebook in its place (and has nbgrader copy no linked file). Placed in
    ``Autograde.sanitize_preprocessors`` (they run before any code), this grades a linked
    notebook as the blank release notebook, with a note for the student and an integrity
    flag for the instructor.
    """

    def preprocess(self, nb: NotebookNode,
                   resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        ids = resources["nbgrader"]
        notebook = Path(resources["metadata"]["path"]) / f"{ids['notebook']}.ipynb"
        if notebook.is_symlink():
            coursedir = CourseDirectory(config=self.config)
            release = Path(coursedir.format_path(coursedir.release_directory, ".",
                                                 ids["assignment"])) / notebook.name
            nb = nbformat.read(release, as_version=nbformat.NO_CONVERT)
            nb.cells.insert(0, new_markdown_cell(
                f"**Not graded as your work:** {notebook.name} was submitted as a symbolic link, "
                "not as a notebook file, and the grader reads no link: it graded the blank "
                "notebook instead. Submit the notebook file itself."))
            set_notebook_record(nb, NotebookRecord(integrity=(IntegrityFinding(
                "linked_notebook", "", f"the notebook was submitted as a symbolic link (to "
                f"{os.readlink(notebook)!r}); the blank release notebook was graded"),)))
        return nb, resources


class RepairGradeIds(CoursePreprocessor):
    """Turn graded cells nbgrader cannot place into plain cells, instead of failing.

    Replaces nbgrader's ``DeduplicateIds`` in ``Autograde.sanitize_preprocessors``.

    - A copy-pasted graded cell: two cells with one ``grade_id``. nbgrader 0.9.6 keeps the
      last copy and *empties* the others' nbgrader metadata, which then fails validation as
      "an old version of the nbgrader metadata format" and aborts the whole
      ``nbgrader autograde`` run, every later student included (jupyter/nbgrader#1083).
    - A cell whose ``grade_id`` the student changed: nbgrader deletes the unknown id and the
      notebook then fails validation, scoring nothing.

    Here such cells lose their nbgrader metadata: they run as ordinary cells. The last copy of
    a duplicated cell is graded, and a test cell whose id was changed counts as deleted, so
    ``OverwriteCells.add_missing_cells`` puts the original back and grades it.
    """

    def preprocess(self, nb: NotebookNode,
                   resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        known = self._known_grade_ids(resources["nbgrader"])
        seen: set[str] = set()
        for cell in reversed(nb.cells):
            if not (utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell)):
                continue
            grade_id = cell.metadata.nbgrader.get("grade_id")
            if grade_id in seen or grade_id not in known:
                problem = "exists multiple times" if grade_id in seen else "is unknown"
                self.log.warning("Cell with id '%s' %s: grading it as a plain cell",
                                 grade_id, problem)
                del cell.metadata["nbgrader"]
            else:
                seen.add(grade_id)
        return nb, resources

    @staticmethod
    def _known_grade_ids(ids: dict) -> set[str]:
        with Gradebook(ids["db_url"]) as gradebook:
            notebook = gradebook.find_notebook(ids["notebook"], ids["assignment"])
            return {cell.name for cell in notebook.source_cells}


class SaveAutoGradesAtOnce(CoursePreprocessor):
    """nbgrader's ``SaveAutoGrades``, writing a notebook's rows in one transaction.

    The same rows as nbgrader's: each grade cell's ``auto_score`` (nbgrader's
    ``determine_grade``) and ``needs_manual_grade`` (when a grader's score is already there, or
    the cell has no automatic score), and each solution or task cell's ``auto_comment``
    ("No response." for an unchanged solution cell, else none). nbgrader looks each cell's row
    up and commits after every cell; this reads the notebook's rows once and commits once,
    or writes nothing if a cell names no row of the gradebook (nbgrader's ``MissingEntry``,
    raised as nbgrader raises it).
    """

    def preprocess(self, nb: NotebookNode,
                   resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        ids = resources["nbgrader"]
        with Gradebook(ids["db_url"]) as gradebook:
            submitted = gradebook.find_submission_notebook(
                ids["notebook"], ids["assignment"], ids["student"])
            grades = _rows_by_cell_name(gradebook, api.Grade, submitted.id)
            comments = _rows_by_cell_name(gradebook, api.Comment, submitted.id)
            for cell in nb.cells:
                if utils.is_grade(cell):
                    grade = _row(grades, cell, "grade")
                    grade.auto_score, _ = utils.determine_grade(cell, self.log)
                    grade.needs_manual_grade = (grade.manual_score is not None
                                                or grade.auto_score is None)
                if utils.is_solution(cell) or utils.is_task(cell):
                    unchanged = cell.metadata.nbgrader.get("checksum") == (
                        utils.compute_checksum(cell))
                    _row(comments, cell, "comment").auto_comment = (
                        "No response." if unchanged and not utils.is_task(cell) else None)
            gradebook.db.commit()
        return nb, resources


def _rows_by_cell_name(gradebook: Gradebook, model: Any, notebook_id: str) -> dict[str, Any]:
    """A submitted notebook's rows of ``model`` (``Grade`` or ``Comment``) by the name of
    their cell, in one query (their ``name`` loads each row's cell with one query each)."""
    query = (gradebook.db.query(model, api.BaseCell.name)
             .join(api.BaseCell, model.cell_id == api.BaseCell.id)
             .filter(model.notebook_id == notebook_id))
    return {name: row for row, name in query}


def _row(rows: dict[str, Any], cell: NotebookNode, kind: str) -> Any:
    """The row of ``cell``'s grade_id, or nbgrader's ``MissingEntry``."""
    grade_id = cell.metadata.nbgrader["grade_id"]
    if grade_id not in rows:
        raise MissingEntry(f"No such {kind}: {grade_id}")
    return rows[grade_id]


class FlagForInstructor(CoursePreprocessor):
    """Put the grader's findings where instructors look: nbgrader's own ``flagged`` mark.

    Last in ``Autograde.autograde_preprocessors`` (after the grades are saved: no score depends
    on it), so that every way of grading runs it: ``nbgrader autograde``, ``python -m
    autograder grade``, the formgrader's Autograde button, and the instructor's replay of a
    notebook graded on a cluster. For each notebook it

    1. finds where a graded function differentiates numerically, in the notebook's cells and
       the ``.py`` files beside it (:mod:`autograder.numdiff`), and records it in
       ``notebook.metadata.autograder.numerical_diff``;
    2. sets the formgrader's "Flagged?" mark of the submitted notebook if the notebook has any
       flag (:func:`autograder.verify.records.notebook_flags`: integrity, no sandbox,
       timeouts, stopped early, numerical differentiation), and clears the mark it set at an
       earlier grading when none is left, never a mark set by hand
       (:mod:`autograder.flag_mark`);
    3. says why: a note above the outputs of the notebook's first code cell (dropped from
       feedback by :class:`DropInstructorNotes`), ``notebook.metadata.autograder.flagged``,
       and a warning in the Autograde log.
    """

    def preprocess(self, nb: NotebookNode,
                   resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        ids = resources["nbgrader"]
        found = find_numerical_differentiation(
            notebook_sources(nb.cells, Path(resources["metadata"]["path"])),
            graded_functions(nb))
        update_notebook_record(nb, numerical_diff=tuple(found))
        reasons = tuple(f"{flag.kind}: {flag.detail}" for flag in notebook_flags(nb))
        mark = MarkRecord(Path(CourseDirectory(config=self.config).root), ids["assignment"],
                          ids["student"], ids["notebook"])
        drop_notes(nb)
        update_notebook_record(nb, flagged=FlagMark(reasons, ""))
        if not reasons and not mark.exists():
            return nb, resources  # nothing to flag, no flag of the grader's to clear
        with Gradebook(ids["db_url"]) as gradebook:
            submitted = gradebook.find_submission_notebook(
                ids["notebook"], ids["assignment"], ids["student"])
            previous = mark.read(submitted.id)
            if previous.problem:
                self.log.warning("%s", printable(
                    f"{ids['student']}/{ids['assignment']}/{ids['notebook']}: "
                    f"{previous.problem}"))
            decision = decide(bool(submitted.flagged), previous.mark, reasons)
            submitted.flagged = decision.flagged
            gradebook.db.commit()
            mark.write(submitted.id, decision.mark)
        update_notebook_record(nb, flagged=FlagMark(reasons, decision.note, decision.flagged))
        if decision.note:
            text = note_text(reasons, decision)
            add_note(nb, text)
            self.log.warning("%s", printable(
                f"{ids['student']}/{ids['assignment']}/{ids['notebook']}: {text}"))
        return nb, resources


class DropInstructorNotes(CoursePreprocessor):
    """Drop the grader's notes to the instructor (:class:`FlagForInstructor`) from feedback.

    First in ``GenerateFeedback.preprocessors``: a flag is for the instructor to look into;
    what the student learns of it is the instructor's call.
    """

    def preprocess(self, nb: NotebookNode,
                   resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        drop_notes(nb)
        return nb, resources
