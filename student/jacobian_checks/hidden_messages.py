"""What a failed hidden run says: one of a few fixed texts per check, the same for everyone.

A hidden run's sizes and inputs are secret, and its message must not carry them. Any choice a
message offers is a channel: a function that fails on purpose in one of several ways on a
hidden run (an exception of one name or another, a shape, one named mistake or another) could
spell its sizes out in its feedback. So the message of a failed hidden run depends only on the
case, the check, and the *kind* of failure (:data:`KINDS`), never on what the function did:

========================  ==================  =========  ============================
kind                      predicted shape     shape      values
========================  ==================  =========  ============================
``did_not_run``           yes                 yes        yes
``not_an_array``          yes (not a tuple)   yes        yes (float16 too)
``wrong_shape``           yes                 yes        yes
``not_finite``                                           yes
``wrong_values``                                         yes
========================  ==================  =========  ============================

At most 3, 3 and 5 texts (:func:`hidden_texts`). A test cell's verdict on its hidden runs is
its first failure, and the three cells of a notebook share their hidden runs (the values
check reuses the shape check's call), so a notebook's feedback tells at most which of 4 x 6 =
24 outcomes its hidden runs had, under 5 bits, where the hidden ``B`` alone takes one of more
than 30 values. What a hidden run revealed about the mistake (the diagnosis, the exception's
name) is kept in the grader's records for the course report, not shown.

Hidden runs are only reached by a function that passed the notebook's sizes and the second,
public set (:attr:`jacobian_checks.public_case.PublicCase.second_sizes`), where every message
names the mistake: the texts send the student back to test their function on sizes of their
own.
"""

from __future__ import annotations

HIDDEN = "On a hidden test (other sizes and inputs, kept secret), "
"""How the message of a hidden run starts."""

KINDS = {"missing": "did_not_run", "not_callable": "did_not_run", "raised": "did_not_run",
         "timed_out": "did_not_run", "no_reply": "did_not_run", "wrong_type": "not_an_array",
         "too_coarse": "not_an_array", "wrong_shape": "wrong_shape",
         "not_finite": "not_finite", "wrong_values": "wrong_values"}
"""The kind of failure each verdict is, on a hidden run."""

_WHAT = {
    "did_not_run": "raised an exception, or gave no answer in time",
    "not_an_array": "did not return an array of real numbers that can be checked",
    "wrong_shape": "returned an array of the wrong shape",
    "not_finite": "returned entries that are NaN or infinite",
    "wrong_values": "returned the right shape but wrong values",
}
_WHAT_PREDICTED = {**_WHAT, "not_an_array": "did not return a tuple of ints",
                   "wrong_shape": "returned a wrong shape"}

CHECK_KINDS = {"predicted_shape": ("did_not_run", "not_an_array", "wrong_shape"),
               "shape": ("did_not_run", "not_an_array", "wrong_shape"),
               "values": ("did_not_run", "not_an_array", "wrong_shape", "not_finite",
                          "wrong_values")}
"""The kinds of failure each check can have on a hidden run."""

ADVICE = ("This test cell passes in your notebook, on the notebook's sizes and on its second "
          "sizes, so what fails depends on the sizes: take every size from the arguments, "
          "never type one in, and try your function on sizes of your own.")


def hidden_message(call: str, check: str, verdict: str) -> tuple[str, ...]:
    """The lines of a failed hidden run: ``call`` in symbols (``dloss_dyhat(y, yhat)``,
    ``jacobian_shape(B, D)``), the check, and the verdict (a key of :data:`KINDS`).

    Examples
    --------
    Whatever the function raised, and whatever mistake its wrong shape was, the text is the
    same:

    >>> first, advice = hidden_message("g(u, v)", "shape", "raised")
    >>> print(first)  # doctest: +NORMALIZE_WHITESPACE
    On a hidden test (other sizes and inputs, kept secret), g(u, v) raised an exception, or
    gave no answer in time.
    >>> hidden_message("g(u, v)", "shape", "timed_out") == (first, advice)
    True
    >>> print(hidden_message("jacobian_shape(N, K)", "predicted_shape",
    ...                      "wrong_shape")[0])  # doctest: +NORMALIZE_WHITESPACE
    On a hidden test (other sizes and inputs, kept secret), jacobian_shape(N, K) returned a
    wrong shape.
    >>> hidden_message("g(u, v)", "shape", "wrong_values")
    Traceback (most recent call last):
        ...
    ValueError: a shape check has no hidden failure of kind 'wrong_values'
    """
    kind = KINDS[verdict]
    if kind not in CHECK_KINDS[check]:
        raise ValueError(f"a {check} check has no hidden failure of kind {kind!r}")
    what = (_WHAT_PREDICTED if check == "predicted_shape" else _WHAT)[kind]
    return (f"{HIDDEN}{call} {what}.", ADVICE)


def hidden_texts(call: str, check: str) -> set[str]:
    """Every message a failed hidden run of ``check`` can show for ``call``.

    Examples
    --------
    >>> len(hidden_texts("g(u, v)", "shape")), len(hidden_texts("g(u, v)", "values"))
    (3, 5)
    """
    verdicts = {kind: verdict for verdict, kind in KINDS.items()}
    return {"\n".join(hidden_message(call, check, verdicts[kind]))
            for kind in CHECK_KINDS[check]}
