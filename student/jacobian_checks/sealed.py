"""Telling a shape without holding it, and opening data only with the right shape.

The package must check a Jacobian's shape without holding it: that shape is what each
notebook's part 1 asks the student to predict. So it keeps, per case and public set of sizes,
a random-looking *salt* and two things derived from a shape with SHA-256:

- :func:`shape_digest`, which the package stores for the right shape (and for each wrong shape
  a diagnosis names), and compares with the digest of the shape a student gives;
- :func:`shape_key`, the key of what the package may show only about a shape the student gave:
  what a check compares values with once the shape is right (the references, the layout that
  a passed check confirms), or the diagnosis of one wrong shape. :func:`xor` seals and opens
  such data with the SHAKE-256 stream of that key.

A student who wants the shape without deriving it has to guess shapes and try them, as they
could with the check itself; nothing in the package reads it out. :func:`pack` and
:func:`unpack` turn a record of arrays and plain data into bytes and back (``.npy`` bytes,
never a pickle), the same bytes for the same record, so that a rebuild changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def _derived(salt: bytes, purpose: str, shape: Sequence[int]) -> bytes:
    text = ",".join(str(int(dim)) for dim in shape)
    return hashlib.sha256(b"\0".join([salt, purpose.encode(), text.encode()])).digest()


def shape_digest(salt: bytes, shape: Sequence[int]) -> str:
    """The hex digest the package stores for ``shape`` (a tuple of ints)."""
    return _derived(salt, "shape", shape).hex()


def shape_key(salt: bytes, shape: Sequence[int]) -> bytes:
    """The key of what may be shown about ``shape`` once a student gave it."""
    return _derived(salt, "key", shape)


def xor(data: bytes, key: bytes) -> bytes:
    """``data`` sealed with ``key``, or opened: the two are the same operation."""
    stream = hashlib.shake_256(key).digest(len(data))
    return (np.frombuffer(data, np.uint8) ^ np.frombuffer(stream, np.uint8)).tobytes()


def pack(meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> bytes:
    """``meta`` (JSON) and ``arrays`` as compressed bytes, the same for the same record."""
    blobs = []
    for array in arrays.values():
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
        blobs.append(buffer.getvalue())
    header = json.dumps({"meta": meta, "arrays": [[name, len(blob)] for name, blob in
                                                  zip(arrays, blobs, strict=True)]},
                        sort_keys=True).encode()
    return zlib.compress(len(header).to_bytes(4, "big") + header + b"".join(blobs), 6)


def unpack(data: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The inverse of :func:`pack`."""
    raw = zlib.decompress(data)
    length = int.from_bytes(raw[:4], "big")
    header = json.loads(raw[4:4 + length])
    arrays, offset = {}, 4 + length
    for name, size in header["arrays"]:
        arrays[name] = np.load(io.BytesIO(raw[offset:offset + size]), allow_pickle=False)
        offset += size
    return header["meta"], arrays
