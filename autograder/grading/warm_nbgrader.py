"""What a process that runs nbgrader on many notebooks sets up once, where nbgrader would set
it up again each time.

nbgrader opens the gradebook (:class:`nbgrader.api.Gradebook`) anew wherever it uses it --
about thirty times per student graded or recorded -- and each time makes a new SQLAlchemy
engine, connects (a new server process, on PostgreSQL), compiles every statement again, and
disposes of the engine; it checks each cell's metadata with ``jsonschema.validate``, which
first checks the schema itself against JSON Schema's meta-schema; and it stamps a new
gradebook with its schema version by running ``alembic heads`` in a new interpreter
(seconds). A grading process (:mod:`.process`), and the instructor's process that records a
cluster's results (:class:`autograder.cluster.dispatch.Recorder`), run nbgrader on many
notebooks of one course, and a cluster's station makes a gradebook; so within
:func:`warm_nbgrader`, nbgrader in this process

- shares one engine per database URL: its pool keeps the connections, its cache the compiled
  statements. Each ``Gradebook`` still has its own session, whose transactions nbgrader begins
  and commits as it always does: the same rows, written in the same transactions;
- makes sure once per engine that the gradebook's tables exist, and that it holds the course
  (nbgrader lists the tables, asks for each whether it exists, and looks the course up, every
  time it opens a gradebook: a dozen queries and a commit);
- checks each metadata schema once, then validates every cell against it as before (the same
  first error raised for a cell that does not fit);
- reads the schema version a new gradebook is stamped with in this process, once
  (:func:`alembic_head`).

On exit, the engines are disposed of and nbgrader's own functions are back.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jsonschema
import nbgrader.nbgraderformat.common
from jsonschema.exceptions import best_match
from nbgrader import api
from nbgrader.dbutil import _temp_alembic_ini
from sqlalchemy.engine import Engine


@contextmanager
def warm_nbgrader() -> Iterator[None]:
    """Within: nbgrader in this process shares its engines and checked schemas (see the
    module docstring)."""
    engines: dict[str, Engine] = {}
    tables_made: dict[int, list[str]] = {}  # by id of a shared engine: the tables it has
    courses_held: set[tuple[int, str]] = set()  # (id of a shared engine, course id)
    owner = os.getpid()
    create_engine, close = api.create_engine, api.Gradebook.close
    check_course = api.Gradebook.check_course
    inspect, metadata = api.inspect, api.Base.metadata
    asked_alembic = api.get_alembic_version
    schema_module = nbgrader.nbgraderformat.common.jsonschema

    def shared_engine(url: Any, **options: Any) -> Engine:
        if os.getpid() != owner:  # a forked child: connections are not to cross a fork
            return create_engine(url, **options)
        key = repr((str(url), sorted(options.items())))
        if key not in engines:
            engines[key] = create_engine(url, **options)
        return engines[key]

    def close_session(gradebook: api.Gradebook) -> None:
        """nbgrader's ``Gradebook.close``, but a shared engine stays: the next one uses it."""
        gradebook.db.remove()
        if not any(gradebook.engine is engine for engine in engines.values()):
            gradebook.engine.dispose()

    def shared(engine: Engine) -> bool:
        return os.getpid() == owner and any(engine is known for known in engines.values())

    def inspect_once(engine: Engine) -> Any:
        """nbgrader asks for the tables to learn whether the gradebook is new."""
        made = tables_made.get(id(engine)) if shared(engine) else None
        return inspect(engine) if made is None else MadeTables(made)

    def create_tables_once(bind: Engine, **options: Any) -> None:
        if shared(bind) and id(bind) in tables_made:
            return
        type(metadata).create_all(metadata, bind=bind, **options)
        if shared(bind):
            tables_made[id(bind)] = inspect(bind).get_table_names()

    def check_course_once(gradebook: api.Gradebook, course_id: str = "default_course",
                          **fields: Any) -> Any:
        """nbgrader calls it as it opens a gradebook, and ignores what it returns."""
        key = (id(gradebook.engine), course_id)
        if key in courses_held and not fields:
            return None
        course = check_course(gradebook, course_id, **fields)
        if shared(gradebook.engine):
            courses_held.add(key)
        return course

    api.create_engine = shared_engine
    api.Gradebook.close = close_session
    api.Gradebook.check_course = check_course_once
    api.inspect = inspect_once
    metadata.create_all = create_tables_once
    api.get_alembic_version = alembic_head
    nbgrader.nbgraderformat.common.jsonschema = CheckedSchemaValidation()
    try:
        yield
    finally:
        api.create_engine = create_engine
        api.Gradebook.close = close
        api.Gradebook.check_course = check_course
        api.inspect = inspect
        del metadata.create_all
        api.get_alembic_version = asked_alembic
        nbgrader.nbgraderformat.common.jsonschema = schema_module
        for engine in engines.values():
            engine.dispose()


class MadeTables:
    """Stands in for SQLAlchemy's inspector of a gradebook whose tables this process has
    made sure of: what nbgrader asks of it, the names of the tables."""

    def __init__(self, names: list[str]) -> None:
        self.names = names

    def get_table_names(self) -> list[str]:
        return list(self.names)


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


@functools.cache
def alembic_head() -> str:
    """The version of nbgrader's database schema that nbgrader stamps a new gradebook with
    (``nbgrader.api.get_alembic_version``), read from its migration scripts in this process:
    nbgrader runs ``alembic heads`` in a new interpreter, seconds for each new gradebook."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    with _temp_alembic_ini("sqlite://") as ini:
        head = ScriptDirectory.from_config(AlembicConfig(ini)).get_current_head()
    if head is None:
        raise RuntimeError("nbgrader's database migrations name no head version")
    return head
