"""Writing files so that they appear whole or not at all, with the permissions `open()` would give them.

Every output kadossier writes (PDFs, cached fonts, exports) goes to a temporary file beside its target and
is renamed into place only once it is complete: a failure or a kill never leaves a partial or empty file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kadossier.errors import KadossierError
from kadossier.i18n import tr

CACHE_DIR = ".kadossier-cache"
"""The workspace's cache folder (PDFs, cut fonts, account pages); safe to delete, never committed."""


def umask() -> int:
    """The process's umask (reading it means setting it; it is set back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic(target: Path) -> Iterator[str]:
    """A temporary file beside `target` to write; renamed to `target` when the block ends well and the
    file is not empty, removed otherwise. The folder is created if needed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield temporary
        if os.path.getsize(temporary) == 0:
            raise KadossierError(tr("{name}: nothing was written", name=target.name))
        os.chmod(temporary, 0o666 & ~umask())  # mkstemp makes it private; an output is not
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write(target: Path, data: bytes) -> None:
    """Write `data` to `target` atomically."""
    with atomic(target) as temporary, open(temporary, "wb") as out:
        out.write(data)


def create(target: Path, data: bytes) -> None:
    """Write the new file `target` whole or not at all, and never over a file: `FileExistsError` if one is there
    (even one that appeared a moment ago). The complete file is linked into place, which fails if the name is
    taken, where a rename would replace it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o666 & ~umask())
        os.link(temporary, target)
    finally:
        os.unlink(temporary)
