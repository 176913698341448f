"""The grader of the Jacobians course: trusted code that never runs in a student's kernel.

- :mod:`autograder.verify`: verdicts made outside the student's kernel, on the notebook's
  sizes and on hidden ones drawn from the course secret (:mod:`autograder.hidden`);
- :mod:`autograder.sandbox`: the Linux namespaces every student kernel runs in;
- :mod:`autograder.grading`, :mod:`autograder.report`: ``python -m autograder grade|report``.

The checks the notebooks' test cells import are the separate student package
``jacobian_checks``; the grader uses its verdicts and adds what students never receive: the
reference Jacobians (:mod:`autograder.references`) and the hidden runs.
"""

import sys

# nbformat imports jsonschema, which builds a parser of IRIs as it is imported when
# rfc3987-syntax is installed (jupyter-events requires it): 0.9 s of CPU at the start of every
# process that reads a notebook, for a format check that nothing reading notebooks uses.
# Marked as absent before anything imports jsonschema, it is left out and the check with it.
if "rfc3987_syntax" not in sys.modules:
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # import's mark of absence
