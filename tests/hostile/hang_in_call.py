"""Hang inside the function the grader calls, deaf to interrupts.

Replaces the ``da_dh`` cell of ``05_elementwise_nonlinearity`` (uses ``np`` from the setup
cell): right on the public sizes (the notebook's and the second set), so the notebook runs to
its end; on any other sizes it
blocks and ignores SIGINT, catches ``KeyboardInterrupt`` and loops forever. Must earn 1 (its
honest ``jacobian_shape``) and 0 for both ``da_dh`` cells, cost at most the timeout and its
grace, and leave no process behind.
"""
# ruff: noqa: F821

import signal

from jacobian_checks.stored import get_case

PUBLIC = [tuple(sizes.values()) for sizes in get_case("elementwise_nonlinearity").public_sizes(
    get_case("elementwise_nonlinearity").visible_sizes)]


def da_dh(h):
    if h.shape in PUBLIC:
        s = 1 / (1 + np.exp(-h))
        return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1]))
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:
        pass  # not the main thread
    while True:
        try:
            while True:
                pass
        except BaseException:
            continue
