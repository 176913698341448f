"""Grading on Gradescope: the autograder zip, and what it does there for each submission.

- :mod:`.export`: ``python -m autograder export --format gradescope ASSIGNMENT`` writes the
  zip Gradescope takes (``setup.sh`` and ``run_autograder`` from :mod:`.scripts`, the kit's
  grader and checks, the assignment's kit: config, source notebooks, secret);
- :mod:`.run`: ``run_autograder``'s body, which grades one submission with the grader of
  ``python -m autograder grade`` and writes ``results.json`` (:mod:`.results`) from the
  upload matched to the notebooks (:mod:`.submission`);
- :mod:`.protection`: the sandbox where it works, else the kernel as an unprivileged user
  (:mod:`.provisioner`, :mod:`.unprivileged`), else a refusal.

Nothing is imported here: :mod:`.unprivileged` runs before every kernel of the fallback.
"""
