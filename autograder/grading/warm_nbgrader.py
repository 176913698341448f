"""What a grading process sets up once that nbgrader would set up again for every notebook.

For each notebook it grades, nbgrader opens the gradebook about seven times, each time with a
new SQLAlchemy engine, whose cache of compiled statements starts empty; and it checks each
cell's metadata with ``jsonschema.validate``, which first checks the schema itself against
JSON Schema's meta-schema. A grading process grades many notebooks of one course, so
:func:`keep_warm` makes nbgrader, in this process,

- create one engine per database URL and reuse it (each ``Gradebook`` still has its own
  session, and closing a gradebook still closes the engine's connections: ``dispose``);
- check each metadata schema once, then validate every cell against it as before (the same
  first error raised for a cell that does not fit).

What is read and written is the same; only the repeated set-up is gone.
"""

from __future__ import annotations

import json
import os
from typing import Any

import jsonschema
import nbgrader.api
import nbgrader.nbgraderformat.common
import sqlalchemy
from jsonschema.exceptions import best_match


def keep_warm() -> None:
    """Make nbgrader in this process reuse its engines and checked schemas (see the module
    docstring)."""
    nbgrader.api.create_engine = _shared_engine
    nbgrader.nbgraderformat.common.jsonschema = CheckedSchemaValidation()


_engines: dict[tuple[int, str, str], sqlalchemy.engine.Engine] = {}


def _shared_engine(url: Any, **options: Any) -> sqlalchemy.engine.Engine:
    """``sqlalchemy.create_engine(url, **options)``, once per URL and options in a process (a
    forked child makes its own: an engine's connections are not to cross a fork)."""
    key = (os.getpid(), str(url), repr(sorted(options.items())))
    engine = _engines.get(key)
    if engine is None:
        engine = _engines[key] = sqlalchemy.create_engine(url, **options)
    return engine


class CheckedSchemaValidation:
    """Stands in for the ``jsonschema`` module in nbgrader's metadata validator: its
    :meth:`validate` is ``jsonschema.validate``, but checks a given schema only once."""

    def __init__(self) -> None:
        self._validators: dict[str, Any] = {}

    def validate(self, instance: Any, schema: dict[str, Any]) -> None:
        """Raise the best-matching ``ValidationError`` if ``instance`` does not fit ``schema``
        (``SchemaError`` if the schema itself is wrong), as ``jsonschema.validate`` does."""
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validator = self._validators[key] = cls(schema)
        error = best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

