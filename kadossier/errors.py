"""The small error tree, and the located problem every check reports.

Library code raises a `KadossierError` subclass for anything a user can fix; the CLI prints it without a
traceback and the MkDocs plugin turns it into a `PluginError`. Problems found *in* dossiers are not
exceptions: they are collected as `Problem` values, all of them, and reported together.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kadossier.i18n import tr


class Severity(StrEnum):
    """How bad a problem is: errors fail validation, warnings are red flags, notes are suggestions (never fail)."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding, located in a file: `path:line:col: severity: message [code]`; line 0 is the path itself
    (a folder): `path: severity: message`."""

    path: str
    line: int
    col: int
    severity: Severity
    message: str
    code: str = ""

    def __str__(self) -> str:
        # The location and the [code] are for tools (editors' problem matchers, grep): never translated.
        if self.is_error:
            text = tr("{where}: error: {message}", where=self.where, message=self.message)
        elif self.is_note:
            text = tr("{where}: note: {message}", where=self.where, message=self.message)
        else:
            text = tr("{where}: warning: {message}", where=self.where, message=self.message)
        return f"{text} [{self.code}]" if self.code else text

    @property
    def where(self) -> str:
        """The location: `path:line:col`, or the path alone for a problem with the path itself."""
        return f"{self.path}:{self.line}:{self.col}" if self.line else self.path

    @property
    def is_error(self) -> bool:
        """Whether this problem makes the dossier invalid."""
        return self.severity is Severity.ERROR

    @property
    def is_note(self) -> bool:
        """Whether this is a suggestion: neither an error nor a red flag."""
        return self.severity is Severity.NOTE


class KadossierError(Exception):
    """Base of every error that is the user's to fix; shown without a traceback.

    `where` is a `path:line:col` location when the error is in a file, so it can be shown GNU-style.
    """

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.where = where


class WorkspaceError(KadossierError):
    """The workspace cannot be found, or its configuration is invalid."""


class ScaffoldError(KadossierError):
    """A file cannot be created as asked (it exists, or the name is unsafe)."""


class EditError(KadossierError):
    """The file cannot be edited as asked; it was left as it was."""


class LockTimeout(KadossierError):
    """Another process held the lock for longer than the time limit."""


class TemplateProblem(KadossierError):
    """A template (the defaults or a workspace's own) cannot be read or rendered."""


class UnsafeSiteDir(KadossierError):
    """site_dir points at something a build must not overwrite."""


class SiteNotWritten(KadossierError):
    """The site could not be written (disk full, read-only folder); the previous site is kept."""


class UnsafeOutput(KadossierError):
    """An output file (`export -o`, `pdf -o`) would replace one of the workspace's sources."""


class FontError(KadossierError):
    """The configured font cannot be found or read."""


class PdfError(KadossierError):
    """A PDF cannot be made as asked."""
