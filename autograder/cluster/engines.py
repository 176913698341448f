"""One database engine per gradebook for the instructor's replay, instead of one per use.

nbgrader opens the gradebook (:class:`nbgrader.api.Gradebook`) anew wherever it uses it --
about thirty times to record one student: ``Autograde`` to find or create the student, the
assignment, the submission and its notebooks, ``OverwriteCells``, ``SaveAutoGrades`` and the
late penalty once per notebook, the course's own preprocessors, the grader's score -- and each
time makes a new SQLAlchemy engine, connects (a new server process, on PostgreSQL), compiles
every statement again, and disposes of the engine. In the one process that records a
cluster's results (:class:`.dispatch.Recorder`), that was most of the cost of recording a
notebook (``benchmarks/bench_gradebook.py``).

Within :func:`one_engine_per_gradebook`, every ``Gradebook`` this process opens on a URL uses
one engine: its pool keeps the connections, its cache the compiled statements. Each
``Gradebook`` still has its own session, whose transactions nbgrader begins and commits as it
always does: the same rows, written in the same transactions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from nbgrader import api
from sqlalchemy.engine import Engine


@contextmanager
def one_engine_per_gradebook() -> Iterator[None]:
    """Within: nbgrader's gradebooks in this process share one engine per URL (and its
    connections); on exit, the engines are disposed of and nbgrader's own way is back. Not
    reentrant: one recording run per process at a time."""
    engines: dict[str, Engine] = {}
    create_engine, close = api.create_engine, api.Gradebook.close

    def shared_engine(url: str, **options: Any) -> Engine:
        key = repr((str(url), sorted(options.items())))
        if key not in engines:
            engines[key] = create_engine(url, **options)
        return engines[key]

    def close_session(gradebook: api.Gradebook) -> None:
        """nbgrader's ``Gradebook.close``, but the engine stays: the next one uses it."""
        gradebook.db.remove()

    api.create_engine = shared_engine
    api.Gradebook.close = close_session
    try:
        yield
    finally:
        api.create_engine = create_engine
        api.Gradebook.close = close
        for engine in engines.values():
            engine.dispose()
