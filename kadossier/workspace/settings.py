"""The workspace's settings: the kadossier plugin's options in mkdocs.yml, declared once, read and checked.

MkDocs validates them when it loads the plugin (`mkdocs build`), and `kadossier` commands read them with
MkDocs' own YAML loader and the same declarations (`read`), so both see the same settings and the same
errors: every failed option and every unknown one (with the closest known name), each located at its line
in mkdocs.yml. The library gets them as a frozen `Settings`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config import base
from mkdocs.config import config_options as c

from kadossier.dossier.checks import DEFAULT_WARN, RED_FLAGS
from kadossier.dossier.completeness import ITEMS
from kadossier.dossier.custom import CustomFields, read_custom_fields
from kadossier.dossier.method import Method, read_method
from kadossier.dossier.roster import RosterEntry, read_entries
from kadossier.errors import Problem, Severity, WorkspaceError
from kadossier.i18n import tr
from kadossier.utils.messages import did_you_mean, display_path
from kadossier.workspace.root import PLUGIN

log = logging.getLogger("kadossier")


class _CurrencyCode(c.Type[str]):
    """An ISO 4217 currency code."""

    def run_validation(self, value: object) -> str:
        from kadossier.dossier.fields import currencies

        code = super().run_validation(value)
        if code not in currencies():
            raise base.ValidationError(tr("'{code}' is not an ISO 4217 currency code (like CNY, EUR, USD)", code=code))
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
                tr("'{name}' is not an IANA time zone (like Asia/Shanghai or Europe/Berlin)", name=name)
            ) from None
        return name


class _Roster(base.BaseConfigOption[tuple[RosterEntry, ...]]):
    """Our people: a list of {name, id, email, former_names} (read by kadossier.dossier.roster)."""

    def run_validation(self, value: object) -> tuple[RosterEntry, ...]:
        entries, problems = read_entries(value)
        if problems:
            raise base.ValidationError("; ".join(problems))
        return entries


class _Method(base.BaseConfigOption[Method]):
    """The method's thresholds and completeness bars (read by kadossier.dossier.method)."""

    def run_validation(self, value: object) -> Method:
        method, problems = read_method(value, ITEMS)
        if problems:
            raise base.ValidationError("; ".join(problems))
        return method


class _CustomFields(base.BaseConfigOption[CustomFields]):
    """The workspace's own fields, by part and name (read by kadossier.dossier.custom)."""

    def run_validation(self, value: object) -> CustomFields:
        declared, problems = read_custom_fields(value)
        if problems:
            raise base.ValidationError("; ".join(problems))
        return declared


class _Warn(base.BaseConfigOption[tuple[str, ...] | None]):
    """`all`, or a list of red-flag codes."""

    def run_validation(self, value: object) -> tuple[str, ...] | None:
        if value is None:
            return None
        if value == "all":
            return tuple(RED_FLAGS)
        if not isinstance(value, list):
            raise base.ValidationError(tr("expected 'all' or a list of red-flag codes"))
        for code in value:
            if code not in RED_FLAGS:
                hint = did_you_mean(str(code), RED_FLAGS)
                raise base.ValidationError(tr("'{code}' is not a red-flag code{hint}", code=code, hint=hint))
        return tuple(value)


class KadossierConfig(base.Config):
    """The kadossier plugin's options in mkdocs.yml: the workspace settings."""

    dossiers_dir = c.Type(str, default="dossiers")
    """Folder, relative to mkdocs.yml, with one YAML file per account."""
    competitors = c.Type(str, default="competitors.yaml")
    """File, relative to mkdocs.yml, with the competitor profiles every dossier's `ref` refers to (optional)."""
    language = c.Choice(("en", "zh"), default="en")
    """Language of labels, dates and money in the site and PDFs: en or zh."""
    currency = _CurrencyCode(str, default="CNY")
    """Currency of amounts written without one (ISO 4217)."""
    warn = _Warn()
    """Red flags that are warnings (so --strict fails on them): a list of codes, or `all`; default: the flags
    kadossier 0.3 had (a newer flag fails a team's --strict only once listed). The others are logged as
    information; every red flag is shown on the site, in the PDFs and by `validate` either way."""
    timezone = c.Optional(_TimeZone(str))
    """IANA time zone of the visits' times (Asia/Shanghai, Europe/Berlin) for the calendar feed; default none:
    times are floating, shown at the same clock time wherever the calendar is."""
    redact = c.Type(bool, default=False)
    """Build the shareable edition: no personal profiles or private contact details anywhere."""
    noindex = c.Type(bool, default=True)
    """Keep search engines out: a robots.txt that refuses every crawler, and a `noindex, nofollow` meta on every
    page. false only for a wiki meant to be public (the dossiers hold personal data: see README, *Publishing*)."""
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
    method = _Method()
    """The sales method's numbers: review age and completeness bar per grade, days before a decision maker is
    cold or a visit must be confirmed, credit-risk limits, checklist weights (see kadossier.dossier.method)."""
    custom_fields = _CustomFields()
    """The team's own fields, by part (account, person, project, visit, competitor) and name: type (text, number,
    date, money, yesno, choice), label ({en, zh}), choices, personal (see kadossier.dossier.custom)."""
    people = _Roster()
    """Our people (the roster): name, id (for their page's URL and calendar feed), email, former_names. Optional:
    without it, ids come from the names in the dossiers (pinyin for Chinese)."""

    def validate(self) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        """Check every option and refuse unknown ones, each message located in mkdocs.yml.

        MkDocs' own `validate` stops at the first failed option and only warns about an unknown one (a typo
        that silently leaves the default); `mkdocs build` shows what this returns as its configuration errors.
        """
        path = Path(self.config_file_path) if self.config_file_path else None
        where = _Positions(path)
        failed: list[tuple[str, Exception]] = []
        warnings: list[tuple[str, str]] = []
        for key, severity, message in sorted(self.findings(), key=lambda found: where.of(found[0])):
            located = f"{where.shown(key)}: {message}"
            if severity is Severity.ERROR:
                failed.append((key, base.ValidationError(located)))
            else:
                warnings.append((key, located))
        return failed, warnings

    def findings(self) -> list[tuple[str, Severity, str]]:
        """Validate each option in turn (keeping the valid values) and return every problem: (option, severity,
        message); an unknown option is an error."""
        found: list[tuple[str, Severity, str]] = []
        for key, option in self._schema:
            try:
                option.pre_validation(self, key_name=key)
                self[key] = option.validate(self.get(key))
                option.post_validation(self, key_name=key)
            except base.ValidationError as exc:
                found.append((key, Severity.ERROR, str(exc)))
            found.extend((key, Severity.WARNING, str(w)) for w in option.warnings)
            option.reset_warnings()
        for key in sorted(set(self) - self._schema_keys, key=str):
            if key == "enabled":  # MkDocs' switch for every plugin (`mkdocs build` takes it out before this)
                if not isinstance(self[key], bool):
                    found.append((key, Severity.ERROR, tr("expected true or false")))
                continue
            hint = did_you_mean(str(key), self._schema_keys)
            found.append((str(key), Severity.ERROR, tr("unknown option{hint}", hint=hint)))
        return found


@dataclass(frozen=True, slots=True)
class Settings:
    """The workspace's settings, validated and read-only: what the library is given (see KadossierConfig)."""

    dossiers_dir: str
    language: str
    currency: str
    warn: tuple[str, ...] | None
    timezone: str | None
    redact: bool
    pdf: bool
    pdf_font: str
    pdf_timeout: int
    pdf_memory: int
    pdf_marking: str | None
    people: tuple[RosterEntry, ...] = ()
    method: Method = field(default_factory=Method)
    competitors: str = "competitors.yaml"
    custom_fields: CustomFields = field(default_factory=CustomFields)
    noindex: bool = True

    @property
    def warned(self) -> frozenset[str]:
        """The red-flag codes that are warnings: `warn`, or the default set."""
        return frozenset(self.warn) if self.warn is not None else DEFAULT_WARN

    @property
    def roster_names(self) -> frozenset[str]:
        """The names (and former names) of the declared roster: our people beyond each account's team."""
        return frozenset(n for e in self.people for n in (e.name, *e.former_names))

    @classmethod
    def from_config(cls, config: KadossierConfig) -> Settings:
        """The settings of a validated plugin configuration."""
        values = {f.name: config[f.name] for f in fields(cls)}
        if values["warn"] is not None:
            values["warn"] = tuple(values["warn"])
        return cls(**values)


def read(config_file: Path) -> Settings:
    """Read and check the kadossier plugin's options in `config_file` (mkdocs.yml).

    Raise one `WorkspaceError` with every problem, each as `mkdocs.yml:LINE:COL: kadossier plugin option 'x':
    message`; log the warnings.
    """
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    try:
        with config_file.open(encoding="utf-8") as stream:
            loaded = yaml_load(stream) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ConfigurationError) as exc:
        raise WorkspaceError(tr("{path}: cannot read: {error}", path=config_file, error=exc)) from None
    where = _Positions(config_file)
    options = plugin_options(loaded)
    if not isinstance(options, dict):
        line, col = where.of(None)
        shown = f"{display_path(config_file)}:{line}:{col}"
        raise WorkspaceError(tr("the kadossier plugin's options must be a mapping of option: value"), where=shown)
    config = KadossierConfig(config_file_path=str(config_file))
    config.load_dict(options)
    problems = [
        Problem(
            display_path(config_file),
            *where.of(key),
            severity,
            tr("kadossier plugin option '{key}': {message}", key=key, message=message),
        )
        for key, severity, message in sorted(config.findings(), key=lambda found: where.of(found[0]))
    ]
    errors = [p for p in problems if p.is_error]
    for problem in problems:
        if not problem.is_error:
            log.warning(str(problem))
    if errors:
        first, rest = errors[0], errors[1:]
        raise WorkspaceError("".join([first.message, *(f"\n{p}" for p in rest)]), where=first.where)
    return Settings.from_config(config)


def plugin_options(config: Any) -> Any:
    """The kadossier plugin's options in a loaded mkdocs.yml (a list- or a dict-form `plugins:`), {} if none."""
    plugins = config.get("plugins") if isinstance(config, dict) else None
    entries = (
        plugins.items()
        if isinstance(plugins, dict)
        else ((next(iter(p.items())) if isinstance(p, dict) and p else (p, None)) for p in plugins or ())
    )
    for name, options in entries:
        if name == PLUGIN:
            return {} if options is None else (dict(options) if isinstance(options, dict) else options)
    return {}


class _Positions:
    """Where the plugin and each of its options are written in mkdocs.yml, from the YAML's nodes."""

    def __init__(self, config_file: Path | None) -> None:
        self.config_file = config_file
        self.plugin: tuple[int, int] = (1, 1)
        self.options: dict[str, tuple[int, int]] = {}
        try:  # composing builds nodes only: MkDocs' tags (!ENV, !!python/name:...) need no constructor
            text = config_file.read_text(encoding="utf-8") if config_file else ""
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return
        plugins = _value(root, "plugins")
        entries = plugins.value if isinstance(plugins, yaml.SequenceNode | yaml.MappingNode) else []
        for entry in entries:
            key, options = entry if isinstance(entry, tuple) else _only_pair(entry)  # dict form: (key, value)
            if isinstance(key, yaml.ScalarNode) and key.value == PLUGIN:
                self.plugin = _start(key)
                if isinstance(options, yaml.MappingNode):
                    self.options = {k.value: _start(k) for k, _ in options.value if isinstance(k, yaml.ScalarNode)}
                return

    def of(self, key: str | None) -> tuple[int, int]:
        """The line and column of option `key`, or of the plugin's entry if it is not written in this file."""
        return self.options.get(key, self.plugin) if key is not None else self.plugin

    def shown(self, key: str) -> str:
        """`path:line:col` of option `key`, the path as the user would write it."""
        line, col = self.of(key)
        return f"{display_path(self.config_file) if self.config_file else 'mkdocs.yml'}:{line}:{col}"


def _value(node: yaml.Node | None, name: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == name:
                return value  # type: ignore[no-any-return]  # PyYAML's nodes hold untyped lists
    return None


def _only_pair(node: yaml.Node) -> tuple[yaml.Node | None, yaml.Node | None]:
    """A list-form entry: `- name` or `- name: {options}`."""
    if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
        return node.value[0]  # type: ignore[no-any-return]
    return (node, None) if isinstance(node, yaml.ScalarNode) else (None, None)


def _start(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1
