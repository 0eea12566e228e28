"""Mark the language of mixed-language text in rendered HTML, so that a screen reader speaks each part with
the right voice (and a browser or WeasyPrint picks the right glyph forms and line breaks).

A workspace is written in one language, but its dossiers mix: an English team writes Chinese names and
places, a Chinese team English company names. The templates cannot know which value is which, so the page
is marked after it is rendered: on an English page every run of Chinese text gets `lang="zh"`, on a Chinese
page every run of Latin words gets `lang="en"`. A text that fills its element alone marks the element
(`<td lang="zh">晨光日报</td>`); a run within other text is wrapped in a `<span>` (`<tspan>` in SVG text). Text
in elements that can hold no markup (`<title>`, `<option>`, `<textarea>`) marks its element only when it is
wholly foreign; scripts and styles are never touched, nor is an element that already says its language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_PUNCTUATION = r"\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2014\u2026\u00b7"
_ZH_CHAR = rf"[{_HAN}{_CJK_PUNCTUATION}]"
_ZH_BETWEEN = r"(?>[0-9][0-9A-Za-z²³/.%]*|[A-Z][A-Z0-9]+\b|[\s.,:;!?%+\-/()]+)"
_ZH_RUN = re.compile(
    rf"(?<![{_CJK_PUNCTUATION}])[{_CJK_PUNCTUATION}]*[{_HAN}]{_ZH_CHAR}*(?:{_ZH_BETWEEN}+{_ZH_CHAR}+)*[.,:;!?)]*"
)
"""A run of Chinese: Han characters with what stands between them in a Chinese sentence — punctuation, spaces,
numbers with their units and capitals (`样品 3 卷`, `新闻纸 45g/m²，约 6000 吨`, `上 CRM 系统`) — and the ASCII
punctuation that ends it (`关系平平,`). English words stay outside (`陈立 · Head of Production`). Each piece
between is atomic and starts with its own kind of character, and a run starts only where punctuation does, so a
long text is matched in linear time (a line of 100,000 `，` is not searched again from each of them)."""
_EN_RUN = re.compile(
    r"(?<![A-Za-z0-9])[0-9]*[A-Za-z][A-Za-z'’]*[A-Za-z](?:[\s\-.,'’/·]+[0-9]*[A-Za-z][A-Za-z'’]*)*(?![A-Za-z0-9])\.?"
)
"""A run of Latin words (two letters at least: a grade or a single initial is left to the page's voice), whole
words only (`5th`, `€4bn` are words): the letters of a code or a commit (`3af2b1c`, `v2026`) are not English."""

FOREIGN: dict[str, tuple[str, re.Pattern[str]]] = {"en": ("zh", _ZH_RUN), "zh": ("en", _EN_RUN)}
"""For a page's language: the language of the text to mark, and what a run of it looks like."""

_TOKEN = re.compile(
    r"<!--.*?-->|<[!?][^>]*>|<(/?)([A-Za-z][\w:-]*)((?:\"[^\"]*\"|'[^']*'|[^'\">])*)>|[^<]+|<", re.DOTALL
)
_RAW = frozenset({"script", "style"})
"""Elements whose text is not text (never marked)."""
_PLAIN = frozenset({"title", "option", "textarea", "desc"})
"""Elements whose text can hold no markup: marked as a whole or not at all."""
_SVG_TEXT = frozenset({"text", "tspan"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
_ENTITY = re.compile(r"&#?\w+;")
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?""")


def _said(attributes: str) -> str | None:
    """The language an element's attributes say (lang or xml:lang; a value's own text is never read as one)."""
    for found in _ATTRIBUTE.finditer(attributes):
        if found[1].lower() in ("lang", "xml:lang"):
            return (found[2] or found[3] or found[4] or "").split("-")[0].lower()
    return None


_STARTS = {"en": rf"[{_HAN}{_CJK_PUNCTUATION}]", "zh": "[A-Za-z]"}
"""For a page's language: the characters a run of the other language may start with."""
_ZONES = re.compile(r"<!--.*?(?:-->|\Z)|<(script|style|svg|title|textarea|select)\b.*?(?:</\1\s*>|\Z)", re.I | re.S)
"""Where a text is not a page's text: comments, scripts and styles (never marked), and where markup cannot go as
elsewhere: SVG (a tspan), titles and form text (the element stack). Unclosed: to the end, as a browser reads it."""
_START_TAG = re.compile(r"""<([A-Za-z][\w-]*)((?:\s(?:"[^"]*"|'[^']*'|[^'"<>])*)?)>""")
_END_TAG = re.compile(r"</([A-Za-z][\w-]*)\s*>")


@functools.cache
def _texts(language: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A character that may start a run of the other language, and a text (between two tags) that holds one."""
    start = _STARTS[language]
    return re.compile(start), re.compile(rf">([^<>]*{start}[^<]*)")  # from a tag's end: found by its literal


def mark(html: str, language: str) -> str:
    """`html` with its runs of the other language marked (unchanged for a language with no rule).

    Regular expressions find the texts that hold such a run, so that Python looks at those alone: a text that is
    an element's only content marks the element, one within other content is wrapped. Where markup cannot go as
    elsewhere (SVG, a title, a form's text), and in a page that marks some of its own text already (an ancestor's
    lang must then be known), the element stack is followed (`_Marker`)."""
    if language not in FOREIGN:
        return html
    foreign, run = FOREIGN[language]
    starts, texts = _texts(language)
    if not starts.search(html):
        return html
    marker = _Marker(language, foreign, run)
    if any(f"lang={quote}{foreign}" in html for quote in ('"', "'", "")):
        return marker.feed(html)
    out: list[str] = []
    at = 0
    for zone in _ZONES.finditer(html):
        out.append(_marked_texts(html, at, zone.start(), texts, marker))
        kind = (zone[1] or "").lower()
        if kind == "svg":  # SVG text takes a tspan; a title or desc holds no markup, it is marked whole or not at all
            out.append(_marked_texts(zone[0], 0, len(zone[0]), texts, marker, "tspan", frozenset({"title", "desc"})))
        elif kind in ("title", "textarea", "select"):
            out.append(_Marker(language, foreign, run).feed(zone[0]))
        else:
            out.append(zone[0])  # a comment, a script, a style
        at = zone.end()
    out.append(_marked_texts(html, at, len(html), texts, marker))
    return "".join(out)


def _marked_texts(
    html: str,
    begin: int,
    end: int,
    texts: re.Pattern[str],
    marker: _Marker,
    wrap: str = "span",
    plain: frozenset[str] = frozenset(),
) -> str:
    """html[begin:end], a part without zones, with the runs of its texts marked (wrapped in `wrap`; the text of a
    `plain` element only as a whole)."""
    out: list[str] = []
    at = begin
    for start, stop in _spans(html, begin, end, texts):
        text = html[start:stop]
        found = marker.runs(text) if start >= at else []  # (a text is looked at once)
        if not found:
            continue
        tag_start = html.rfind("<", at, start)
        tag = _START_TAG.fullmatch(html, tag_start, start) if tag_start >= 0 else None
        closing = _END_TAG.match(html, stop)
        alone = tag is not None and closing is not None and closing[1].lower() == tag[1].lower()
        if alone and tag is not None and marker.whole(text, found) and _said(tag[2]) is None:
            out += [html[at:tag_start], f'<{tag[1]}{tag[2]} lang="{marker.foreign}">', text]
        elif alone and tag is not None and tag[1].lower() in plain:
            continue  # part of it foreign: no markup can mark the part
        else:
            out += [html[at:start], marker.wrapped(text, found, wrap)]
        at = stop
    out.append(html[at:end])
    return "".join(out)


def _spans(html: str, begin: int, end: int, texts: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """Where the texts of html[begin:end] that may hold a run start and stop (a part starts after a tag's end, or
    at the start of the html)."""
    if begin == 0 and not html.startswith("<"):
        first = html.find("<", 0, end)
        yield 0, end if first < 0 else first
    for text in texts.finditer(html, max(begin - 1, 0), end):
        yield text.start(1), text.end(1)


class _Marker:
    """One pass over the tokens of a page, with the stack of open elements."""

    def __init__(self, language: str, foreign: str, run: re.Pattern[str]) -> None:
        self.language, self.foreign, self.run = language, foreign, run
        self.out: list[str] = []
        self.stack: list[tuple[str, int, str]] = []  # element, its start tag's index in out, the language within

    def feed(self, html: str) -> str:
        tokens = list(_TOKEN.finditer(html))
        for i, token in enumerate(tokens):
            if token[2] is not None:
                self.tag(token)
            elif token[0].startswith("<"):
                self.out.append(token[0])  # a comment, or a lone "<"
            else:
                after = tokens[i + 1] if i + 1 < len(tokens) else None
                self.text(token[0], closes=after is not None and after[1] == "/" and self._top_is(after[2]))
        return "".join(self.out)

    def tag(self, token: re.Match[str]) -> None:
        name = token[2].lower()
        self.out.append(token[0])
        if self.stack and self.stack[-1][0] in _RAW and not (token[1] and name == self.stack[-1][0]):
            return  # a script's or a style's text, not a tag
        if token[1]:  # an end tag: close up to its element
            for depth in range(len(self.stack) - 1, -1, -1):
                if self.stack[depth][0] == name:
                    del self.stack[depth:]
                    break
        elif name not in _VOID and not token[3].rstrip().endswith("/"):
            said = _said(token[3])
            within = said if said is not None else self.stack[-1][2] if self.stack else self.language
            self.stack.append((name, len(self.out) - 1, within))

    def _top_is(self, name: str) -> bool:
        return bool(self.stack) and self.stack[-1][0] == name.lower()

    def text(self, text: str, *, closes: bool) -> None:
        names = [name for name, _, _ in self.stack]
        if any(name in _RAW for name in names) or (self.stack and self.stack[-1][2] == self.foreign):
            self.out.append(text)
            return
        found = self.runs(text)
        if not found:
            self.out.append(text)
            return
        alone = self.whole(text, found) and closes and self._start_tag_is_last()
        if alone:
            self._mark_element()
            self.out.append(text)
        elif (names and names[-1] in _PLAIN) or ("svg" in names and names[-1] not in _SVG_TEXT):
            self.out.append(text)  # no markup possible here, and the text is not all foreign
        else:
            wrap = "tspan" if "svg" in names else "span"
            self.out.append(self.wrapped(text, found, wrap))

    def _start_tag_is_last(self) -> bool:
        """Whether the text directly follows its element's start tag (it is then the element's only content)."""
        return bool(self.stack) and self.stack[-1][1] == len(self.out) - 1

    def _mark_element(self) -> None:
        name, index, _ = self.stack[-1]
        start = self.out[index]
        self.out[index] = f'{start[:-1]} lang="{self.foreign}">'
        self.stack[-1] = (name, index, self.foreign)

    def runs(self, text: str) -> list[re.Match[str]]:
        """The runs of the other language in a text (an entity, `&amp;`, reads as spaces: a run never starts or
        ends inside one, and may hold it)."""
        return list(self.run.finditer(_ENTITY.sub(lambda e: " " * len(e[0]), text)))

    @staticmethod
    def whole(text: str, found: list[re.Match[str]]) -> bool:
        """Whether the text is one run, but for the spaces around it."""
        return len(found) == 1 and text[found[0].start() : found[0].end()] == text.strip()

    def wrapped(self, text: str, found: list[re.Match[str]], wrap: str) -> str:
        parts: list[str] = []
        at = 0
        for match in found:
            run = text[match.start() : match.end()]
            parts += [text[at : match.start()], f'<{wrap} lang="{self.foreign}">', run, f"</{wrap}>"]
            at = match.end()
        parts.append(text[at:])
        return "".join(parts)


def mark_part(html: str, start: str, end: str, language: str) -> str:
    """`html` with only its first part from `start` to the next `end` marked (unchanged if either is missing): a
    page whose body was marked when it was made gets its frame (the header MkDocs' theme adds) marked too."""
    begin = html.find(start)
    stop = html.find(end, begin) + len(end) if begin >= 0 else -1
    if begin < 0 or stop < len(end):
        return html
    return html[:begin] + mark(html[begin:stop], language) + html[stop:]
