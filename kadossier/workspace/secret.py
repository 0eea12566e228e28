"""The workspace's secret: what makes each person's calendar feed address unguessable.

Phone calendars cannot log in to the wiki, so a person's feed is published at a "secret address" (as calendar
services offer): `calendars/TOKEN/ID.ics`, TOKEN an HMAC of the person's id under the workspace's secret. The
secret is read from the environment variable KADOSSIER_FEED_SECRET if set (a CI system's secret store), else
from the file `.kadossier-secret` beside mkdocs.yml, which the first build that needs it creates. That file is
meant to be committed with the dossiers (everyone who can read them may subscribe), and is never published:
the site is made from the dossiers folder, and the file is outside it. Changing the secret moves every feed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import tempfile
from pathlib import Path

from kadossier.errors import KadossierError
from kadossier.i18n import tr

log = logging.getLogger("kadossier")

SECRET_FILE = ".kadossier-secret"
"""The file beside mkdocs.yml that keeps the secret."""
SECRET_ENV = "KADOSSIER_FEED_SECRET"
"""The environment variable that overrides the file."""
FEEDS_DIR = "calendars"
"""The site's folder of the per-person calendar feeds."""
_HEADER = "# kadossier: the secret of the calendar feeds' addresses. Commit it; never publish it.\n"


MIN_LENGTH = 16
"""The shortest secret accepted: a shorter one would make the addresses guessable."""


def feed_secret(root: Path) -> bytes:
    """The workspace's secret: the environment's, else the file's (created if there is none yet).

    Two builds that create it at once agree: the secret is written whole to a temporary file, which is then
    linked to its name only if no file has it yet (the loser of the race reads the winner's, complete).
    """
    if value := os.environ.get(SECRET_ENV, "").strip():
        if len(value) < MIN_LENGTH:
            raise KadossierError(
                tr("{name}: the secret must have at least {n} characters", name=SECRET_ENV, n=MIN_LENGTH)
            )
        return value.encode()
    path = root / SECRET_FILE
    if not path.is_symlink() and not path.exists():
        _create(path)
    return _read(path)


def _create(path: Path) -> None:
    token = secrets.token_hex(32)
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(_HEADER + token + "\n")
        try:
            os.link(temporary, path)  # atomic, and never over a file another build made meanwhile
            log.info(tr("created {path}: commit it, so that the calendar feeds keep their addresses", path=path))
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    except OSError as exc:
        raise KadossierError(
            tr("{path}: cannot create the feeds' secret: {error}", path=path, error=exc.strerror or exc)
        ) from None


def _read(path: Path) -> bytes:
    if path.is_symlink() and not path.exists():
        raise KadossierError(
            tr("{path}: a link to nothing; remove it, and the next build makes a new secret", path=path)
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        error = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise KadossierError(
            tr("{path}: cannot read the feeds' secret ({error}): make it a readable text file", path=path, error=error)
        ) from None
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if len(lines) != 1 or len(lines[0]) < MIN_LENGTH:
        raise KadossierError(
            tr(
                "{path}: expected one line of at least {n} characters (the secret); "
                "restore it from git, or delete it to make a new one (every feed then moves)",
                path=path,
                n=MIN_LENGTH,
            )
        )
    return lines[0].encode()


def feed_path(secret: bytes, person_id: str) -> str:
    """The site path of a person's calendar feed: `calendars/TOKEN/ID.ics`."""
    token = hmac.new(secret, f"feed:{person_id}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{FEEDS_DIR}/{token}/{person_id}.ics"


__all__ = ["FEEDS_DIR", "SECRET_ENV", "SECRET_FILE", "feed_path", "feed_secret"]
