"""The grader of the Jacobians course: trusted code that never runs in a student's kernel.

- :mod:`autograder.verify`: verdicts made outside the student's kernel, on the notebook's
  sizes and on hidden ones drawn from the course secret (:mod:`autograder.hidden`);
- :mod:`autograder.sandbox`: the Linux namespaces every student kernel runs in;
- :mod:`autograder.grading`, :mod:`autograder.report`: ``python -m autograder grade|report``.

The checks the notebooks' test cells import are the separate student package
``jacobian_checks``; the grader uses its verdicts and adds what students never receive: the
reference Jacobians (:mod:`autograder.references`) and the hidden runs.
"""
