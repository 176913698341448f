"""The course secret: the key from which every student's hidden inputs are drawn.

It lives only in the instructor's course directory, in :data:`SECRET_FILE` (git-ignored), and
is created on first use. Keep it: grading again with the same secret draws the same hidden
inputs, so scores are reproducible; a new secret draws new ones. Student kernels never see the
course directory (:mod:`autograder.sandbox`).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

SECRET_FILE = "course_secret.key"
"""File name of the secret, in the course directory."""

SECRET_BYTES = 32


def course_secret(root: Path) -> bytes:
    """The secret of the course at ``root``, created (mode 0600) if it does not exist yet."""
    path = Path(root) / SECRET_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(SECRET_BYTES) + "\n")
    text = path.read_text().strip()
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) < 16:
        raise ValueError(f"{path} does not hold a course secret (at least 32 hex digits); "
                         "restore it from a backup, or delete it to draw new hidden inputs")
    return secret


def secret_fingerprint(secret: bytes) -> str:
    """A short public name of a secret (to notice that it changed), revealing nothing of it."""
    return hashlib.sha256(b"jacobians course secret\0" + secret).hexdigest()[:16]
