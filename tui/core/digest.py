"""The digest that says a file is still the one loaded (the writer and the watcher compare it)."""

from __future__ import annotations

import hashlib


def file_digest(data: bytes) -> str:
    """The SHA-256 of the file's bytes: how the writer knows the file is the one loaded."""
    return hashlib.sha256(data).hexdigest()
