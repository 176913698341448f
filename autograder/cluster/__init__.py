"""Grading on a Dask distributed cluster (``python -m autograder grade --scheduler``).

- :mod:`.kit`: what travels through the cluster: the course's grading kit, students' files;
  and the copy of a course a kit makes, with a gradebook of its own;
- :mod:`.station`: what runs on a worker: a private copy of the course and the same grading
  supervisor as a local run's (:mod:`autograder.grading.supervisor`), kept warm between
  students;
- :mod:`.replay`: the autograded notebooks a worker sends back, recorded in the course's
  gradebook by nbgrader, in the instructor's process only (where nbgrader shares its
  database engines: :mod:`autograder.grading.warm_nbgrader`);
- :mod:`.dispatch`: the instructor's side of a run, :class:`~.dispatch.DaskCluster` (a
  :class:`autograder.grading.backend.Backend`), on a cluster reached over TLS (:mod:`.access`)
  or on a local one only the instructor's process can use (:mod:`.private`).

This package imports :mod:`autograder.grading`, never the other way round
(``tests/test_imports.py``).
"""
