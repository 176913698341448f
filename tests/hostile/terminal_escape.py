"""Terminal escape sequences in a file name, to rewrite what the instructor's terminal shows.

The whole submission is one notebook, this cell in a copy of ``01_scalar_wrt_scalar`` (as
its ``dloss_dyhat`` cell), saved under a file name that starts with escape sequences which
erase the line and print a made-up result (``ESC[2K ESC[1G honest-full scored 0``): the kind
of name the grader's summary quotes ("... is not part of the assignment"). Nothing of the
assignment is submitted, so it must earn 0; the grader's output must hold no escape
sequence.
"""
# ruff: noqa: F821


def dloss_dyhat(y, yhat):
    return -np.einsum("i,bj->bij", np.ones(1), y - yhat)
