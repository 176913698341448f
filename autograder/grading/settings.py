"""The settings of a grading run, and the configuration every grading process builds from them.

A run is configured as nbgrader's commands are, with traitlets: the course's
``nbgrader_config.py``, then the run's own :class:`~traitlets.config.Config` on top (what the
command line set: ``--VerifiedExecute.sandbox=False``, ``--Execute.timeout=30``, ...; see
:func:`options_config`). Every grading process -- a local worker, a cluster worker's, the
Gradescope run -- builds its configuration with :func:`grading_config`, so that a setting
means the same wherever it is read; the run's layer travels as JSON (:class:`RunSettings`).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from traitlets import TraitError
from traitlets.config import Config, Configurable
from traitlets.config.loader import DeferredConfigString

from ..command_error import CommandError
from ..course_config import load_course_config

GRADE_DEFAULTS = {"VerifiedExecute": {"fork_kernels": True}}
"""What ``python -m autograder grade`` does unless ``nbgrader_config.py`` or the command line
says otherwise: fork each kernel from a warm process (``nbgrader autograde`` starts each from
scratch)."""

GRADER_SETTINGS = {
    "AsyncKernelManager": {
        "client_class": "autograder.kernels.ready_client.ReadyOnIdleKernelClient"},
    "Execute": {"shutdown_kernel": "immediate"},
}
"""Two waits that cost time, not results, which every grading process of this kit drops: a
kernel is ready on its kernel_info idle status, and is stopped at once once its notebook has
run."""


@dataclass(frozen=True)
class RunSettings:
    """What every grading process of a run needs to know.

    Attributes
    ----------
    root : str
        The course directory (for a cluster worker, its private copy of the course).
    assignment : str
    feedback : bool
        Generate feedback for each graded student.
    log : str
        File that receives the grading processes' and their kernels' stderr, and nbgrader's
        log.
    config : Config
        The run's configuration, over the course's ``nbgrader_config.py``
        (:func:`grading_config`).
    """

    root: str
    assignment: str
    feedback: bool
    log: str
    config: Config = field(default_factory=Config)

    def to_json(self) -> str:
        return json.dumps({"root": self.root, "assignment": self.assignment,
                           "feedback": self.feedback, "log": self.log,
                           "config": config_to_json(self.config)})

    @classmethod
    def from_json(cls, text: str) -> RunSettings:
        data = json.loads(text)
        return cls(root=data["root"], assignment=data["assignment"], feedback=data["feedback"],
                   log=data["log"], config=config_from_json(data["config"]))

    def with_config(self, layer: Config | dict[str, Any]) -> RunSettings:
        """These settings, with ``layer`` over their configuration."""
        config = copy.deepcopy(self.config)
        config.merge(Config(layer))
        return RunSettings(self.root, self.assignment, self.feedback, self.log, config)


def grading_config(settings: RunSettings, course: Config | None = None) -> Config:
    """The configuration a grading process grades with: :data:`GRADE_DEFAULTS`, then the
    course's (``course``, or its ``nbgrader_config.py`` read from ``settings.root``), then the
    run's, then :data:`GRADER_SETTINGS`."""
    config = Config(GRADE_DEFAULTS)
    config.merge(copy.deepcopy(course) if course is not None
                 else load_course_config(Path(settings.root)))
    config.merge(copy.deepcopy(settings.config))
    config.merge(Config(GRADER_SETTINGS))
    return config


_OPTION = re.compile(r"--(?P<section>[A-Za-z_]\w*)\.(?P<name>[A-Za-z_]\w*)(?:=(?P<value>.*))?",
                     re.DOTALL)


def options_config(options: Sequence[str]) -> Config:
    """The settings ``--Class.name=value`` (or ``--Class.name value``) of a command line, as
    nbgrader's commands take them. Values stay as the command line gave them, as traitlets
    keeps them, for the class that reads them to convert (:func:`check_settings` checks them).

    Raises
    ------
    CommandError
        On an argument of another form.
    """
    config = Config()
    words = list(options)
    while words:
        word = words.pop(0)
        match = _OPTION.fullmatch(word)
        if match is None:
            raise CommandError(f"unrecognized argument {word!r}: settings are given as "
                               "--Class.name=value (e.g. --Execute.timeout=30)")
        value = match["value"]
        if value is None:
            if not words:
                raise CommandError(f"{word} needs a value: {word}=VALUE")
            value = words.pop(0)
        config[match["section"]][match["name"]] = DeferredConfigString(value)
    return config


def check_settings(config: Config) -> None:
    """Fail unless each setting of ``config`` is a configurable setting of a class imported
    by now (nbgrader's, this kit's, and those the course's ``nbgrader_config.py`` imports)
    that takes the value given, so that a typo stops a run with a message.

    Raises
    ------
    CommandError
        Naming the setting, and what is wrong with it.
    """
    for section, values in config.items():
        for name, value in values.items():
            classes = [cls for cls in _configurables() if cls.__name__ == section]
            if not classes:
                raise CommandError(f"--{section}.{name}: no class of nbgrader, of this kit or "
                                   f"of the course's nbgrader_config.py is named {section}")
            traits = [trait for cls in classes
                      if (trait := cls.class_traits(config=True).get(name)) is not None]
            if not traits:
                names = sorted({trait for cls in classes
                                for trait in cls.class_traits(config=True)})
                raise CommandError(f"--{section}.{name}: {section} has no setting {name!r} "
                                   f"(it has {', '.join(names)})")
            if isinstance(value, DeferredConfigString):
                validate = getattr(traits[0], "validate", None)  # a trait may have none
                try:
                    converted = traits[0].from_string(str(value))
                    if validate is not None:
                        validate(None, converted)
                except (TraitError, ValueError, TypeError, SyntaxError) as error:
                    raise CommandError(f"--{section}.{name}={value}: not a value of this "
                                       f"setting ({error})") from None


def _configurables() -> Iterable[type[Configurable]]:
    """Every subclass of Configurable imported so far."""
    found: list[type[Configurable]] = []
    stack: list[type[Configurable]] = [Configurable]
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found


_DEFERRED = "deferred from the command line"


def config_to_json(config: Config) -> dict[str, Any]:
    """``config`` as plain JSON data (:func:`config_from_json` reads it back); a value as the
    command line gave it stays one.

    Raises
    ------
    ValueError
        For a value JSON cannot hold (a class, say): set it in ``nbgrader_config.py``.
    """
    plain: dict[str, Any] = {}
    for key, value in config.items():
        if isinstance(value, Config):
            plain[key] = config_to_json(value)
        elif isinstance(value, DeferredConfigString):
            plain[key] = {_DEFERRED: str(value)}
        else:
            try:
                json.dumps(value)
            except (TypeError, ValueError):
                raise ValueError(f"the setting {key} = {value!r} cannot be sent to another "
                                 "process: set it in nbgrader_config.py") from None
            plain[key] = value
    return plain


def config_from_json(data: dict[str, Any]) -> Config:
    """The :class:`Config` that :func:`config_to_json` wrote."""
    config = Config()
    for key, value in data.items():
        if isinstance(value, dict) and set(value) == {_DEFERRED}:
            config[key] = DeferredConfigString(value[_DEFERRED])
        elif isinstance(value, dict) and key[:1].isupper():
            config[key] = config_from_json(value)
        else:
            config[key] = value
    return config
