"""Turn one cell into one field's value, written as the dossiers' loader would read it back.

A value is returned in the loader's form: `Plain` for what a dossier writes unquoted (vocabulary values,
dates, numbers), `str` for text (quoted), lists of those. What cannot be read without a guess is a
`CellProblem` with the fix: a phone number the spreadsheet stored as a number (it drops a leading zero), a
date in no known form, a word of no vocabulary (with the value it most likely means).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from difflib import get_close_matches
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from kadossier.dossier import fields
from kadossier.dossier.fields import SYNONYMS, closest_value, label_words
from kadossier.dossier.load import Plain
from kadossier.dossier.vocab import VOCABS
from kadossier.i18n import tr
from kadossier.imports.targets import Kind, Target
from kadossier.utils.messages import did_you_mean

EXCEL_EPOCH = dt.date(1899, 12, 30)
"""Day 0 of Excel's serial dates (the 1900 date system, counting its phantom 29 February 1900)."""
_SERIALS = range(1, 2_958_466)  # 1900-01-01 .. 9999-12-31
_SPLIT = re.compile(r"\s*[、,，;；\n]\s*")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_TIME = re.compile(r"\s*[ T]?\s*(\d{1,2})[:：](\d{2})(?::\d{2})?\s*$")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_AMOUNT = re.compile(r"[¥￥$€\s]|元$|RMB|CNY", re.IGNORECASE)
_SCALE = {"万": 10_000, "亿": 100_000_000, "k": 1_000, "K": 1_000, "M": 1_000_000}
_SEPARATED = re.compile(r"[+-]?\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?")
"""A number with thousands separators where they belong (1,500 or 12,000,000.5): `1,5` is not one (a decimal
comma, or a slip) and is refused rather than read as 15."""
_YES = frozenset(("是", "有", "√", "✓", "y", "yes", "true", "1", "已确认", "确认"))
_NO = frozenset(("否", "无", "×", "✗", "n", "no", "false", "0", "未确认"))


class CellProblem(Exception):
    """A cell that cannot become the field's value; the message says why and what to do."""


def convert(value: Any, target: Target, words: dict[str, str], label: str) -> Any:
    """The value of `target` for a cell holding `value` (not empty); `words` are the mapping's own words for the
    field's vocabulary, `label` the column's header (for messages)."""
    kind = target.kind
    if kind is Kind.CHOICE:
        return Plain(choice(value, target.vocab, words, label))
    if kind is Kind.DECLARED_CHOICE:
        return Plain(declared_choice(value, target, label))
    if kind is Kind.CHOICES:
        return [Plain(choice(word, target.vocab, words, label)) for word in _split(value)]
    converted = _CONVERTERS[kind](value, label)
    if kind in (Kind.TEXT, Kind.TEXTS, Kind.PHONE):
        _check_characters(converted, multiline=target.annotation == fields.Text, label=label)
    try:
        target.adapter.validate_python(converted)
    except ValidationError as exc:
        from kadossier.dossier.validate import describe  # the dossiers' wording for a value out of bounds

        error = exc.errors(include_url=False)[0]
        _, _, message = describe({**error, "loc": target.path})
        raise CellProblem(tr("{column}: {message}", column=label, message=message)) from None
    return converted


def _check_characters(value: str | list[str], *, multiline: bool, label: str) -> None:
    """Refuse a control character, and a line break in a one-line field (a name, a title, an owner)."""
    allowed = "\n\r\t" if multiline else ""
    for text in [value] if isinstance(value, str) else value:
        bad = next((ch for ch in text if _control(ch) and ch not in allowed), None)
        if bad is None:
            continue
        if bad in "\n\r\x0b\x0c\x85\u2028\u2029":
            message = tr("{column}: a line break in a one-line field; write the value on one line", column=label)
        else:
            message = tr(
                "{column}: the control character {code} cannot be written; delete it from the cell",
                column=label,
                code=f"U+{ord(bad):04X}",
            )
        raise CellProblem(message)


def _control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp")


def text_of(value: Any, label: str = "") -> str:
    """A cell as text: a whole number without ".0", a date as YYYY-MM-DD."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _texts(value: Any, label: str) -> list[str]:
    return _split(value)


def _split(value: Any) -> list[str]:
    return [part for part in _SPLIT.split(text_of(value, "")) if part]


def _phone(value: Any, label: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = f"{value:.0f}"
        if float(value).is_integer() and _MOBILE.fullmatch(digits):
            return digits  # a mobile number has no leading zero to lose
        raise CellProblem(
            tr(
                "{column}: the phone number {number} is stored as a number, so a leading 0 may be lost; "
                "format the column as text and type the number again (like 0755 1234 5678)",
                column=label,
                number=digits,
            )
        )
    text = text_of(value, label)
    if re.fullmatch(r"\d(\.\d+)?[eE]\+\d+", text):
        raise CellProblem(
            tr(
                "{column}: the phone number {number} was saved in scientific notation, so its digits are lost; "
                "type the number again in a text column",
                column=label,
                number=text,
            )
        )
    return text


def day(value: Any, label: str) -> dt.date | dt.datetime:
    """A date (or date and time) from a cell: a date cell, an Excel serial number, 2026-11-20, 2026/11/20 or
    2026年11月20日 (with a time after it, if any)."""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and int(value) in _SERIALS:
        start = dt.datetime.combine(EXCEL_EPOCH, dt.time())
        moment = start + dt.timedelta(days=float(value))
        return moment.date() if float(value).is_integer() else moment.replace(second=0, microsecond=0)
    text = text_of(value, label)
    if text.isdigit() and int(text) in _SERIALS and len(text) <= 5:
        return day(int(text), label)
    match = _DATE.match(text)
    rest = _TIME.fullmatch(text[match.end() :]) if match else None
    if match and (rest or not text[match.end() :].strip()):
        try:
            date = dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise CellProblem(tr("{column}: {value} is not a real date", column=label, value=text)) from None
        return dt.datetime.combine(date, dt.time(int(rest[1]), int(rest[2]))) if rest else date
    raise CellProblem(
        tr(
            "{column}: cannot read {value} as a date; write it as 2026-11-20 or 2026年11月20日",
            column=label,
            value=text,
        )
    )


def _date(value: Any, label: str) -> Plain:
    read = day(value, label)
    return Plain((read.date() if isinstance(read, dt.datetime) else read).isoformat())


def _when(value: Any, label: str) -> Plain:
    read = day(value, label)
    if isinstance(read, dt.datetime) and read.time() != dt.time():
        return Plain(read.strftime("%Y-%m-%d %H:%M"))
    return Plain((read.date() if isinstance(read, dt.datetime) else read).isoformat())


def _number(value: Any, label: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    written = _AMOUNT.sub("", text_of(value, label)).replace("，", ",")
    bare = written[:-1] if written[-1:] in _SCALE else written
    if "," in bare and not _SEPARATED.fullmatch(bare):
        raise CellProblem(
            tr(
                "{column}: {value} is not a number: a comma separates thousands (1,500), a point starts the "
                "decimals (1.5)",
                column=label,
                value=text_of(value, label),
            )
        )
    text = written.replace(",", "")
    scale = _SCALE.get(text[-1:], 1) if text else 1
    try:
        return float(text[:-1] if scale != 1 else text) * scale
    except ValueError:
        raise CellProblem(tr("{column}: {value} is not a number", column=label, value=text_of(value, label))) from None


def _money(value: Any, label: str) -> Plain:
    return Plain(_plain_number(_number(value, label)))


def _float(value: Any, label: str) -> Plain:
    return Plain(_plain_number(_number(value, label)))


def _integer(value: Any, label: str) -> Plain:
    number = _number(value, label)
    if not number.is_integer():
        raise CellProblem(tr("{column}: {value} is not a whole number", column=label, value=text_of(value, label)))
    return Plain(str(int(number)))


def _yes_no(value: Any, label: str) -> Plain:
    word = text_of(value, label).casefold()
    if isinstance(value, bool):
        return Plain("true" if value else "false")
    if word in _YES or word in _NO:
        return Plain("true" if word in _YES else "false")
    raise CellProblem(tr("{column}: {value} is neither yes (是) nor no (否)", column=label, value=word))


def _plain_number(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


_CONVERTERS: dict[Kind, Callable[[Any, str], Any]] = {
    Kind.TEXT: text_of,
    Kind.TEXTS: _texts,
    Kind.PHONE: _phone,
    Kind.DATE: _date,
    Kind.WHEN: _when,
    Kind.MONEY: _money,
    Kind.INTEGER: _integer,
    Kind.NUMBER: _float,
    Kind.YES_NO: _yes_no,
}


def choice(value: Any, vocab: type[StrEnum] | None, words: dict[str, str], label: str) -> str:
    """The vocabulary value a word of the sheet means: the mapping's own word for it, the value itself, one of
    its labels in any language (决策者, 支持者) or an everyday synonym; else a `CellProblem` with the closest."""
    assert vocab is not None
    word = text_of(value, label)
    wanted = word.casefold()
    for known, meant in words.items():
        if known.casefold() == wanted:
            return meant
    meaning = labels(vocab).get(wanted)
    if meaning is not None:
        return meaning
    close = get_close_matches(wanted, [known.casefold() for known in words], n=1)
    close = [next(k for k in words if k.casefold() == close[0])] if close else []
    hint = did_you_mean(close[0], close) if close else ""
    closest = closest_value(word, vocab)
    if not hint and closest:
        hint = did_you_mean(closest, [closest])
    raise CellProblem(
        tr(
            "{column}: {value} is not one of: {allowed}{hint}; or say what it means under 'values: {vocab}:' in the "
            "mapping",
            column=label,
            value=word,
            allowed=", ".join(member.value for member in vocab),
            hint=hint,
            vocab=VOCABS.get(vocab, ""),
        )
    )


def declared_choice(value: Any, target: Target, label: str) -> str:
    """The declared choice of a custom field a word means: its value, or its label in English or Chinese."""
    word = text_of(value, label).casefold()
    for choice in target.choices:
        if word in (choice.value.casefold(), choice.en.casefold(), choice.zh.casefold()):
            return choice.value
    allowed = [c.value for c in target.choices]
    raise CellProblem(
        tr(
            "{column}: {value} is not one of: {allowed}{hint}",
            column=label,
            value=text_of(value, label),
            allowed=", ".join(allowed),
            hint=did_you_mean(word, allowed),
        )
    )


def labels(vocab: type[StrEnum]) -> dict[str, str]:
    """Every word that means a value of `vocab` exactly, casefolded: the values, each word of their labels in
    every language (kadossier.dossier.fields.label_words), and the everyday synonyms."""
    found = {member.value.casefold(): member.value for member in vocab}
    found |= {member.value.replace("_", " ").casefold(): member.value for member in vocab}
    for word, value in label_words(vocab):
        found.setdefault(word, value)
    found.update(SYNONYMS.get(VOCABS.get(vocab, ""), {}))
    found.pop("", None)
    return found
