"""IME slips: full-width characters typed where YAML syntax is meant, found and explained with the fix.

A Chinese input method types `：` for `:`, `【` for `[`, `“` for `"`, U+3000 for a space and `２` for `2`.
Standard YAML reads most of these as text (`grade： B` becomes part of a key, `【东北, 华北】` one string), or
fails somewhere later with a message about something else. The loader asks this module about each plain
key and value it reads, and about the lines around a YAML syntax error, and reports the slip at the
character itself instead.

Chinese text legitimately holds `：`, `【】` and `“”`, so only the places where YAML structure is meant are
slips: a key (dossier keys are ASCII words, a key never holds `：` or starts with U+3000); an item of
`[..]`/`{..}` that starts with a full-width bracket or quote; a whole value wrapped in full-width
brackets; a value that is a date or a number once its full-width digits are made ASCII. Quoted text and
`|` blocks are never looked at: quoting is how to keep such characters as text.
"""

from __future__ import annotations

import re
from typing import Any

from kadossier.i18n import tr

Slip = tuple[int, int, str]
"""A located slip: 1-based line and column, and the message."""

_ASCII = {"【": "[", "】": "]", "［": "[", "］": "]", "｛": "{", "｝": "}", "“": '"', "”": '"', "‘": "'", "’": "'"}
_ASCII |= {"「": '"', "」": '"', "：": ":", "，": ",", "－": "-", "．": ".", "＋": "+", "\u3000": " "}
_ASCII |= {chr(0xFF10 + d): str(d) for d in range(10)}
_OPENERS = {"【": "】", "［": "］", "｛": "｝"}
_QUOTES = {"“": "”", "‘": "’", "「": "」"}
_FULL_DIGIT = re.compile("[０-９]")
_DATE_OR_NUMBER = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2})?|[-+]?(?:\d+(?:\.\d*)?|\.\d+)")
_KEY_COLON = re.compile(r"^( *)((?:- +)*)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*：[ \t\u3000]*")
_INDENT = re.compile(r"^ *(\u3000+)")
_BRACKET_AT_VALUE = re.compile(r"(?:^ *(?:- +)*|: +|[\[{,] *)([【［｛])")


def ascii_of(text: str) -> str:
    """`text` with its full-width punctuation, digits and spaces written as the ASCII YAML means."""
    return "".join(_ASCII.get(c, c) for c in text)


def in_key(key: str, start: Any, end: Any) -> Slip | None:
    """The slip in a plain mapping key written from mark `start` to `end`, if any: a full-width colon, or
    U+3000 used as indentation."""
    if key.startswith("\u3000"):
        return _at(start, end, 0, _indent_message())
    colon = key.find("：")
    if colon > 0:
        name, rest = key[:colon].rstrip(), key[colon + 1 :].strip(" \u3000")
        return _at(start, end, colon, _colon_message(name, rest))
    return None


def in_value(value: str, start: Any, end: Any, *, flow: bool, text: str = "") -> Slip | None:
    """The slip in a plain value written from mark `start` to `end` of `text`, if any; `flow` when it is an
    item of `[..]` or `{..}`."""
    if _FULL_DIGIT.search(value) and _DATE_OR_NUMBER.fullmatch(ascii_of(value)):
        digit = _FULL_DIGIT.search(value)
        assert digit is not None
        return _at(
            start,
            end,
            digit.start(),
            tr(
                "full-width digit '{char}' in {value}: dates and numbers are written with ASCII digits; write {fixed}",
                char=digit.group(),
                value=value,
                fixed=ascii_of(value),
            ),
        )
    first, last = value[:1], value[-1:]
    if flow and first in _QUOTES:
        return _at(start, end, 0, _quote_message(first, _quoted(text, start.index) or value[1:]))
    if flow and first in _OPENERS:
        return _at(start, end, 0, _bracket_message(first, _brackets(value)))
    # a whole value in full-width brackets meant [..] or {..}; 【..】 alone is a common heading in Chinese
    # text, so it is a slip only when it holds a list's commas
    if not flow and first in "［｛" and last == _OPENERS[first]:
        return _at(start, end, 0, _bracket_message(first, _brackets(value)))
    if not flow and first == "【" and last == "】" and ("," in value or "，" in value):
        return _at(start, end, 0, _bracket_message(first, _brackets(value)))
    return None


def near_error(text: str, first: int, last: int) -> list[Slip]:
    """The slips on lines `first` to `last` (1-based), where YAML reported a syntax error: they explain it."""
    lines = text.split("\n")[first - 1 : last]
    found: list[Slip] = []
    for number, line in enumerate(lines, first):
        line = line.rstrip("\r")
        if indent := _INDENT.match(line):
            found.append((number, indent.start(1) + 1, _indent_message()))
        elif key := _KEY_COLON.match(line):
            rest = line[key.end() :].split(" #")[0].rstrip()
            found.append((number, line.index("：") + 1, _colon_message(key[3], rest)))
        elif bracket := _BRACKET_AT_VALUE.search(line):
            rest = line[bracket.start(1) :].split(" #")[0].rstrip()
            found.append((number, bracket.start(1) + 1, _bracket_message(bracket[1], _brackets(rest))))
    return found


def _at(start: Any, end: Any, index: int, message: str) -> Slip:
    """The slip at character `index` of the scalar from `start` to `end` (at its start if it spans lines,
    where folding makes the index no column)."""
    return start.line + 1, start.column + 1 + (index if end.line == start.line else 0), message


def _colon_message(key: str, rest: str) -> str:
    return tr(
        "full-width colon '：' after '{key}': YAML needs the ASCII colon and a space; write '{key}: {rest}'",
        key=key,
        rest=rest,
    )


def _indent_message() -> str:
    return tr(
        "full-width space U+3000 ('　') used as indentation: YAML indents with ASCII spaces only; "
        "replace it with spaces, like the lines around it"
    )


def _brackets(text: str) -> str:
    """`text` with its full-width brackets written as YAML's."""
    return "".join(_ASCII[c] if c in "【】［］｛｝" else c for c in text)


def _bracket_message(char: str, fixed: str) -> str:
    return tr(
        "full-width bracket '{char}' where YAML syntax is meant: YAML reads it as text; write '{fixed}', "
        "or put the text in quotes to keep '{char}'",
        char=char,
        fixed=fixed,
    )


def _quoted(text: str, start: int) -> str:
    """The text between the full-width quote at `start` and its closing quote on the same line, or ""."""
    line_end = text.find("\n", start)
    closing = text.find(_QUOTES.get(text[start : start + 1], "\n"), start + 1, None if line_end < 0 else line_end)
    return text[start + 1 : closing] if closing > 0 else ""


def _quote_message(char: str, inner: str) -> str:
    return tr(
        "full-width quote '{char}' in [..] or {{..}}: YAML reads it as text, not as a quote; write "
        '"{inner}" with ASCII quotes (to keep the Chinese quotation marks, put the whole item in ASCII quotes)',
        char=char,
        inner=inner,
    )
