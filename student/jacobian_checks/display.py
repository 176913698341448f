"""How checks show in a notebook: a failure's message first, a pass as one short line.

In IPython (a Jupyter kernel), :func:`install` makes a :class:`JacobianCheckError` display as
its message alone -- ``JacobianCheckError: <first line>`` then the other lines -- instead of a
traceback whose first screen is the checks' own frames; the cell still fails, and nbgrader
and the Validate button still see an error. Errors raised in students' own code keep their
full traceback. Outside IPython nothing changes.
"""

from __future__ import annotations

import sys
from typing import Any

from .errors import JacobianCheckError

RED, RESET = "\x1b[0;31m", "\x1b[0m"


def install() -> None:
    """Show :class:`JacobianCheckError` s as messages in the running IPython, if any."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        shell.set_custom_exc((JacobianCheckError,), _message_only)


def message_lines(error: BaseException) -> list[str]:
    """``JacobianCheckError: <first line>`` (its name in red), then the message's other lines."""
    first, *rest = str(error).split("\n")
    return [f"{RED}{type(error).__name__}{RESET}: {first}", *rest]


def _message_only(shell: Any, etype: type, value: BaseException, tb: Any,
                  tb_offset: int | None = None) -> list[str]:
    lines = message_lines(value)
    shell._showtraceback(etype, value, lines)  # sends the error output, as showtraceback does
    return lines


def passed(line: str) -> None:
    """Print the one line a passed check shows."""
    print(f"Passed: {line}")
