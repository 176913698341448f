"""Verdicts made outside the student's kernel.

After a student's notebook has run, :class:`~autograder.verify.executor.VerifiedExecute` (the
``Execute`` step of the course's ``nbgrader autograde``) asks that kernel to call the student's
functions on inputs the grader chose -- the notebook's own and hidden ones -- and judges what
comes back with the checks' verdicts, in the grading process. The test cells' outputs are
replaced by these verdicts, which nbgrader then scores:

- :mod:`.plan`: which checks a test cell asks for, read from its source in the gradebook;
- :mod:`.kernel_calls`: the calls, as plain data over the kernel protocol;
- :mod:`.replies`: what a kernel may answer, parsed and checked;
- :mod:`.judge`: runs and verdicts for every test cell;
- :mod:`.executor`: the nbgrader preprocessor.
"""
