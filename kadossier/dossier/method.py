"""The sales method's numbers: when its checks raise a red flag, and how complete a dossier should be per grade.

The training material invests by grade (A 全力以赴, B 控制投入, C 关注变化), so the bars differ by grade; an
ungraded account is held to C's. Each number has a documented default; a workspace changes them with the
kadossier plugin's option `method` in mkdocs.yml (read here, every problem reported at once):

    method:
      stale_days: {A: 30, B: 60, C: 90}
      complete: {A: 80, B: 60, C: 40}
      cold_days: 45
      confirm_days: 3
      payment_days: 90
      current_ratio: 1
      risk: 4
      weights: {coach: 3}
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from kadossier.dossier.vocab import Grade
from kadossier.i18n import tr
from kadossier.utils.messages import did_you_mean

STALE_DAYS = {"A": 30, "B": 60, "C": 90}
"""Days after which a dossier's review is stale, by grade."""
COMPLETE = {"A": 80, "B": 60, "C": 40}
"""The completeness score (percent) a dossier should reach, by grade."""


@dataclass(frozen=True, slots=True)
class Method:
    """The thresholds of the method's checks; every default is the documented one."""

    stale_days: Mapping[str, int] = field(default_factory=lambda: dict(STALE_DAYS))
    """Days after which the review is stale (`stale-review`), by grade; ungraded: C's."""
    complete: Mapping[str, int] = field(default_factory=lambda: dict(COMPLETE))
    """The completeness score in percent below which a dossier is `incomplete`, by grade; ungraded: C's."""
    cold_days: int = 45
    """Days without contact after which a decision maker is cold (`decision-maker-cold`)."""
    confirm_days: int = 3
    """A planned visit this many days ahead (today included) should be confirmed (`visit-unconfirmed`)."""
    payment_days: int = 90
    """Payment days over this are a credit risk (`credit-risk`)."""
    current_ratio: float = 1.0
    """A current ratio below this is a credit risk."""
    risk: int = 4
    """A value-assessment risk of this or more is a credit risk."""
    weights: Mapping[str, float] = field(default_factory=dict)
    """Completeness checklist weights that differ from the default, by item key."""

    def review_limit(self, grade: Grade | None) -> int:
        """How many days a review of an account of `grade` stays fresh."""
        return self.stale_days[(grade or Grade.C).value]

    def bar(self, grade: Grade | None) -> int:
        """The completeness (percent) an account of `grade` should reach."""
        return self.complete[(grade or Grade.C).value]

    def fingerprint(self) -> str:
        """The settings as canonical JSON: part of the key of anything cached that they change."""
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=True)


_NUMBERS: dict[str, tuple[type, float, float]] = {
    "cold_days": (int, 1, 3650),
    "confirm_days": (int, 1, 365),
    "payment_days": (int, 0, 3650),
    "current_ratio": (float, 0, 1000),
    "risk": (int, 1, 5),
}
_BY_GRADE: dict[str, tuple[int, int]] = {"stale_days": (1, 3650), "complete": (0, 100)}
KEYS = (*_BY_GRADE, *_NUMBERS, "weights")
"""The keys of the `method` option."""


def read_method(value: object, items: Collection[str]) -> tuple[Method, list[str]]:
    """The `method` option's value as a `Method`, and every problem in it; `items` are the completeness
    checklist's item keys (what `weights` may name)."""
    if value is None:
        return Method(), []
    if not isinstance(value, dict):
        return Method(), [tr("expected a mapping of setting: value, like 'cold_days: 45'")]
    problems: list[str] = []
    read: dict[str, Any] = {}
    for key, given in value.items():
        if key in _BY_GRADE:
            read[key] = _by_grade(str(key), given, *_BY_GRADE[key], problems)
        elif key in _NUMBERS:
            kind, least, most = _NUMBERS[key]
            number = _number(str(key), given, kind, least, most, problems)
            if number is not None:
                read[key] = number
        elif key == "weights":
            read[key] = _weights(given, items, problems)
        else:
            problems.append(tr("unknown setting '{key}'{hint}", key=key, hint=did_you_mean(str(key), KEYS)))
    return Method(**read), problems


def _number(key: str, given: object, kind: type, low: float, high: float, problems: list[str]) -> float | None:
    whole = isinstance(given, int) and not isinstance(given, bool)
    if not (whole or (kind is float and isinstance(given, float))) or not low <= given <= high:  # type: ignore[operator]
        problems.append(
            tr("'{key}' must be a number from {low} to {high}, not {value}", key=key, low=low, high=high, value=given)
            if kind is float
            else tr(
                "'{key}' must be a whole number from {low} to {high}, not {value}",
                key=key,
                low=int(low),
                high=int(high),
                value=given,
            )
        )
        return None
    return kind(given)  # type: ignore[no-any-return]


def _by_grade(key: str, given: object, low: int, high: int, problems: list[str]) -> dict[str, int]:
    defaults = STALE_DAYS if key == "stale_days" else COMPLETE
    result = dict(defaults)
    if not isinstance(given, dict):
        a, b, c = defaults.values()
        problems.append(
            tr("'{key}' takes a number per grade, like '{{A: {a}, B: {b}, C: {c}}}'", key=key, a=a, b=b, c=c)
        )
        return result
    for grade, number in given.items():
        if str(grade) not in defaults:
            problems.append(tr("'{key}': '{grade}' is not a grade (A, B or C)", key=key, grade=grade))
            continue
        checked = _number(f"{key}.{grade}", number, int, low, high, problems)
        if checked is not None:
            result[str(grade)] = int(checked)
    return result


def _weights(given: object, items: Collection[str], problems: list[str]) -> dict[str, float]:
    if not isinstance(given, dict):
        problems.append(tr("'weights' takes a weight per checklist item, like '{{coach: 3}}'"))
        return {}
    result: dict[str, float] = {}
    for item, weight in given.items():
        if str(item) not in items:
            hint = did_you_mean(str(item), items)
            problems.append(tr("'weights': no checklist item '{item}'{hint}", item=item, hint=hint))
            continue
        checked = _number(f"weights.{item}", weight, float, 0, 100, problems)
        if checked is not None:
            result[str(item)] = checked
    return result


__all__ = ["COMPLETE", "KEYS", "STALE_DAYS", "Method", "read_method"]
