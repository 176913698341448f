"""``python -m autograder grade``: grading a class (:mod:`.run`), wherever it is graded.

- :mod:`.run` plans a run and records it (:mod:`.state`, :mod:`.scan`, :mod:`.inputs`), and
  :mod:`.progress` and :mod:`.summary` show it;
- :mod:`.backend`: the one interface of the places a run grades, and the local pool;
- :mod:`.supervisor` and :mod:`.process`: grading processes and their one supervisor
  (deadline, kill, death), on this machine or a cluster worker's;
- :mod:`.worker`: the grader of one student, nbgrader's ``Autograde`` (:mod:`.failures`);
- :mod:`.settings`: the run's configuration, as traitlets (where the time goes:
  :mod:`autograder.stages`).
"""
