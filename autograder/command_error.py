"""The one error every instructor command reports as a sentence, not a traceback."""


class CommandError(Exception):
    """An instructor command cannot run (no course, no gradebook, ...): the message says why."""
