"""Reaching the Dask scheduler of ``grade --scheduler ADDRESS``: over TLS, or not unless told.

Whoever reaches a Dask scheduler can run code on its workers, where every task carries the
course secret and the tests, and what its workers send back is unpickled in the grading
process. So a scheduler on another machine is reached over TLS, with certificates signed by the
cluster's own authority (README, "Grading on a cluster"); a plain-TCP one on another machine is
refused unless the instructor says ``--insecure-cluster``. The TLS files given on the command
line fill Dask's own settings (``distributed.comm.tls.ca-file``, ``.client.cert``,
``.client.key``), which may also come from Dask's configuration files or its
``DASK_DISTRIBUTED__COMM__TLS__*`` environment variables.
"""

from __future__ import annotations

import ipaddress
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from ..command_error import CommandError

ENCRYPTED = ("tls", "wss")
PLAIN = ("tcp", "ws")
SECURING = ("Secure the cluster with TLS (README, \"Grading on a cluster\": certificates for "
            "the scheduler, the workers and you) and give tls://{location} with --tls-ca-file, "
            "--tls-cert and --tls-key")


@dataclass(frozen=True)
class ClusterTLS:
    """The instructor's TLS files for a ``tls://`` scheduler (``None``: from Dask's config).

    Attributes
    ----------
    ca_file : Path or None
        The certificate of the authority that signed the scheduler's and workers' certificates.
    cert : Path or None
        The instructor's (client's) certificate, signed by that authority.
    key : Path or None
        Its private key (``None``: in the ``cert`` file, or from Dask's config).
    """

    ca_file: Path | None = None
    cert: Path | None = None
    key: Path | None = None

    def given(self) -> bool:
        return any(path is not None for path in (self.ca_file, self.cert, self.key))


@contextmanager
def reaching(scheduler: str | None, tls: ClusterTLS, insecure: bool,
             stream: TextIO) -> Iterator[None]:
    """Within: Dask set up to reach ``scheduler`` as :func:`dask_settings` says, and its note
    written to ``stream``. Nothing to set up for local grading or ``--scheduler local``."""
    if scheduler in (None, "local"):
        if tls.given() or insecure:
            raise CommandError("--tls-ca-file, --tls-cert, --tls-key and --insecure-cluster "
                               "apply to --scheduler ADDRESS only (a cluster of another "
                               "machine): --scheduler local makes its own private one")
        yield
        return
    settings, note = dask_settings(scheduler, tls, insecure)
    if note:
        stream.write(note + "\n")
    import dask

    with dask.config.set(settings):
        yield


def dask_settings(address: str, tls: ClusterTLS, insecure: bool) -> tuple[dict[str, Any],
                                                                         str | None]:
    """The Dask settings with which to reach the scheduler at ``address``, and a note for the
    instructor if there is one; a :class:`CommandError` saying why and what to do if it must
    not be used."""
    scheme, location, host = _parts(address)
    if scheme in ENCRYPTED:
        return _tls_settings(address, tls), None
    if tls.given():
        raise CommandError(f"--tls-* files were given for {address}, which is not encrypted: "
                           f"write tls://{location}")
    if insecure:
        return {}, (f"warning: grading on the unencrypted Dask cluster at {address} "
                    "(--insecure-cluster): whoever can reach it can run code on its workers, "
                    "read the course secret and tests every task carries, and forge what "
                    "this process receives.")
    if _loopback(host):
        return {}, (f"note: the Dask scheduler at {address} is unencrypted: every user of "
                    "this machine can reach it and run code on its workers. --scheduler local "
                    "makes a cluster only you can use; " + SECURING.format(location=location)
                    + ".")
    raise CommandError(
        f"refusing the unencrypted Dask scheduler at {address}: whoever can reach it can run "
        "code on its workers, read the course secret and the tests that every task carries, "
        "and forge the results this process receives (they are unpickled here). "
        + SECURING.format(location=location)
        + "; or, on a private network that only you and the grading machines can reach, pass "
          "--insecure-cluster.")


def _parts(address: str) -> tuple[str, str, str]:
    """``(scheme, host:port, host)`` of a Dask address (``tcp`` when none is written)."""
    split = urlsplit(address if "://" in address else f"tcp://{address}")
    if split.scheme not in ENCRYPTED + PLAIN or not split.hostname:
        raise CommandError(f"{address!r} is not the address of a Dask scheduler: write "
                           "tls://HOST:PORT (or tcp://HOST:PORT)")
    return split.scheme, split.netloc, split.hostname


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name: wherever it points
        return False


def _tls_settings(address: str, tls: ClusterTLS) -> dict[str, Any]:
    """Dask's TLS settings from ``tls`` and, for what it leaves out, Dask's own config."""
    import dask

    def setting(given: Path | None, name: str) -> str | None:
        value = dask.config.get(f"distributed.comm.tls.{name}", default=None)
        return str(given) if given is not None else value

    ca_file, cert = setting(tls.ca_file, "ca-file"), setting(tls.cert, "client.cert")
    key = setting(tls.key, "client.key")
    if ca_file is None or cert is None:
        raise CommandError(
            f"the Dask scheduler at {address} speaks TLS: give the cluster's certificate "
            "authority and your certificate signed by it, with --tls-ca-file, --tls-cert and "
            "--tls-key (README, \"Grading on a cluster\")")
    for path in (ca_file, cert, key):
        if path is not None and "\n" not in path:  # Dask also takes PEM text in its config
            _check_readable(Path(path))
    private = key if key is not None else cert
    if "\n" not in private and stat.S_IMODE(os.stat(private).st_mode) & 0o077:
        raise CommandError(f"your TLS key {private} can be read by other users (mode "
                           f"{stat.S_IMODE(os.stat(private).st_mode):o}): chmod 600 {private}")
    return {"distributed.comm.require-encryption": True,
            "distributed.comm.tls.ca-file": ca_file,
            "distributed.comm.tls.client.cert": cert,
            "distributed.comm.tls.client.key": key}


def _check_readable(path: Path) -> None:
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise CommandError(f"cannot read the TLS file {path}: {exc.strerror}") from None
