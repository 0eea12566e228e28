"""Read one dossier file into plain data, safely, with the source position of every key and value.

The YAML is read event by event from libyaml's parser (PyYAML's C binding when present) and built into
dicts, lists, strings and None by this module alone, so that:

- no tag is ever constructed (`!!python/object` and every other tag is refused);
- anchors, aliases and merge keys are refused (no alias bombs, no hidden sharing);
- duplicate keys are errors instead of PyYAML's silent "last one wins";
- every scalar stays the text that was written: `0755123456` stays `0755123456`, `NO` stays `NO`.
  Plain (unquoted) scalars are `Plain` strings so that a field can tell quoted from unquoted text; typed
  fields (dates, numbers) are parsed from that text by the model;
- size and nesting depth are capped, and nothing but a located `LoadError` leaves this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # libyaml is ~8x faster; the pure-Python parser gives the same events.
    from yaml import CSafeLoader as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

MAX_BYTES = 4 * 1024 * 1024
"""Largest dossier file accepted; a real dossier is a few kilobytes."""
MAX_SCALAR = 100_000
"""Longest single value accepted, in characters: a few pages of notes are a few thousand."""
MAX_DEPTH = 24
"""Deepest nesting of mappings and lists accepted; the format itself needs five."""

_Scalar, _SequenceEnd, _MappingEnd = yaml.ScalarEvent, yaml.SequenceEndEvent, yaml.MappingEndEvent
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
# Bidirectional embedding, override and isolate controls reorder text on screen ("Trojan Source").
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_CJK_CLASS = "[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]"
_CJK = re.compile(_CJK_CLASS)
_CJK_COMMA = re.compile(f"{_CJK_CLASS},{_CJK_CLASS}")
_ESCAPED_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_CONFLICT = re.compile(r"([<>|=])\1{6}(?:$|[ \t])")


class Plain(str):
    """The text of a plain (unquoted) scalar, exactly as written."""

    __slots__ = ()


def as_written(value: Any) -> Any:
    """Loaded data with plain and quoted text told apart (`Plain` vs str), so that turning one into the other
    counts as a change when two versions of a file are compared."""
    if isinstance(value, dict):
        return {k: as_written(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_written(v) for v in value]
    if isinstance(value, str):
        return (isinstance(value, Plain), str(value))
    return value


@dataclass(slots=True)
class Located:
    """Source positions (0-based line and column) of a mapping or list and of everything in it."""

    line: int
    col: int
    keys: dict[str, Any] | None = None
    """For a mapping: where each key is written (a YAML mark with 0-based line and column)."""
    values: dict[str, Any] | list[Any] = field(default_factory=list)
    """Where each value is: a nested `Located`, or the YAML mark of a scalar."""

    def find(self, loc: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        """Return the 1-based (line, col) of the value at `loc`, or of its key when `key` is set.

        Parts of `loc` that name nothing here (pydantic adds type names for unions) are skipped; a
        path that ends early points at the deepest place that exists.
        """
        node: Located | None = self
        line, col = self.line, self.col
        for i, part in enumerate(loc):
            if node is None:
                break
            if node.keys is not None and isinstance(part, str) and part in node.keys:
                if key and i == len(loc) - 1:
                    mark = node.keys[part]
                    line, col = mark.line, mark.column
                    break
                child = node.values[part]  # type: ignore[call-overload]
            elif node.keys is None and isinstance(part, int) and 0 <= part < len(node.values):
                child = node.values[part]  # type: ignore[index]
            else:
                continue
            if isinstance(child, Located):
                node, line, col = child, child.line, child.col
            else:
                node, line, col = None, child.line, child.column
        return line + 1, col + 1


@dataclass(slots=True)
class Loaded:
    """A parsed dossier file: its data and where each part of it is written."""

    data: dict[str, Any]
    positions: Located
    text: str


class LoadError(Exception):
    """The file cannot be read as a dossier; carries every located message found."""

    def __init__(self, errors: list[tuple[int, int, str]]) -> None:
        self.errors = errors  # (1-based line, 1-based col, message)
        super().__init__("; ".join(m for _, _, m in errors))


class _TooDeep(LoadError):
    """Nesting past MAX_DEPTH: raised at once, since reading on would only go deeper."""


class _Reader:
    """Build data from parser events, collecting the errors that do not stop reading."""

    def __init__(self, parser: Any, text: str) -> None:
        self.parser = parser
        self.text = text
        self.cjk_commas = _CJK_COMMA.search(text) is not None
        self.errors: list[tuple[int, int, str]] = []
        self.repeats: dict[str, list[Any]] = {}

    def fail(self, mark: Any, message: str, kind: str = "") -> None:
        """Record an error; of each `kind` only the first is reported, with a count of the rest."""
        if kind:
            seen = self.repeats.setdefault(kind, [len(self.errors), 0])
            seen[1] += 1
            if seen[1] > 1:
                return
        self.errors.append((mark.line + 1, mark.column + 1, message))

    def finish(self) -> list[tuple[int, int, str]]:
        """Return the errors, each repeated kind's first one telling how many there are."""
        for kind, (index, count) in self.repeats.items():
            if count > 1:
                line, col, message = self.errors[index]
                self.errors[index] = (line, col, f"{message} ({count} {kind} in this file)")
        return self.errors

    def node(self, event: Any, depth: int) -> tuple[Any, Any]:
        """Build the value that starts with `event`; return it and its position (a Mark or `Located`)."""
        cls = event.__class__
        mark = event.start_mark
        if cls is _Scalar and len(event.value) > MAX_SCALAR:
            self.fail(mark, f"value of {len(event.value):,} characters; a value may have at most {MAX_SCALAR:,}")
            return None, mark
        if cls is _Scalar and event.style == '"' and (bad := _ESCAPED_CONTROL.search(event.value)):
            # libyaml refuses these characters written as such, but not as escapes ("\x00", "\e")
            self.fail(mark, f"control character U+{ord(bad.group()):04X} (written as an escape) is not allowed")
            return None, mark
        if cls is _Scalar and event.anchor is None and event.tag is None:
            value = event.value
            if not event.style:  # plain: '' from libyaml, None from the Python parser
                value = None if value in _NULLS else Plain(value)
            return value, mark
        if cls is yaml.AliasEvent:
            self.fail(mark, f"aliases (*{event.anchor}) are not allowed; write the value out in full", "aliases")
            return None, mark
        if event.anchor is not None:
            self.fail(mark, f"anchors (&{event.anchor}) are not allowed; write values out in full", "anchors")
        if event.tag is not None:
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            self.fail(mark, f"YAML tags ({tag}) are not allowed in a dossier")
        if cls is _Scalar:
            return event.value, mark
        if depth >= MAX_DEPTH:
            raise _TooDeep([(mark.line + 1, mark.column + 1, f"nesting deeper than {MAX_DEPTH} levels")])
        if cls is yaml.SequenceStartEvent:
            return self.sequence(event, depth)
        return self.mapping(event, depth)

    def sequence(self, start: Any, depth: int) -> tuple[list[Any], Located]:
        items: list[Any] = []
        positions: list[Any] = []
        joins = self.cjk_commas and start.flow_style
        last_end = -1
        get_event, node = self.parser.get_event, self.node
        while (event := get_event()).__class__ is not _SequenceEnd:
            if joins and _plain(event) and self.joined(last_end, event.start_mark.index):
                items[-1] = Plain(f"{items[-1]},{event.value}")
                last_end = event.end_mark.index
                continue
            value, pos = node(event, depth + 1)
            items.append(value)
            positions.append(pos)
            if joins:
                last_end = event.end_mark.index if isinstance(value, Plain) else -1
        mark = start.start_mark
        return items, Located(mark.line, mark.column, None, positions)

    def mapping(self, start: Any, depth: int) -> tuple[dict[str, Any], Located]:
        data: dict[str, Any] = {}
        keys: dict[str, Any] = {}
        values: dict[str, Any] = {}
        joins = self.cjk_commas and start.flow_style
        last_key, last_end = "", -1
        get_event, node = self.parser.get_event, self.node
        while (event := get_event()).__class__ is not _MappingEnd:
            kmark: Any = event.start_mark
            if event.__class__ is not _Scalar:
                self.fail(kmark, "a key must be plain text, not a list or mapping")
                node(event, depth + 1)
                node(get_event(), depth + 1)
                continue
            key = event.value
            value_event = get_event()
            if joins and _lone_key(event, value_event) and self.joined(last_end, kmark.index):
                data[last_key] = Plain(f"{data[last_key]},{key}")
                last_end = event.end_mark.index  # type: ignore[union-attr]  # narrowed to ScalarEvent
                continue
            if key == "<<" and not event.style:
                self.fail(kmark, "merge keys (<<) are not allowed; write the fields out in full")
            elif event.anchor is not None or event.tag is not None:
                node(event, depth + 1)  # reports the anchor or tag
            value, pos = node(value_event, depth + 1)
            if key in keys:
                self.fail(kmark, f"duplicate key '{key}' (first defined on line {keys[key].line + 1})")
                continue
            keys[key] = kmark
            data[key] = value
            values[key] = pos
            if joins:
                last_key, last_end = key, (value_event.end_mark.index if isinstance(value, Plain) else -1)
        mark = start.start_mark
        return data, Located(mark.line, mark.column, keys, values)

    def joined(self, end: int, start: int) -> bool:
        """Whether a flow-collection comma at `end` sits between two CJK characters, with no space."""
        text = self.text
        return (
            end > 0
            and start == end + 1
            and text[end] == ","
            and bool(_CJK.match(text[end - 1]) and _CJK.match(text[start]))
        )


def _plain(event: Any) -> bool:
    return event.__class__ is yaml.ScalarEvent and not event.style and event.tag is None and event.anchor is None


def _lone_key(key: Any, value: Any) -> bool:
    """Whether a flow-mapping entry is a key with no ':' at all (`{a: b,c}` has the lone key c)."""
    return _plain(key) and _plain(value) and value.value == "" and value.start_mark.index == key.end_mark.index


def decode(raw: bytes) -> str:
    """Decode a dossier file's bytes as UTF-8 (a BOM is allowed), or raise a located `LoadError`."""
    if len(raw) > MAX_BYTES:
        size = len(raw) / 1024 / 1024
        raise LoadError([(1, 1, f"file is {size:.1f} MiB; a dossier may be at most {MAX_BYTES >> 20} MiB")])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError([(1, 1, "file is UTF-16; save it as UTF-8")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        msg = f"file is not valid UTF-8 (byte 0x{bad}); save it as UTF-8"
        raise LoadError([(line, col, msg)]) from None
    return text.removeprefix("\ufeff")


def parse(text: str) -> Loaded:
    """Parse dossier text into data and positions, or raise a `LoadError` with every problem found."""
    conflicts = _merge_conflicts(text)
    if conflicts:  # the YAML errors they cause would only point past them
        raise LoadError(conflicts)
    errors = [
        _position(text, m.start(), f"invisible bidirectional control character U+{ord(m.group()):04X}")
        for m in _BIDI.finditer(text)
    ]
    parser: Any = _Parser(text)
    reader = _Reader(parser, text)
    try:
        parser.get_event()  # stream start
        start = parser.get_event()
        if start.__class__ is yaml.StreamEndEvent:
            raise LoadError([(1, 1, "file is empty; a dossier needs at least schema_version and name")])
        root_event = parser.get_event()
        data, positions = reader.node(root_event, 0)
        parser.get_event()  # document end
        extra = parser.get_event()
        if extra.__class__ is not yaml.StreamEndEvent:
            line, col = extra.start_mark.line + 1, extra.start_mark.column + 1
            raise LoadError([(line, col, "a dossier file holds one YAML document; remove the second one (after ---)")])
    except yaml.MarkedYAMLError as exc:
        raise LoadError([*errors, *(_too_deep(text) or [_syntax_error(exc, text)])]) from None
    except yaml.reader.ReaderError as exc:
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = f"control character U+{ord(character):04X} is not allowed in a dossier"
        raise LoadError([*errors, _position(text, exc.position, message)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every error libyaml raises is one of the above
        raise LoadError([*errors, (1, 1, f"YAML error: {exc}")]) from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps recursion far below the limit
        raise LoadError([(1, 1, "nesting too deep")]) from None
    finally:
        parser.dispose()
    errors.extend(reader.finish())
    if not isinstance(positions, Located) or positions.keys is None:
        line, col = (root_event.start_mark.line + 1, root_event.start_mark.column + 1)
        errors.append((line, col, "the top level of a dossier must be a mapping of fields (name: ...)"))
    if errors:
        raise LoadError(sorted(errors))
    return Loaded(data, positions, text)


def _merge_conflicts(text: str) -> list[tuple[int, int, str]]:
    """Where git left merge-conflict markers (<<<<<<<, |||||||, =======, >>>>>>> at the start of a line)."""
    if "<<<<<<<" not in text and ">>>>>>>" not in text:
        return []
    found: list[tuple[int, int, str]] = []
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        marker = _CONFLICT.match(line)
        if marker is None:
            continue
        if marker[1] == "<":
            if start:
                found.append(_unresolved(start, number - 1))
            start = number
        elif marker[1] == ">":
            found.append(_unresolved(start or number, number))
            start = 0
    if start:
        found.append(_unresolved(start, start))
    return found


def _unresolved(first: int, last: int) -> tuple[int, int, str]:
    lines = f"lines {first}–{last}" if last > first else f"line {first}"
    return (
        first,
        1,
        f"git merge-conflict markers: resolve the merge conflict at {lines} (keep the right version, "
        "delete the <<<<<<<, ======= and >>>>>>> lines)",
    )


def _too_deep(text: str) -> list[tuple[int, int, str]] | None:
    """Where `text` passes kadossier's nesting limit, if it does, found with the pure-Python parser.

    libyaml scans a flow collection's tokens ahead of its events, so with thousands of `[` it stops at its own
    nesting limit (and its own message) before kadossier sees the 25th level; the pure-Python parser has no such
    limit and is only run for a file libyaml refused.
    """
    parser: Any = yaml.SafeLoader(text)
    try:
        parser.get_event()  # stream start
        parser.get_event()  # document start
        _Reader(parser, text).node(parser.get_event(), 0)
    except _TooDeep as exc:
        return exc.errors
    except (yaml.YAMLError, LoadError, RecursionError):
        return None
    finally:
        parser.dispose()
    return None


def load_bytes(raw: bytes) -> Loaded:
    """Decode and parse a dossier file's content."""
    return parse(decode(raw))


def _position(text: str, offset: int, message: str) -> tuple[int, int, str]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col, message


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    mark: Any = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    char = _char_at(text, line, col)
    if "cannot start any token" in problem and char == "\t":
        problem = "tab character used for indentation; YAML indents with spaces only"
    else:
        if exc.context:
            problem = f"{problem} ({exc.context}"
            if exc.context_mark and exc.context_mark is not mark:
                problem += f" on line {exc.context_mark.line + 1}"
            problem += ")"
        hint = next((h for key, h in _HINTS.items() if key in (exc.problem or "")), "")
        problem += f"; {hint}" if hint else ""
    return line, col, f"YAML syntax error: {problem}"


_HINTS = {
    "mapping values are not allowed": "text that contains ': ' must be in quotes",
    "cannot start any token": "text that starts with @, ` or % must be in quotes",
    "could not find expected ':'": "a key is missing its ':', or a value spread over lines needs quotes or |",
    "found unexpected end of stream": "a quote or bracket is not closed",
}


def _char_at(text: str, line: int, col: int) -> str:
    lines = text.split("\n", line)
    return lines[line - 1][col - 1 : col] if len(lines) >= line else ""
