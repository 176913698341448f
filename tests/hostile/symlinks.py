"""Symbolic links in the submission folder, to the course's own files.

The submission of ``02_scalar_wrt_vector`` comes with relative links, as a collection that
keeps links (a git repository) delivers them, or as copies of their targets, which is what
nbgrader's exchange ``collect`` makes of links a student leaves in its inbound folder:
``01_scalar_wrt_scalar.ipynb`` to the instructor's ``source/`` notebook (solutions
included), ``secret.txt`` to ``course_secret.key`` and ``gradebook.db`` to the gradebook.
This cell replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector`` and prints what the
files beside it hold; ``dloss_dyhat`` is not implemented. Must earn 0 for the linked
notebook (the instructor's work, not the student's), and 1 (its honest ``jacobian_shape``),
0 and 0 in ``02_scalar_wrt_vector``; no course file may reach the kernel or the student's
feedback.
"""

import os

for name in sorted(os.listdir(".")):
    try:
        with open(name, "rb") as file:
            print(name, file.read(100))
    except OSError as exc:
        print(name, exc.strerror)


def dloss_dyhat(y, yhat):
    raise NotImplementedError()
