"""The course's cases, one folder each: ``cases/<assignment>/<key>/``.

A case is one Jacobian the students derive and code, one notebook. Everything about it lives in
its folder:

- ``math.py``: ``CASE``, a :class:`~cases.case.Case` -- the graded function and its inputs,
  the Jacobian's layout, the math (``forward``), the notebook's sizes, the second public ones
  and the ranges of the hidden ones, and the mistakes the diagnoses name. The grader reads it
  (:mod:`cases.registry`), and ``make notebooks`` builds from it what the student package
  holds: the case as its checks know it, and sealed, what they compare with
  (``course/student_data.py``) -- never the layout in clear, nor the math.
- ``text.py``: ``TEXT``, what the notebook says and its solution cells
  (:class:`course.notebook_text.NotebookText`). Only the course builder reads it.
- ``answers.py``: the case's answers, right and wrong, written as decorated functions, that
  test the grader (:mod:`course.answer_bank` collects them). Only the course's tests and
  builder read them.

An assignment is a package here, listed in :data:`ASSIGNMENT_FOLDERS`, whose ``__init__.py``
names it and lists its case folders in the order of its notebooks. Adding a case is adding a
folder and listing it (``python -m course new-case ASSIGNMENT KEY`` writes both; see the
README's "Changing or adding a case"). Modules here that are no case's (:mod:`.functions`,
:mod:`.stand_ins`) hold the math several cases share.
"""

ASSIGNMENT_FOLDERS = ("jacobians", "backprop")
"""The assignments, each a package of case folders, in the course's order."""
