"""The one cache mechanism: every cached artefact declares its inputs as a named mapping, hashed here.

Each cached thing (an account page, a PDF, a subset font, the up-to-date stamp of a build) has one function
that returns everything it is made of as `{name: value}`; `key` turns that mapping into the cache key. An
input added to the mapping is part of the key, with nothing else to edit; the unit tests change every
declared input and check that the artefact is made again. `FORMAT_VERSION` is part of every key: bump it
when a change to kadossier changes what any cache holds, or how.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

FORMAT_VERSION = 2
"""Bump when a change to kadossier changes a cached artefact or the way it is stored, so every cache is made again."""

Inputs = Mapping[str, object]
"""What an artefact is made of, by name: text, bytes, or values JSON can write (numbers, lists, mappings, None)."""


def key(inputs: Inputs) -> str:
    """The cache key of an artefact made of `inputs`: a SHA-256 over every name and value, and the format version."""
    h = hashlib.sha256(f"kadossier cache {FORMAT_VERSION}\0".encode())
    for name in sorted(inputs):
        data = _data(inputs[name])
        h.update(f"{name}\0{len(data)}\0".encode())  # the length keeps "ab"+"c" apart from "a"+"bc"
        h.update(data)
    return h.hexdigest()


def _data(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False).encode()
