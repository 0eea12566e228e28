"""kadossier: key-account dossiers (大客户档案) as code.

One YAML file per account in git, validated with precise errors, rendered into an MkDocs Material
team wiki and WeasyPrint briefing PDFs.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kadossier")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0+unknown"
