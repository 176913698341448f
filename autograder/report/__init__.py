"""The course report: ``python -m autograder report ASSIGNMENT``.

A pipeline of small steps, pure but for the last:

- :mod:`.score_tables`, :mod:`.mistakes`, :mod:`.problems`: gradebook rows, autograded
  notebooks and grading records to plain dataclasses; :mod:`.contents` gathers them into a
  :class:`~.contents.CourseReport`;
- :mod:`.plots`: the report's data to PNG images (matplotlib, Agg);
- :mod:`.page`, :mod:`.csv_files`: the report to a self-contained HTML page and CSV text;
- :mod:`.write`: reads the course directory and writes the files.
"""

from .write import ReportFiles, write_report

__all__ = ["ReportFiles", "write_report"]
