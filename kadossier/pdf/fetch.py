"""What a PDF may load: files in the template folders and the font cache, and `data:` URIs — nothing else.

No network, no redirects, no file outside those folders, no raster image too large to decode safely: a
refused URL stops the render (WeasyPrint would otherwise warn and go on).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from kadossier.i18n import tr


class FetchRefused(FatalURLFetchingError):  # type: ignore[misc]  # WeasyPrint has no type hints
    """A template asked for a resource outside the allowed folders: the render stops."""


class LocalFetcher(URLFetcher):  # type: ignore[misc]
    """Fetch only files inside the given folders, and `data:` URIs; refuse everything else.

    No network, no redirects, no file outside the template folders and the font cache: a refused URL
    raises `FetchRefused`, which stops the render (WeasyPrint would otherwise warn and go on).
    """

    def __init__(self, roots: Iterable[Path]) -> None:
        super().__init__(timeout=5, allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=True)
        self.roots = tuple(root.resolve() for root in roots)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return the resource at `url` if it is allowed; raise `FetchRefused` if not."""
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc in ("", "localhost"):
                path = Path(url2pathname(parts.path)).resolve()  # resolves "..", and symlinks out of the roots
                if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    data = path.read_bytes()
                    _check_image(path.name, kind, data)
                    return URLFetcherResponse(path.as_uri(), data, {"Content-Type": kind})
        raise FetchRefused(
            tr("refused to fetch {url}: PDFs may only use files in the template folders", url=repr(url[:200]))
        )


MAX_PIXELS = 25_000_000
"""Largest image (width x height) a PDF may use; bigger ones are refused before they are decoded."""


def _check_image(name: str, kind: str, data: bytes) -> None:
    """Refuse a raster image over MAX_PIXELS, reading only its header."""
    if not kind.startswith("image/") or kind == "image/svg+xml":
        return
    from io import BytesIO

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(BytesIO(data)) as image:  # reads the header; pixels are decoded only on demand
            width, height = image.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise FetchRefused(tr("refused {name}: not an image that can be read safely", name=name)) from None
    if width * height > MAX_PIXELS:
        raise FetchRefused(
            tr(
                "refused {name}: {width}x{height} pixels is over the limit of {limit}",
                name=name,
                width=width,
                height=height,
                limit=format(MAX_PIXELS, ","),
            )
        )
