"""The workspace's settings: the kadossier plugin's options in mkdocs.yml, declared once.

MkDocs validates them when it loads the plugin (`mkdocs build`), and `kadossier` commands read them with
MkDocs' own YAML loader and the same declarations, so both see the same settings and the same errors.
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from kadossier.dossier.checks import RED_FLAGS


class _CurrencyCode(c.Type[str]):
    """An ISO 4217 currency code."""

    def run_validation(self, value: object) -> str:
        from kadossier.dossier.fields import currencies

        code = super().run_validation(value)
        if code not in currencies():
            raise base.ValidationError(f"'{code}' is not an ISO 4217 currency code (like CNY, EUR, USD)")
        return code


class _TimeZone(c.Type[str]):
    """An IANA time zone name."""

    def run_validation(self, value: object) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        name = super().run_validation(value)
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise base.ValidationError(
                f"'{name}' is not an IANA time zone (like Asia/Shanghai or Europe/Berlin)"
            ) from None
        return name


class KadossierConfig(base.Config):
    """The kadossier plugin's options in mkdocs.yml: the workspace settings."""

    dossiers_dir = c.Type(str, default="dossiers")
    """Folder, relative to mkdocs.yml, with one YAML file per account."""
    language = c.Choice(("en", "zh"), default="en")
    """Language of labels, dates and money in the site and PDFs: en or zh."""
    currency = _CurrencyCode(str, default="CNY")
    """Currency of amounts written without one (ISO 4217)."""
    warn = c.Optional(c.ListOfItems(c.Choice(tuple(RED_FLAGS))))
    """Red flags that are MkDocs warnings (so --strict fails on them); default: all. The others are logged
    as information; every red flag is shown on the site either way."""
    timezone = c.Optional(_TimeZone(str))
    """IANA time zone of the visits' times (Asia/Shanghai, Europe/Berlin) for the calendar feed; default none:
    times are floating, shown at the same clock time wherever the calendar is."""
    redact = c.Type(bool, default=False)
    """Build the shareable edition: no personal profiles or private contact details anywhere."""
    pdf = c.Type(bool, default=True)
    """Build the PDF briefings (site/pdf/ACCOUNT.pdf, site/pdf/ACCOUNT/VISIT.pdf) with the site."""
    pdf_font = c.Type(str, default="Noto Sans CJK SC")
    """Font family of the PDFs (found with fontconfig); it must cover Chinese."""
    pdf_timeout = c.Type(int, default=120)
    """Seconds one PDF may take to render; a slower one is stopped and reported for its account alone."""
    pdf_memory = c.Type(int, default=2048)
    """MiB one PDF's render may allocate; over it, that PDF fails alone."""
    pdf_marking = c.Optional(c.Type(str))
    """Confidentiality marking on every PDF page; default: 'Confidential · internal use only'."""
