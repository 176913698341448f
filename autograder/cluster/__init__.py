"""Grading on a Dask distributed cluster (``python -m autograder grade --scheduler``).

- :mod:`.kit`: what travels through the cluster: the course's grading kit, students' files;
- :mod:`.station` and :mod:`.grading_process`: what runs on a worker: a private copy of the
  course and the local grading loop, kept warm between students;
- :mod:`.replay`: the autograded notebooks a worker sends back, recorded in the course's
  gradebook by nbgrader, in the instructor's process only;
- :mod:`.dispatch`: the instructor's side of a run, on a cluster reached over TLS
  (:mod:`.access`) or on a local one only the instructor's process can use (:mod:`.private`).
"""
