"""kadossier: key-account dossiers (大客户档案) as code.

One YAML file per account in git, validated with precise errors, rendered into an MkDocs Material
team wiki and WeasyPrint briefing PDFs.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # The version is looked up only when asked for: importlib.metadata costs ~30 ms at every start.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("kadossier")
        except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
            return "0+unknown"
    raise AttributeError(name)
