"""Where the files shipped with kadossier are: the default templates and labels (inside the wheel, or at the
top of a source checkout)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def default_templates_dir() -> Path:
    """The templates shipped with kadossier (inside the wheel, or at the top of a source checkout)."""
    installed = PACKAGE_DIR / "templates"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "templates"
