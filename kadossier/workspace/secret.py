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


def feed_secret(root: Path) -> bytes:
    """The workspace's secret: the environment's, else the file's (created if there is none yet).

    Two builds that create it at once agree: the file is created exclusively, and the one that loses the race
    reads the winner's.
    """
    if value := os.environ.get(SECRET_ENV, "").strip():
        return value.encode()
    path = root / SECRET_FILE
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    token = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    except OSError as exc:
        raise KadossierError(
            tr("{path}: cannot create the feeds' secret: {error}", path=path, error=exc.strerror)
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(_HEADER + token + "\n")
    log.info(tr("created {path}: commit it, so that the calendar feeds keep their addresses", path=path))
    return token.encode()


def _read(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise KadossierError(tr("{path}: cannot read the feeds' secret: {error}", path=path, error=exc)) from None
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if len(lines) != 1 or len(lines[0]) < 16:
        raise KadossierError(
            tr(
                "{path}: expected one line of at least 16 characters (the secret); delete the file to make a new one",
                path=path,
            )
        )
    return lines[0].encode()


def feed_path(secret: bytes, person_id: str) -> str:
    """The site path of a person's calendar feed: `calendars/TOKEN/ID.ics`."""
    token = hmac.new(secret, f"feed:{person_id}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{FEEDS_DIR}/{token}/{person_id}.ics"


__all__ = ["FEEDS_DIR", "SECRET_ENV", "SECRET_FILE", "feed_path", "feed_secret"]
