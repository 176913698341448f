"""Cell metadata of the wrong types, which the grader's submission scan reads before grading.

Replaces the ``dloss_dyhat`` cell of ``01_scalar_wrt_scalar`` with one that is not
implemented; the test then adds a cell whose ``grade_id`` is the number 7 and one whose
``metadata`` is a list. Graded in a class of its own with one honest student (it may
stop ``python -m autograder grade`` before anyone is graded). nbgrader refuses the notebook,
so it must earn 0 in all three cells, flagged for manual grading, and cost the honest student
nothing.
"""


def dloss_dyhat(y, yhat):
    raise NotImplementedError()
