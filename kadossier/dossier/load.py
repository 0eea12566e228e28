"""Read one dossier file into plain data, safely, with the source position of every key and value.

The YAML is read event by event from libyaml's parser (PyYAML's C binding when present) and built into
dicts, lists, strings and None by this module alone, so that:

- no tag is ever constructed (`!!python/object` and every other tag is refused);
- anchors, aliases and merge keys are refused (no alias bombs, no hidden sharing);
- duplicate keys are errors instead of PyYAML's silent "last one wins";
- every scalar stays the text that was written: `0755123456` stays `0755123456`, `NO` stays `NO`.
  Plain (unquoted) scalars are `Plain` strings so that a field can tell quoted from unquoted text; typed
  fields (dates, numbers) are parsed from that text by the model;
- size and nesting depth are capped, and nothing but a located `LoadError` leaves this module;
- a file that standard YAML reads differently from what its writer meant is an error, never a guess:
  `[工厂距离近,运输快]` is two items to every YAML tool, so an ASCII comma between two CJK characters in
  `[..]`/`{..}` is located with its fixes (`kadossier validate --fix` rewrites them, see `edit/commas.py`),
  and full-width characters typed where YAML syntax is meant are explained by `slips.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from kadossier.dossier import slips
from kadossier.i18n import ntr, tr

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

    def item_lines(self, key: str) -> list[int]:
        """The 1-based line where each item of the list at `key` starts ([] if there is no such list)."""
        items = self.values.get(key) if isinstance(self.values, dict) else None
        if not isinstance(items, Located) or not isinstance(items.values, list):
            return []
        return [item.line + 1 for item in items.values]  # a nested Located or a scalar's YAML mark


@dataclass(slots=True)
class Loaded:
    """A parsed dossier file: its data and where each part of it is written."""

    data: dict[str, Any]
    positions: Located
    text: str


@dataclass(frozen=True, slots=True)
class Comma:
    """An ASCII comma between two CJK characters in a flow collection, which standard YAML splits at."""

    index: int
    """Where it is in the text, in characters."""
    line: int
    col: int
    """1-based line and column."""
    item: str
    """The text of the items it joins, as written (`工厂距离近,运输快`)."""


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
        self.errors: list[tuple[int, int, str]] = []
        self.repeats: dict[str, list[Any]] = {}
        self.commas: list[Comma] = []

    def fail(self, mark: Any, message: str, kind: str = "", again: Any = None) -> None:
        """Record an error; of each `kind` only the first is reported, its message then made by `again(n)`
        for the n times the kind occurs."""
        if kind:
            seen = self.repeats.setdefault(kind, [len(self.errors), 0, again])
            seen[1] += 1
            if seen[1] > 1:
                return
        self.errors.append((mark.line + 1, mark.column + 1, message))

    def slip(self, found: tuple[int, int, str] | None) -> None:
        """Record an IME slip, if one was found."""
        if found is not None:
            self.errors.append(found)

    def finish(self) -> list[tuple[int, int, str]]:
        """Return the errors, each repeated kind's first one telling how many there are."""
        for index, count, again in self.repeats.values():
            if count > 1:
                line, col, _ = self.errors[index]
                self.errors[index] = (line, col, again(count))
        return self.errors

    def node(self, event: Any, depth: int, flow: bool = False) -> tuple[Any, Any]:
        """Build the value that starts with `event` (an item of `[..]`/`{..}` when `flow`); return it and its
        position (a Mark or `Located`)."""
        cls = event.__class__
        mark = event.start_mark
        if cls is _Scalar and len(event.value) > MAX_SCALAR:
            self.fail(
                mark,
                tr(
                    "value of {length} characters; a value may have at most {limit}",
                    length=format(len(event.value), ","),
                    limit=format(MAX_SCALAR, ","),
                ),
            )
            return None, mark
        if cls is _Scalar and event.style == '"' and (bad := _ESCAPED_CONTROL.search(event.value)):
            # libyaml refuses these characters written as such, but not as escapes ("\x00", "\e")
            code = f"U+{ord(bad.group()):04X}"
            self.fail(mark, tr("control character {code} (written as an escape) is not allowed", code=code))
            return None, mark
        if cls is _Scalar and event.anchor is None and event.tag is None:
            value = event.value
            if not event.style:  # plain: '' from libyaml, None from the Python parser
                value = None if value in _NULLS else Plain(value)
                if value is not None and not value.isascii():
                    self.slip(slips.in_value(value, mark, event.end_mark, flow=flow, text=self.text))
            return value, mark
        if cls is yaml.AliasEvent:
            anchor = event.anchor
            self.fail(
                mark,
                tr("aliases (*{anchor}) are not allowed; write the value out in full", anchor=anchor),
                "aliases",
                lambda n: ntr(
                    "aliases (*{anchor}) are not allowed; write the value out in full ({n} alias in this file)",
                    "aliases (*{anchor}) are not allowed; write the value out in full ({n} aliases in this file)",
                    n,
                    anchor=anchor,
                ),
            )
            return None, mark
        if event.anchor is not None:
            anchor = event.anchor
            self.fail(
                mark,
                tr("anchors (&{anchor}) are not allowed; write values out in full", anchor=anchor),
                "anchors",
                lambda n: ntr(
                    "anchors (&{anchor}) are not allowed; write values out in full ({n} anchor in this file)",
                    "anchors (&{anchor}) are not allowed; write values out in full ({n} anchors in this file)",
                    n,
                    anchor=anchor,
                ),
            )
        if event.tag is not None:
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            self.fail(mark, tr("YAML tags ({tag}) are not allowed in a dossier", tag=tag))
        if cls is _Scalar:
            return event.value, mark
        if depth >= MAX_DEPTH:
            message = tr("nesting deeper than {limit} levels", limit=MAX_DEPTH)
            raise _TooDeep([(mark.line + 1, mark.column + 1, message)])
        if cls is yaml.SequenceStartEvent:
            return self.sequence(event, depth)
        return self.mapping(event, depth)

    def sequence(self, start: Any, depth: int) -> tuple[list[Any], Located]:
        items: list[Any] = []
        positions: list[Any] = []
        commas = _Commas(self) if start.flow_style else None
        get_event, node = self.parser.get_event, self.node
        while (event := get_event()).__class__ is not _SequenceEnd:
            if commas is not None:
                commas.before(event)
            value, pos = node(event, depth + 1, commas is not None)
            items.append(value)
            positions.append(pos)
            if commas is not None:
                commas.after(event)
        if commas is not None:
            commas.report()
        mark = start.start_mark
        return items, Located(mark.line, mark.column, None, positions)

    def mapping(self, start: Any, depth: int) -> tuple[dict[str, Any], Located]:
        data: dict[str, Any] = {}
        keys: dict[str, Any] = {}
        values: dict[str, Any] = {}
        commas = _Commas(self) if start.flow_style else None
        get_event, node = self.parser.get_event, self.node
        while (event := get_event()).__class__ is not _MappingEnd:
            kmark: Any = event.start_mark
            if event.__class__ is not _Scalar:
                self.fail(kmark, tr("a key must be plain text, not a list or mapping"))
                node(event, depth + 1)
                node(get_event(), depth + 1)
                continue
            key = event.value
            if commas is not None:
                commas.before(event)
            if not event.style and not key.isascii():
                self.slip(slips.in_key(key, kmark, event.end_mark))
            value_event = get_event()
            if key == "<<" and not event.style:
                self.fail(kmark, tr("merge keys (<<) are not allowed; write the fields out in full"))
            elif event.anchor is not None or event.tag is not None:
                node(event, depth + 1)  # reports the anchor or tag
            value, pos = node(value_event, depth + 1, commas is not None)
            if commas is not None:
                commas.after(value_event, event)
            if key in keys:
                line = keys[key].line + 1
                self.fail(kmark, tr("duplicate key '{key}' (first defined on line {line})", key=key, line=line))
                continue
            keys[key] = kmark
            data[key] = value
            values[key] = pos
        if commas is not None:
            commas.report()
        mark = start.start_mark
        return data, Located(mark.line, mark.column, keys, values)


class _Commas:
    """The ASCII commas between two CJK characters in one flow collection, found as its items are read.

    kadossier once read `[工厂距离近,运输快]` as one item, the way Chinese is written; standard YAML (and every
    editor and script) reads two. Such a comma is now an error at the comma, naming the whole run of items it
    joins, so that both fixes can be shown with the user's own text.
    """

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.start = 0  # where the previous plain scalar starts
        self.end: Any = None  # end mark of the previous plain scalar, if the previous item was one
        self.runs: list[tuple[int, int, list[Any]]] = []  # (start, end index, comma marks) of joined items

    def before(self, event: Any) -> None:
        """Note a comma between the previous plain scalar and `event`, if it is such a comma."""
        end, text = self.end, self.reader.text
        if (
            end is not None
            and _plain(event)
            and event.start_mark.index == end.index + 1
            and text[end.index] == ","
            and end.index > 0
            and _CJK.match(text[end.index - 1])
            and _CJK.match(text[event.start_mark.index])
        ):
            if not self.runs or self.runs[-1][1] != end.index:
                self.runs.append((self.start, end.index, []))
            first, _, marks = self.runs[-1]
            marks.append(end)
            self.runs[-1] = (first, event.end_mark.index, marks)

    def after(self, event: Any, key: Any = None) -> None:
        """Remember where `event` ends, if it is a plain scalar (a comma may follow it); for the value of
        `key` in a mapping, a key with no value at all (`{a: b,c}`) is the text before the comma."""
        self.end = event.end_mark if _plain(event) else None
        lone = key is not None and event.start_mark.index == key.end_mark.index
        self.start = (key if lone else event).start_mark.index

    def report(self) -> None:
        """Report each comma found, with the text of the items it joins."""
        for first, last, marks in self.runs:
            joined = self.reader.text[first:last]
            for mark in marks:
                self.reader.commas.append(Comma(mark.index, mark.line + 1, mark.column + 1, joined))
                self.reader.fail(
                    mark,
                    tr(
                        "ASCII comma between Chinese characters in [..] or {{..}}: standard YAML splits '{text}' here; "
                        "for one item write '{fixed}' (full-width comma) or \"{text}\" (in quotes), for separate "
                        "items ', '; `kadossier validate --fix` writes '，' for every such comma",
                        text=joined,
                        fixed=joined.replace(",", "，"),
                    ),
                )


def _plain(event: Any) -> bool:
    return event.__class__ is yaml.ScalarEvent and not event.style and event.tag is None and event.anchor is None


def decode(raw: bytes) -> str:
    """Decode a dossier file's bytes as UTF-8 (a BOM is allowed), or raise a located `LoadError`."""
    if len(raw) > MAX_BYTES:
        size = f"{len(raw) / 1024 / 1024:.1f}"
        message = tr("file is {size} MiB; a dossier may be at most {limit} MiB", size=size, limit=MAX_BYTES >> 20)
        raise LoadError([(1, 1, message)])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError([(1, 1, tr("file is UTF-16; save it as UTF-8"))])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        msg = tr("file is not valid UTF-8 (byte 0x{byte}); save it as UTF-8", byte=bad)
        raise LoadError([(line, col, msg)]) from None
    return text.removeprefix("\ufeff")


def parse(text: str) -> Loaded:
    """Parse dossier text into data and positions, or raise a `LoadError` with every problem found."""
    _, data, positions, errors = _read(text)
    if errors:
        raise LoadError(sorted(errors))
    return Loaded(data, positions, text)


def cjk_commas(text: str) -> list[Comma]:
    """The ASCII commas between two CJK characters in the flow collections of `text`, the ones `parse`
    reports; a `LoadError` if `text` is not YAML at all."""
    return _read(text)[0].commas


def _read(text: str) -> tuple[_Reader, Any, Any, list[tuple[int, int, str]]]:
    """Read `text` event by event: the reader (with what it found), the data, positions and every error."""
    conflicts = _merge_conflicts(text)
    if conflicts:  # the YAML errors they cause would only point past them
        raise LoadError(conflicts)
    errors = [
        _position(
            text,
            m.start(),
            tr("invisible bidirectional control character {code}", code="U+" + format(ord(m.group()), "04X")),
        )
        for m in _BIDI.finditer(text)
    ]
    parser: Any = _Parser(text)
    reader = _Reader(parser, text)
    try:
        parser.get_event()  # stream start
        start = parser.get_event()
        if start.__class__ is yaml.StreamEndEvent:
            raise LoadError([(1, 1, tr("file is empty; a dossier needs at least schema_version and name"))])
        root_event = parser.get_event()
        data, positions = reader.node(root_event, 0)
        parser.get_event()  # document end
        extra = parser.get_event()
        if extra.__class__ is not yaml.StreamEndEvent:
            line, col = extra.start_mark.line + 1, extra.start_mark.column + 1
            message = tr("a dossier file holds one YAML document; remove the second one (after ---)")
            raise LoadError([(line, col, message)])
    except yaml.MarkedYAMLError as exc:
        raise LoadError([*errors, *(_too_deep(text) or _syntax_error(exc, text))]) from None
    except yaml.reader.ReaderError as exc:
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = tr("control character {code} is not allowed in a dossier", code="U+" + format(ord(character), "04X"))
        raise LoadError([*errors, _position(text, exc.position, message)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every error libyaml raises is one of the above
        raise LoadError([*errors, (1, 1, tr("YAML error: {error}", error=exc))]) from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps recursion far below the limit
        raise LoadError([(1, 1, tr("nesting too deep"))]) from None
    finally:
        parser.dispose()
    errors.extend(reader.finish())
    if not isinstance(positions, Located) or positions.keys is None:
        line, col = (root_event.start_mark.line + 1, root_event.start_mark.column + 1)
        errors.append((line, col, tr("the top level of a dossier must be a mapping of fields (name: ...)")))
    return reader, data, positions, errors


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
    if last > first:
        message = tr(
            "git merge-conflict markers: resolve the merge conflict at lines {first}–{last} (keep the right "
            "version, delete the <<<<<<<, ======= and >>>>>>> lines)",
            first=first,
            last=last,
        )
    else:
        message = tr(
            "git merge-conflict markers: resolve the merge conflict at line {first} (keep the right version, "
            "delete the <<<<<<<, ======= and >>>>>>> lines)",
            first=first,
        )
    return first, 1, message


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


def data_of(raw: bytes | None) -> dict[str, Any] | None:
    """The data of one version of a dossier (from git, say); None if there is none or it does not parse."""
    if raw is None:
        return None
    try:
        return load_bytes(raw).data
    except LoadError:
        return None


def _position(text: str, offset: int, message: str) -> tuple[int, int, str]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col, message


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> list[tuple[int, int, str]]:
    """libyaml's error with kadossier's hint; or, when IME slips are on the lines it concerns, the slips (the
    error only follows from them, often lines later)."""
    mark: Any = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    context_line = exc.context_mark.line + 1 if exc.context_mark else line
    found = slips.near_error(text, max(1, min(context_line, line - 1)), line)
    if found:
        return found
    problem = exc.problem or "invalid YAML"
    if "cannot start any token" in problem and _char_at(text, line, col) == "\t":
        return [(line, col, tr("YAML syntax error: tab character used for indentation; YAML indents with spaces only"))]
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        where = exc.context_mark.line + 1
        message = tr(
            "YAML syntax error: {problem} ({context} on line {line})", problem=problem, context=exc.context, line=where
        )
    elif exc.context:
        message = tr("YAML syntax error: {problem} ({context})", problem=problem, context=exc.context)
    else:
        message = tr("YAML syntax error: {problem}", problem=problem)
    hint = next((h for key, h in _hints().items() if key in (exc.problem or "")), "")
    return [(line, col, tr("{error}; {hint}", error=message, hint=hint) if hint else message)]


def _hints() -> dict[str, str]:
    """kadossier's hint for each of libyaml's messages that needs one, in the active language."""
    return {
        "mapping values are not allowed": tr("text that contains ': ' must be in quotes"),
        "cannot start any token": tr("text that starts with @, ` or % must be in quotes"),
        "could not find expected ':'": tr("a key is missing its ':', or a value spread over lines needs quotes or |"),
        "found unexpected end of stream": tr("a quote or bracket is not closed"),
    }


def _char_at(text: str, line: int, col: int) -> str:
    lines = text.split("\n", line)
    return lines[line - 1][col - 1 : col] if len(lines) >= line else ""
