"""The grader's records as JSON: the one module that reads and writes them, versioned and checked.

The grader's records -- in autograded notebooks (:mod:`autograder.verify.records`), and in the
course's ``.autograder/`` folder (:mod:`autograder.grading.state`, :mod:`autograder.flag_mark`)
-- are dataclasses, stored with the version of their format (:data:`VERSION_KEY`,
:data:`SCHEMA_VERSION`), as nbgrader versions its own cell metadata. :func:`stamped` writes
one as JSON data, :func:`read_stamped` reads it back; :func:`write_file` and :func:`read_file`
do the same with a file (written atomically). Reading checks the version and every field
against its annotation (:func:`parse`), so that a record another version of the grader wrote,
or that someone forged, is refused with a :class:`RecordError` that says where and what,
instead of failing later on a missing key; callers report it and go on without the record.

Annotations understood: ``str``, ``bool``, ``int``, ``float`` (an integer is a float too),
``None``, unions (``X | None``), ``Literal[...]``, ``tuple[X, ...]``, ``list[X]``,
``dict[str, X]`` and dataclasses. A field with a default may be missing; a key that is no
field is refused.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import types
import typing
from pathlib import Path
from typing import Any, Literal, TypeVar, Union

T = TypeVar("T")

SCHEMA_VERSION = 1
"""The version of the records' format this grader writes, and the only one it reads."""

VERSION_KEY = "schema_version"
"""The key of the version in every record."""

MAX_FILE_BYTES = 64 * 1024 * 1024
"""A record file larger than this is refused unread (a course's state is far smaller)."""


class RecordError(ValueError):
    """JSON data that is not the record it should be; the message says where and why."""


def stamped(record: object) -> dict[str, Any]:
    """A record (a dataclass) as JSON data, with the version of its format."""
    return {VERSION_KEY: SCHEMA_VERSION, **dump(record)}


def read_stamped(cls: type[T], data: object, where: str) -> T:
    """The record ``cls`` from JSON data written by :func:`stamped`.

    Raises
    ------
    RecordError
        If ``data`` is not an object, is of another version (or none), or is not a ``cls``.
    """
    if not isinstance(data, dict):
        raise RecordError(f"{where} is not an object: {_shown(data)}")
    version = data.get(VERSION_KEY)
    if version != SCHEMA_VERSION:
        raise RecordError(f"{where} has {VERSION_KEY} {_shown(version)} (this grader reads "
                          f"{SCHEMA_VERSION}): written by another version of the grader, or "
                          "not by the grader")
    return parse(cls, {key: value for key, value in data.items() if key != VERSION_KEY}, where)


def write_file(path: Path, record: object) -> None:
    """Write a record to ``path`` atomically: a crash mid-write leaves the previous one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(stamped(record), indent=1), encoding="utf-8")
    os.replace(partial, path)


def read_file(cls: type[T], path: Path) -> T | None:
    """The record ``cls`` in the file ``path``; ``None`` if there is no such file.

    Raises
    ------
    RecordError
        Naming the file, if it is not a regular file, is too large, is not JSON, or holds
        another version's record or no ``cls``.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise RecordError(f"{path} cannot be read: {error.strerror}") from None
    try:
        with os.fdopen(descriptor, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise RecordError(f"{path} cannot be read: {error.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise RecordError(f"{path} is larger than {MAX_FILE_BYTES} bytes")
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise RecordError(f"{path} is not JSON ({error.__class__.__name__})") from None
    return read_stamped(cls, parsed, str(path))


def parse(cls: type[T], data: object, where: str = "the record") -> T:
    """The dataclass ``cls`` built from ``data`` (parsed JSON), checked field by field.

    Raises
    ------
    RecordError
        Naming the first field (as a path from ``where``) that is missing, unknown or of the
        wrong type.
    """
    return typing.cast(T, _value(cls, data, where))


def dump(record: object) -> Any:
    """A dataclass (or a value of one of its fields) as JSON data: tuples become lists."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {field.name: dump(getattr(record, field.name))
                for field in dataclasses.fields(record)}
    if isinstance(record, (list, tuple)):
        return [dump(item) for item in record]
    if isinstance(record, dict):
        return {key: dump(value) for key, value in record.items()}
    return record


def _value(kind: Any, data: object, where: str) -> object:
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if dataclasses.is_dataclass(kind):
        return _record(kind, data, where)
    if origin in (Union, types.UnionType):
        for option in arguments:
            try:
                return _value(option, data, where)
            except RecordError:
                continue
        raise RecordError(f"{where}: {_shown(data)} is not {_name(kind)}")
    if origin is Literal:
        if data in arguments and type(data) in {type(argument) for argument in arguments}:
            return data
        raise RecordError(f"{where}: {_shown(data)} is not one of {list(arguments)}")
    if origin in (tuple, list):
        if not isinstance(data, list):
            raise RecordError(f"{where}: {_shown(data)} is not a list")
        items = [_value(arguments[0], item, f"{where}[{index}]")
                 for index, item in enumerate(data)]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(data, dict):
            raise RecordError(f"{where}: {_shown(data)} is not an object")
        return {key: _value(arguments[1], value, f"{where}[{key!r}]")
                for key, value in data.items()}
    if kind is None or kind is type(None):
        if data is None:
            return None
    elif kind is float:
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return float(data)
    elif kind is int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
    elif kind in (str, bool):
        if isinstance(data, kind):
            return data
    else:
        raise TypeError(f"{where}: cannot read a field of type {kind!r}")
    raise RecordError(f"{where}: {_shown(data)} is not {_name(kind)}")


def _record(cls: Any, data: object, where: str) -> object:
    if not isinstance(data, dict):
        raise RecordError(f"{where}: {_shown(data)} is not an object")
    fields = {field.name: field for field in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields), key=str)
    if unknown:
        raise RecordError(f"{where}: unknown field {unknown[0]!r}")
    hints = _field_types(cls)
    values = {}
    for name, field in fields.items():
        if name in data:
            values[name] = _value(hints[name], data[name], f"{where}.{name}")
        elif (field.default is dataclasses.MISSING
              and field.default_factory is dataclasses.MISSING):
            raise RecordError(f"{where}: the field {name!r} is missing")
    return cls(**values)


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    """The annotations of a record's fields, resolved once per class (typing resolves them
    anew at each call: most of the time spent reading a record)."""
    return typing.get_type_hints(cls)


def _name(kind: Any) -> str:
    if kind is None or kind is type(None):
        return "null"
    if typing.get_origin(kind) in (Union, types.UnionType):
        return " or ".join(_name(option) for option in typing.get_args(kind))
    return {str: "a string", bool: "true or false", int: "an integer",
            float: "a number"}.get(kind, getattr(kind, "__name__", str(kind)))


def _shown(data: object) -> str:
    """``data`` in a message: short, whatever a forger put there."""
    text = repr(data)
    return text if len(text) <= 40 else text[:37] + "..."
