"""How checks show in a notebook: a failure's message first, a pass as one short line.

In IPython (a Jupyter kernel), a :class:`JacobianCheckError` displays as its message alone
(:func:`message_lines`: ``JacobianCheckError: <first line>`` then the other lines), instead of a
traceback whose first screen is the checks' own frames; the cell still fails, and nbgrader
and the Validate button still see an error. An error raised in the student's own code keeps
its type, message and traceback, but shows only the student's frames, from their own function
down (:func:`show_own_frames`): not the test cell's line, not the checks', not NumPy's.
Message lines are wrapped to :data:`WIDTH` characters, which ``nbgrader validate`` prints
whole. Outside IPython nothing changes.
"""

from __future__ import annotations

import re
import sysconfig
from functools import lru_cache
from pathlib import Path
from types import CodeType, TracebackType

RED, RESET = "\x1b[0;31m", "\x1b[0m"

WIDTH = 80
"""Longest line of a message as shown, ``nbgrader validate``'s indent of 4 aside (it cuts
lines longer than 87 characters)."""

_WORD = re.compile(r"(?:\([^()\s]*(?:\s[^()\s]*)*\)|\S)+")
"""A word for wrapping: a run of non-spaces, a parenthesised shape such as ``(N, 2, K)``
counting as part of it (a shape is never split across lines)."""

_ANSI = re.compile(r"\x1b\[[0-9;]*m")

_LIBRARIES = tuple(Path(path).resolve() for path in {
    *(sysconfig.get_paths()[name] for name in ("stdlib", "platstdlib", "purelib", "platlib")),
    str(Path(__file__).parent)})
"""Folders of code that is not the student's: the standard library, installed packages
(NumPy), and this package."""


def wrap(line: str, width: int = WIDTH) -> list[str]:
    """``line`` in lines of at most ``width`` characters (ANSI colours not counted), broken
    between words; continuation lines indented by 4 spaces. A longer word stays whole."""
    indent = re.match(r" *", line).group()  # type: ignore[union-attr]
    lines: list[str] = []
    current = indent
    for word in _WORD.findall(line):
        bare = len(_ANSI.sub("", current))
        if bare > len(indent) and bare + 1 + len(_ANSI.sub("", word)) > width:
            lines.append(current)
            current = indent + "    "
        current += word if current.strip() == "" else " " + word
    lines.append(current)
    return lines


def message_lines(error: BaseException) -> list[str]:
    """``JacobianCheckError: <first line>`` (its name in red), then the message's other
    lines, each wrapped (:func:`wrap`)."""
    first, *rest = str(error).split("\n")
    lines = [f"{RED}{type(error).__name__}{RESET}: {first}", *rest]
    return [part for line in lines for part in wrap(line)]


def show_own_frames(error: BaseException, caller: CodeType) -> None:
    """Make IPython show ``error`` from the student's frames only: those below the frame of
    ``caller`` (the check's call of the student's function) that are not library code, with
    the message and notes wrapped. IPython asks an exception for its lines through
    ``_render_traceback_`` (they are formatted once); the exception itself, its traceback
    included, is unchanged."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code is not caller:
        tb = tb.tb_next
    own = [frame for frame in _frames(tb.tb_next if tb is not None else None)
           if not _is_library(frame.tb_frame.f_code.co_filename)]
    if not own:
        return
    chain = None
    for frame in reversed(own):
        chain = TracebackType(chain, frame.tb_frame, frame.tb_lasti, frame.tb_lineno)
    assert chain is not None
    lines: list[str] = []

    def render() -> list[str]:
        if not lines:  # IPython asks twice: to show the error, and to keep it in its history
            lines.extend(_own_lines(error, chain))
        return list(lines)

    try:
        error._render_traceback_ = render  # type: ignore[attr-defined]
    except AttributeError:  # an exception class that refuses attributes: IPython's default
        pass


def _own_lines(error: BaseException, chain: TracebackType) -> list[str]:
    """IPython's traceback of ``error`` through ``chain``, its last lines (the exception and
    its notes) wrapped; IPython's whole traceback if that fails."""
    from IPython import get_ipython  # only reached in IPython

    formatter = get_ipython().InteractiveTB
    try:
        return _wrapped_ending(error, formatter.structured_traceback(type(error), error, chain))
    except Exception:  # a broken __str__, say: IPython words it
        return formatter.structured_traceback(type(error), error, error.__traceback__)


def _wrapped_ending(error: BaseException, lines: list[str]) -> list[str]:
    """``lines`` with the exception's line and notes at the end wrapped (:func:`wrap`)."""
    notes = getattr(error, "__notes__", [])
    tail = 1 + (len(notes) if isinstance(notes, list) else 0)
    if len(lines) <= tail or type(error).__name__ not in _ANSI.sub("", lines[-tail]):
        return lines
    ending = [f"{RED}{type(error).__name__}{RESET}: {error}", *map(str, notes)]
    return [*lines[:-tail], *(part for text in ending for line in text.split("\n")
                              for part in wrap(line))]


def _frames(tb: TracebackType | None) -> list[TracebackType]:
    frames = []
    while tb is not None:
        frames.append(tb)
        tb = tb.tb_next
    return frames


@lru_cache(maxsize=1024)
def _is_library(filename: str) -> bool:
    """Whether ``filename`` is library code, not the student's (``<frozen ...>`` included).

    Remembered by name: a function that calls its own check recurses a thousand frames deep,
    and each of the thousand checks it starts walks them all."""
    if filename.startswith("<frozen "):
        return True
    try:
        path = Path(filename).resolve()
    except (OSError, ValueError):
        return False
    return any(path.is_relative_to(folder) for folder in _LIBRARIES)


def passed(line: str) -> None:
    """Print the one line a passed check shows, wrapped."""
    print("\n".join(wrap(f"Passed: {line}")))
