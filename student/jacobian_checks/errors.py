"""The one exception students see when a check rejects their answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .verdicts import Rejection


class JacobianCheckError(AssertionError):
    """A check rejected a student's answer; the message says what to look at.

    It subclasses ``AssertionError`` so that nbgrader, pytest and students read it as a
    failed test, not as a crash of the checks.

    Attributes
    ----------
    case : str
        The case key, e.g. ``"scalar_wrt_vector"``.
    check : str
        ``"predicted_shape"``, ``"shape"`` or ``"values"``.
    verdict : str
        What failed, e.g. ``"wrong_shape"`` (see :class:`jacobian_checks.verdicts.Rejection`).
    diagnosis : str or None
        The key of the common mistake the answer matches, e.g. ``"sign_flipped"``, or
        ``None``.
    """

    def __init__(self, case: str, rejection: Rejection) -> None:
        super().__init__(rejection.message)
        self.case = case
        self.check = rejection.check
        self.verdict = rejection.verdict
        self.diagnosis = rejection.diagnosis

    def _render_traceback_(self) -> list[str]:
        """The lines IPython shows and stores for this error: its message alone
        (:func:`jacobian_checks.display.message_lines`), not a traceback through the checks'
        frames. IPython asks for them wherever it formats an exception: to show it, and to
        keep a formatted copy of every cell's error (a full traceback would cost a kernel
        about 0.1 s to format)."""
        from .display import message_lines

        return message_lines(self)
