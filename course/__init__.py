"""The course builder: notebooks, the student package's data, bundles and the demo class."""

import autograder  # noqa: F401  -- first, so that notebooks are read at its lower start-up cost
