"""The options of one build, made once from the workspace's settings and the command line, passed explicitly.

The settings say what a workspace builds by default (mkdocs.yml); a command may ask for more (`--redact`) or
less (`--no-pdf`). `BuildOptions.make` decides once, and every part of the build reads the decision from here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from kadossier.utils import clock

if TYPE_CHECKING:  # the settings module loads MkDocs' config classes; the PDFs and exports never need them
    from kadossier.workspace.settings import Settings


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What one build (or one command's output) is made with."""

    settings: Settings = field(compare=False)
    """The workspace's settings (the kadossier plugin's options in mkdocs.yml, validated)."""
    today: date
    """The day the outputs are made as of: red flags, upcoming visits and ages depend on it (by default the date
    in the workspace's time zone)."""
    redact: bool = False
    """The shareable edition: no personal profiles or private contact details (see kadossier.dossier.privacy)."""
    pdf: bool = True
    """Make the PDF briefings beside the site."""
    strict: bool = False
    """Warnings fail the build."""
    jobs: int | None = None
    """Worker processes (None: one per core)."""

    @classmethod
    def make(
        cls,
        settings: Settings,
        *,
        today: date | None = None,
        redact: bool = False,
        pdf: bool = True,
        strict: bool = False,
        jobs: int | None = None,
    ) -> BuildOptions:
        """The options of a build with these settings: `redact` adds redaction, `pdf=False` drops the PDFs."""
        return cls(
            settings,
            today or clock.today(settings.timezone),
            redact=bool(settings.redact) or redact,
            pdf=bool(settings.pdf) and pdf,
            strict=strict,
            jobs=jobs,
        )

    def output_inputs(self) -> dict[str, object]:
        """What the outputs are made of, of these options: for the caches' keys (jobs and strictness are not)."""
        return {
            "settings": asdict(self.settings),
            "today": self.today.isoformat(),
            "redact": self.redact,
            "pdf": self.pdf,
        }
