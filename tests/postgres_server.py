"""A real PostgreSQL server for the tests, started and stopped by the test suite itself.

It uses the distribution's server (Debian's ``postgresql`` package, which ``make test``
installs when it is missing): a fresh cluster in a temporary folder, listening on a Unix
socket only (no TCP port, nothing left behind). PostgreSQL refuses to run as root: as root,
the server runs as the package's ``postgres`` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SERVER_USER = "postgres"


def server_binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``, if a PostgreSQL server is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresServer:
    """A running server: :meth:`database` makes a new database on it."""

    def __init__(self, binaries: Path, socket: Path, as_user: list[str]) -> None:
        self.binaries, self.socket, self.as_user = binaries, socket, as_user

    def run(self, program: str, *arguments: str) -> None:
        subprocess.run([*self.as_user, str(self.binaries / program), *arguments], check=True,
                       capture_output=True, cwd=self.socket)

    def database(self, name: str) -> str:
        """A new, empty database ``name``; its SQLAlchemy URL
        (``postgresql://postgres@/<name>?host=<socket folder>``)."""
        self.run("createdb", "-h", str(self.socket), "-U", "postgres", name)
        return f"postgresql://postgres@/{name}?host={self.socket}"


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """Start a PostgreSQL server in a new temporary folder; stop it and delete the folder."""
    binaries = server_binaries()
    if binaries is None:
        raise RuntimeError("no PostgreSQL server is installed: `make postgres` installs "
                           "Debian's postgresql package")
    folder = Path(tempfile.mkdtemp(prefix="autograder-pg-"))
    folder.chmod(0o755)
    as_user = ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(folder, SERVER_USER)
    server = PostgresServer(binaries, folder, as_user)
    data = str(folder / "data")
    try:
        server.run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync")
        server.run("pg_ctl", "-D", data, "-l", str(folder / "server.log"), "-w", "-o",
                   f"-c listen_addresses='' -k {folder} -c fsync=off", "start")
        try:
            yield server
        finally:
            server.run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
