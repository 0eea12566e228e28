"""Presentation helpers shared by the site and the PDFs: labels per language, dates, money, safe text.

Labels live in `templates/labels/<language>.yaml` (a workspace's own file overrides single entries).
Every function that turns dossier text into markup escapes it first; the result is `Markup`, so Jinja's
autoescape does not escape it twice.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import Enum
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import yaml
from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_currency, format_decimal
from markupsafe import Markup, escape

from kadossier.dossier import portfolio
from kadossier.dossier.companies import Companies
from kadossier.dossier.custom import CustomFields
from kadossier.dossier.fields import Money
from kadossier.dossier.method import Method
from kadossier.dossier.vocab import VOCABS
from kadossier.errors import TemplateProblem
from kadossier.i18n import tr
from kadossier.render import orgchart
from kadossier.render.templating import environment
from kadossier.utils.messages import display_path
from kadossier.utils.shipped import default_templates_dir

if TYPE_CHECKING:
    from kadossier.workspace.options import BuildOptions

LOCALES = {"en": "en_GB", "zh": "zh_Hans_CN"}
COMPACT_UNITS: dict[str, tuple[tuple[int, str], ...]] = {
    "en_GB": ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")),
    "zh_Hans_CN": ((10**12, "万亿"), (10**8, "亿"), (10**4, "万")),
}
"""Abbreviations of large amounts in tables and totals (CN¥22.2M, ¥2220万), one decimal at most: kadossier's
own, so that they do not change with the CLDR release Babel ships (CLDR 49 changed M to m in English)."""
_NUMBER = re.compile(r"[#,0.]+")
_BLANK_LINE = re.compile(r"\n\s*\n")


def load_labels(language: str, workspace_root: Path | None = None) -> dict[str, Any]:
    """Return the labels of `language`: the defaults with a workspace's own entries laid over them."""
    labels: dict[str, Any] = _read_labels(default_templates_dir() / "labels" / f"{language}.yaml")
    if workspace_root is not None:
        own = workspace_root / "templates" / "labels" / f"{language}.yaml"
        if own.is_file() and own.resolve() != (default_templates_dir() / "labels" / f"{language}.yaml").resolve():
            for section, entries in _read_labels(own).items():
                labels.setdefault(section, {}).update(entries)
    return labels


def _read_labels(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as stream:
            data = yaml.safe_load(stream)
    except yaml.YAMLError as exc:  # a workspace's own labels file, edited by hand: say where
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = getattr(exc, "problem", None) or str(exc)
        raise TemplateProblem(
            tr("the labels file is not valid YAML: {problem}; fix the file", problem=problem),
            where=f"{display_path(path)}:{line}:{col}",
        ) from None
    return data if isinstance(data, dict) else {}


@cache
def _locale(identifier: str) -> Locale:
    """A parsed Babel locale (Babel parses a locale given by name on every call)."""
    return Locale.parse(identifier)


@lru_cache(maxsize=8192)
def _date(value: dt.date, locale: str) -> str:
    """A date (and time) formatted for `locale`; memoized: a build formats the same days many times over."""
    day = value.date() if isinstance(value, dt.datetime) else value
    text = str(format_date(day, "medium", locale=_locale(locale)))
    if isinstance(value, dt.datetime):
        text += " " + str(format_time(value, "HH:mm", locale=_locale(locale)))
    return text


@lru_cache(maxsize=8192)
def _amount(amount: float, currency: str, locale: str, compact: bool) -> str:
    """An amount of money formatted for `locale` (memoized like `_date`)."""
    if compact:
        return _compact(amount, currency, locale)
    if float(amount).is_integer():  # whole amounts without ".00": ¥21,000,000
        pattern = re.sub(r"\.0+", "", _locale(locale).currency_formats["standard"].pattern)
        return str(format_currency(amount, currency, format=pattern, locale=_locale(locale), currency_digits=False))
    return str(format_currency(amount, currency, locale=_locale(locale)))


def _compact(amount: float, currency: str, locale: str) -> str:
    """An amount abbreviated with the largest unit of COMPACT_UNITS it reaches once rounded (999,960 is 1M)."""
    scaled, suffix = amount, ""
    for unit, name in COMPACT_UNITS[locale]:
        if round(abs(amount) / unit, 1) >= 1:
            scaled, suffix = amount / unit, name
            break
    standard = _locale(locale).currency_formats["standard"].pattern.split(";")[0]
    pattern = _NUMBER.sub(f"#,##0.#'{suffix}'" if suffix else "#,##0.#", standard, count=1)
    return str(format_currency(scaled, currency, format=pattern, locale=_locale(locale), currency_digits=False))


@dataclass(frozen=True)
class Presenter:
    """Formats values for one language and workspace currency, as of one day."""

    language: str
    currency: str
    today: dt.date
    labels: dict[str, Any]
    method: Method = field(default_factory=Method)
    """The method's thresholds: how old a review may be per grade, the completeness bars."""
    companies: Companies | None = None
    """The workspace's competitor profiles (competitors.yaml); None: not looked up (refs are not checked)."""
    fields: CustomFields = field(default_factory=CustomFields)
    """The workspace's declared custom fields (kadossier.dossier.custom)."""

    @classmethod
    def of(cls, options: BuildOptions, workspace_root: Path | None, companies: Companies | None = None) -> Presenter:
        """The presenter of a build: its workspace's language and currency (and own labels), as of its day."""
        language = options.settings.language
        labels = load_labels(language, workspace_root)
        settings = options.settings
        return cls(
            language, settings.currency, options.today, labels, settings.method, companies, settings.custom_fields
        )

    @cached_property
    def locale(self) -> str:
        """The Babel locale of the language."""
        return LOCALES[self.language]

    @property
    def ui(self) -> dict[str, str]:
        """Interface texts."""
        return dict(self.labels["ui"])

    def label(self, vocab: str, value: object) -> str:
        """The label of a vocabulary value (the value itself if the labels lack it)."""
        if value is None:
            return ""
        key = getattr(value, "value", value)
        return str(self.labels["vocab"][vocab].get(key, key))

    def field(self, name: str) -> str:
        """The label of a field name."""
        return str(self.labels["fields"].get(name, name.replace("_", " ")))

    def money(self, money: Money | None, *, compact: bool = False) -> str:
        """Format an amount in its currency (the workspace's when it has none)."""
        if money is None:
            return ""
        return self.amount(money.amount, money.currency or self.currency, compact=compact)

    def amount(self, amount: float, currency: str, *, compact: bool = False) -> str:
        """Format a number as money in `currency`."""
        return _amount(amount, currency, self.locale, compact)

    def amounts(self, totals: dict[str, float], *, compact: bool = True) -> str:
        """Format sums per currency as one line: ¥21M · €2.4M."""
        if not totals:
            return "–"
        return " · ".join(self.amount(v, c, compact=compact) for c, v in sorted(totals.items()))

    def number(self, value: float) -> str:
        """Format a plain number with the language's grouping."""
        return str(format_decimal(value, locale=_locale(self.locale)))

    def date(self, value: dt.date | None) -> str:
        """Format a date: 28 Nov 2026 / 2026年11月28日."""
        if value is None:
            return ""
        return _date(value, self.locale)

    def month(self, value: dt.date) -> str:
        """Format a month: Jan 2027 / 2027年1月."""
        return str(format_skeleton("yMMM", value, locale=_locale(self.locale)))

    def show(self, value: object) -> Markup:
        """Format any field value as HTML by its type: money, dates, vocabularies, text, numbers."""
        if value is None:
            return Markup("")
        if isinstance(value, Money):
            return escape(self.money(value))
        if isinstance(value, dt.date):
            return escape(self.date(value))
        if isinstance(value, Enum):
            return escape(self.label(VOCABS.get(type(value), type(value).__name__.lower()), value))
        if isinstance(value, bool):
            return Markup("✓") if value else Markup("–")
        if isinstance(value, int | float):
            return escape(self.number(value))
        if isinstance(value, str | list):
            return text_html(value)
        return escape(str(value))

    def show_field(self, obj: object, name: str) -> Markup:
        """Format the field `name` of `obj`: years stay plain, fractions become percentages."""
        value = getattr(obj, name)
        if name == "founded":
            return escape(str(value))
        if name == "net_margin" and isinstance(value, float):
            return escape(f"{value * 100:.1f}%")
        return self.show(value)

    def custom(self, obj: object, part: str) -> list[tuple[str, Markup]]:
        """The custom fields `obj` (a `part`: account, person, …) holds, in the order the workspace declares them:
        (label, value) with yes/no in words and a choice by its label."""
        values = getattr(obj, "custom", None) or {}
        rows = []
        for declared in self.fields.of(part):
            value = values.get(declared.name)
            if value is None:
                continue
            if isinstance(value, bool):
                shown = escape(self.ui["yes"] if value else self.ui["no"])
            elif (choice := declared.choice(value) if isinstance(value, str) else None) is not None:
                shown = escape(choice.label(self.language))
            else:
                shown = self.show(value)
            rows.append((declared.label(self.language), shown))
        return rows

    def environment(self, workspace_root: Path | None) -> jinja2.Environment:
        """A Jinja environment (HTML, autoescaped) with this presenter's filters and globals."""
        env = environment(workspace_root, html=True)
        env.filters.update(
            text=text_html,
            money=self.money,
            amounts=self.amounts,
            date=self.date,
            month=self.month,
            label=self.label,
            field=self.field,
            show=self.show,
        )
        env.globals.update(
            P=self,
            ui=self.ui,
            today=self.today,
            portfolio=portfolio,
            orgchart=orgchart,
            currency=self.currency,
            filled=filled,
            show_field=self.show_field,
            stale_limit=self.method.review_limit,
            upcoming_days=portfolio.UPCOMING_DAYS,
        )
        return env


def filled(obj: object, names: list[str]) -> list[str]:
    """The names of the fields of `obj` that hold something."""
    return [n for n in names if getattr(obj, n, None) not in (None, [], "")]


def text_html(value: str | list[str] | None) -> Markup:
    """Render free text as escaped HTML on one line: paragraphs, line breaks, or a bullet list.

    The result never contains a newline, so it cannot end a raw HTML block in Markdown and let the rest
    of the text be read as Markdown.
    """
    if value is None:
        return Markup("")
    if isinstance(value, list):
        return Markup("<ul>{}</ul>").format(Markup("").join(Markup("<li>{}</li>").format(_lines(v)) for v in value))
    paragraphs = [p for p in _BLANK_LINE.split(value.strip()) if p.strip()]
    if len(paragraphs) == 1:
        return _lines(paragraphs[0])
    return Markup("").join(Markup("<p>{}</p>").format(_lines(p)) for p in paragraphs)


def _lines(text: str) -> Markup:
    return Markup("<br>").join(escape(line) for line in text.strip().split("\n"))


def items(value: str | list[str] | None) -> list[str]:
    """The entries of a text field as a list: a list as it is, a text by its non-empty lines."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [line.strip() for line in value.splitlines() if line.strip()]
