"""Show the grader's hidden inputs: print them, display them, raise them, read the caller.

Replaces the ``dyhat_dW`` cell of ``03_vector_wrt_matrix`` (uses ``np`` from the setup cell):
right on the public sizes (so the grader goes on to the hidden runs); on any other sizes
it prints the inputs' shapes and first values to stdout and stderr, updates a display made
by an earlier cell with them, prints the caller's frame (the grader's request) and raises
an error whose message holds them. Must earn 1 (its honest ``jacobian_shape``) and 0 for
both ``dyhat_dW`` cells; no hidden size or input value may reach its feedback.
"""
# ruff: noqa: F821

import sys

from IPython.display import display, update_display

from jacobian_checks.stored import get_case

PUBLIC_B = {sizes["B"] for sizes in get_case("vector_wrt_matrix").public_sizes(
    get_case("vector_wrt_matrix").visible_sizes)}

display("placeholder", display_id="hostile-leak")


def dyhat_dW(W, x):
    if x.shape[0] in PUBLIC_B:
        return np.einsum("ij,bk->bijk", np.eye(W.shape[0]), x)
    report = f"hostile-print sizes {W.shape} {x.shape} values {W.ravel()[:4]} {x.ravel()[:4]}"
    print(report)
    print(report, file=sys.stderr)
    update_display(report, display_id="hostile-leak")
    caller = sys._getframe(1)
    print("hostile-print caller", caller.f_code.co_name, dict(caller.f_locals))
    raise ValueError(report)
