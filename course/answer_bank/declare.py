"""The decorators that declare a function of a case's module an answer of the bank.

A case's module (``cases/<assignment>/<key>/answers.py``) holds its answers as top-level functions,
each under its own name, decorated with what the grader should make of it::

    @right
    def einsum_with_ones(y, yhat):
        return np.einsum("i,bj->bij", np.ones(1), yhat - y)

    @wrong("sign_flipped")
    def forgot_minus(y, yhat):
        return np.einsum("i,bj->bij", np.ones(1), y - yhat)

    @wrong_prediction("missing_batch_axis")
    def predicted_no_batch(B, D):
        return (1, D)

The function's name is the answer's name; the notebook cell it stands for is the function
renamed to the graded name (the case's function, or ``jacobian_shape`` for a prediction of the
Jacobian's shape), with the imports, helpers and constants of the module that it uses
(:mod:`.cells`). The decorators return the function unchanged and record the declaration on
it; :mod:`.bank` collects them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .mistakes import EXPECTATIONS, MISTAKES, SHAPE_MISTAKES

AnswerFunction = TypeVar("AnswerFunction", bound=Callable[..., Any])

NAMES = ("right", "wrong", "right_prediction", "wrong_prediction")
"""The decorators' names, as an answer's module writes them."""

_ATTRIBUTE = "__answer_bank__"


@dataclass(frozen=True)
class OtherDiagnosis:
    """The diagnosis a wrong answer gets where it is not its mistake's, and why.

    Attributes
    ----------
    key : str or None
        The diagnosis it gets; ``None``: none.
    reason : str
        Why, for a reader who doubts it.
    """

    key: str | None
    reason: str


@dataclass(frozen=True)
class Declaration:
    """What a decorator says of its function.

    Attributes
    ----------
    expect : str
        One of :data:`~.mistakes.EXPECTATIONS`.
    mistake : str or None
        One of :data:`~.mistakes.MISTAKES` for a wrong answer, ``None`` for a right one.
    prediction : bool
        An answer for ``jacobian_shape``, not for the case's function.
    other_diagnosis : OtherDiagnosis or None
        Set where the answer does not get the diagnosis of its mistake.
    crashes_at_other_sizes : bool
        A size typed in that makes the function raise, in the student's own code, at sizes
        other than the notebook's: no check names its mistake there.
    """

    expect: str
    mistake: str | None
    prediction: bool
    other_diagnosis: OtherDiagnosis | None = None
    crashes_at_other_sizes: bool = False


def declaration(function: object) -> Declaration | None:
    """What a decorator of this module declared ``function`` to be, if any."""
    found = getattr(function, _ATTRIBUTE, None)
    return found if isinstance(found, Declaration) else None


def right(function: AnswerFunction) -> AnswerFunction:
    """Declare ``function`` a right answer: accepted at every size."""
    return _declare(function, Declaration("pass", None, prediction=False))


def right_prediction(function: AnswerFunction) -> AnswerFunction:
    """Declare ``function`` a right ``jacobian_shape``."""
    return _declare(function, Declaration("pass", None, prediction=True))


def wrong(mistake: str, *, expect: str | None = None, undiagnosed: str | None = None,
          diagnosed_as: str | None = None, because: str | None = None,
          crashes_at_other_sizes: bool = False) -> Callable[[AnswerFunction], AnswerFunction]:
    """Declare the function a wrong answer, with the label of its ``mistake``.

    Parameters
    ----------
    mistake : str
        One of :data:`~.mistakes.MISTAKES`.
    expect : str, optional
        How the grader rejects it; by default ``fails_shape`` for a mistake of
        :data:`~.mistakes.SHAPE_MISTAKES`, ``fails_hidden`` for ``hardcoded_sizes`` and
        ``fails_values`` for the others.
    undiagnosed : str, optional
        Why it gets no diagnosis, though its mistake has one.
    diagnosed_as, because : str, optional
        The diagnosis it gets instead of its mistake's, and why.
    crashes_at_other_sizes : bool
        For a size typed in: at other sizes than the notebook's, it raises in its own code.
    """
    return _wrong(mistake, expect, undiagnosed, diagnosed_as, because, crashes_at_other_sizes,
                  prediction=False)


def wrong_prediction(mistake: str, *, expect: str | None = None
                     ) -> Callable[[AnswerFunction], AnswerFunction]:
    """Declare the function a wrong ``jacobian_shape``; see :func:`wrong`."""
    return _wrong(mistake, expect, None, None, None, False, prediction=True)


def _wrong(mistake: str, expect: str | None, undiagnosed: str | None, diagnosed_as: str | None,
           because: str | None, crashes_at_other_sizes: bool, *, prediction: bool
           ) -> Callable[[AnswerFunction], AnswerFunction]:
    if mistake not in MISTAKES:
        raise ValueError(f"unknown mistake {mistake!r}: see course/answer_bank/mistakes.py")
    expect = expect or _default_expectation(mistake, prediction)
    if expect not in EXPECTATIONS[1:]:
        raise ValueError(f"a wrong answer expects one of {EXPECTATIONS[1:]}, not {expect!r}")
    if (expect == "fails_hidden") != (mistake == "hardcoded_sizes"):
        raise ValueError("a size typed in, and only it, is right at the notebook's sizes: "
                         "mistake 'hardcoded_sizes' goes with expect='fails_hidden'")
    if crashes_at_other_sizes and expect != "fails_hidden":
        raise ValueError("crashes_at_other_sizes is for a size typed in (fails_hidden)")
    if (diagnosed_as is None) != (because is None):
        raise ValueError("diagnosed_as and because go together: the diagnosis, and why")
    if undiagnosed is not None and diagnosed_as is not None:
        raise ValueError("an answer is undiagnosed or diagnosed_as another mistake, not both")
    other = (OtherDiagnosis(None, undiagnosed) if undiagnosed is not None
             else OtherDiagnosis(diagnosed_as, because) if because is not None else None)
    found = Declaration(expect, mistake, prediction, other, crashes_at_other_sizes)
    return lambda function: _declare(function, found)


def _default_expectation(mistake: str, prediction: bool) -> str:
    if mistake == "hardcoded_sizes":
        return "fails_hidden"
    return "fails_shape" if prediction or mistake in SHAPE_MISTAKES else "fails_values"


def _declare(function: AnswerFunction, found: Declaration) -> AnswerFunction:
    if declaration(function) is not None:
        raise ValueError(f"{function.__qualname__} is declared twice: one decorator an answer")
    setattr(function, _ATTRIBUTE, found)
    return function
