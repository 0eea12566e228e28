"""The workspace's competitor profiles (competitors.yaml): competitors as companies, shared by every dossier.

A dossier's competitor describes the competitor *at this account* (what the account uses, satisfaction, their
rep); `ref: ID` links it to a profile, which describes the company (products, market, strengths) and is shown
beside the dossier's own fields, never merged into them. Only `ref` links: a competitor whose id equals a
profile's id is not linked by that. A competitor without `ref` whose name is a profile's name or alias is
offered the `ref` as a note.

This module holds the file's model and the lookups; kadossier.dossier.validate reads and checks the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kadossier.dossier.checks import Finding
from kadossier.dossier.model import SCHEMA_VERSION, Dossier
from kadossier.dossier.parts import CompanyProfile, Part
from kadossier.i18n import tr
from kadossier.utils.messages import did_you_mean

FILE_NAME = "competitors.yaml"
"""The profiles' file, beside mkdocs.yml (the plugin option `competitors` may move it)."""


class CompanyFile(Part):
    """The workspace's competitor profiles (竞争对手的经营情况), one file shared by every dossier."""

    schema_version: int = SCHEMA_VERSION
    """Format version of the file; always 1 for now."""
    competitors: list[CompanyProfile] = []
    """One profile per competing company."""


def is_companies_file(path: Path) -> bool:
    """Whether a file is named as competitor profiles are by default (competitors.yaml or .yml)."""
    return path.stem == Path(FILE_NAME).stem and path.suffix in (".yaml", ".yml")


def _key(name: str) -> str:
    """A name as it is compared: case and spacing ignored."""
    return " ".join(name.casefold().split())


@dataclass(frozen=True, slots=True)
class Companies:
    """The profiles of a workspace, by id (empty: the workspace has no competitors.yaml)."""

    profiles: tuple[CompanyProfile, ...] = ()
    source: str = ""
    """The file's contents hash (part of the cache keys of everything that shows a profile); "" for none."""

    def get(self, ident: str | None) -> CompanyProfile | None:
        """The profile with id `ident`, if any."""
        return next((p for p in self.profiles if p.id == ident), None) if ident else None

    def named(self, name: str | None) -> CompanyProfile | None:
        """The profile whose name or one of whose aliases is `name` (case and spacing ignored)."""
        if not name:
            return None
        wanted = _key(name)
        return next((p for p in self.profiles if wanted in {_key(n) for n in (p.name, *p.aliases)}), None)


def attach(dossier: Dossier, companies: Companies) -> None:
    """Give each of the dossier's competitors with a known `ref` its profile (`Competitor.company`)."""
    for competitor in dossier.competitors:
        competitor._company = companies.get(competitor.ref)


def errors(dossier: Dossier, companies: Companies) -> Iterator[Finding]:
    """The refs to profiles the workspace does not have."""
    known = [p.id for p in companies.profiles]
    for i, competitor in enumerate(dossier.competitors):
        if competitor.ref is None or companies.get(competitor.ref) is not None:
            continue
        if known:
            message = tr(
                "no competitor profile with id '{ref}' in {file}{hint}",
                ref=competitor.ref,
                file=FILE_NAME,
                hint=did_you_mean(competitor.ref, known),
            )
        else:
            message = tr(
                "no competitor profile with id '{ref}': the workspace has no {file} beside mkdocs.yml; "
                "add the profile there, or remove 'ref'",
                ref=competitor.ref,
                file=FILE_NAME,
            )
        yield Finding(("competitors", i, "ref"), message)


def notes(dossier: Dossier, companies: Companies) -> Iterator[Finding]:
    """Competitors without `ref` whose name is a profile's name or alias: the `ref` they could have."""
    for i, competitor in enumerate(dossier.competitors):
        profile = companies.named(competitor.name) if competitor.ref is None else None
        if profile is not None:
            message = tr(
                "competitor '{name}' matches the profile '{id}' in {file}: add 'ref: {id}' to show the company's "
                "profile here and count this account on its page",
                name=competitor.name,
                id=profile.id,
                file=FILE_NAME,
            )
            yield Finding(("competitors", i, "name"), message, "competitor-profile")
