"""Text for the instructor's terminal, from names that submissions chose."""

from __future__ import annotations


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on written as an escape (``\\x1b``,
    ``\\u202e``).

    Student ids, file names and what nbgrader says about them come from submissions: a name
    holding escape sequences must not move the cursor, rewrite or reorder what the
    instructor's terminal shows.
    """
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
