"""The digest that says a file is still the one loaded (the writer and the watcher compare it)."""

from __future__ import annotations

import hashlib
import os
from typing import BinaryIO

from tui.core import tuning


def file_digest(data: bytes) -> str:
    """The SHA-256 of the file's bytes: how the writer knows the file is the one loaded."""
    return hashlib.sha256(data).hexdigest()


def stream_digest(file: BinaryIO, chunk: int = tuning.READ_BLOCK_BYTES) -> str:
    """``file_digest`` of what is left in ``file``, read in ``chunk``-byte pieces."""
    sha = hashlib.sha256()
    try:  # no bigger than the file: a 16 MiB buffer for a 40 KB file is 16 MB of memory
        size = os.fstat(file.fileno()).st_size - file.tell()
        # At least 64 KiB: a file that grows after the stat (being rewritten), or reports
        # size 0 (/proc), must not be read a byte at a time.
        chunk = min(chunk, max(size + 1, 1 << 16))
    except (AttributeError, OSError, ValueError):
        pass  # not a real file: any size works
    buffer = bytearray(chunk)
    view = memoryview(buffer)
    while size := file.readinto(buffer):  # type: ignore[attr-defined]
        sha.update(view[:size])
    return sha.hexdigest()
