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
_EN_RUN = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z](?:[\s\-.,'’/·]+[A-Za-z][A-Za-z'’]*)*\.?")
"""A run of Latin words (two letters at least: a grade or a single initial is left to the page's voice)."""

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


@functools.cache
def _pieces(language: str) -> re.Pattern[str]:
    """The pieces of a page, for one pass: what holds no run of the other language (tags, and text before such a
    run) in long stretches, then a text element, a text, or a part of the page that needs the element stack."""
    start, inside = _STARTS[language], r"""(?:[^'">]++|"[^"]*+"|'[^']*+')*+>"""  # a tag's rest: possessive, fast
    return re.compile(
        rf"(?P<plain>(?:<(?!(?:script|style|svg|title|textarea|select)\b|!--)(?!{inside}[^<]*{start}){inside}"
        rf"|[^<&{start[1:-1]}]++|&(?:#?\w+;)?)+)"  # an entity whole: a run never starts inside one
        r"|(?P<raw><!--.*?-->|<(script|style)\b.*?(?:</\3\s*>|\Z))"  # unclosed: to the end, as a browser reads it
        r"|(?P<zone><(svg|title|textarea|select)\b.*?(?:</\5\s*>|\Z))"
        rf"|<(?P<name>[A-Za-z][\w-]*)(?P<attrs>(?:\s(?:\"[^\"]*\"|'[^']*'|[^'\"<>])*)?)>(?P<text>[^<]*)</(?P=name)\s*>"
        rf"|(?P<tag><{inside})"
        r"|(?P<other>[^<]+|<)",
        re.DOTALL | re.IGNORECASE,
    )


def mark(html: str, language: str) -> str:
    """`html` with its runs of the other language marked (unchanged for a language with no rule).

    One regular expression cuts the page into pieces (`_pieces`), so Python looks only at the texts that hold
    a run: a text that is an element's only content marks the element, one within other content is wrapped.
    Where markup cannot go or the element matters (SVG, a title, a form's text) and in a page that marks some
    of its own text already, the element stack is followed (`_Marker`)."""
    if language not in FOREIGN:
        return html
    foreign, run = FOREIGN[language]
    if not run.search(html):
        return html
    if re.search(rf"""\slang\s*=\s*["']?{foreign}""", html, re.IGNORECASE):
        return _Marker(language, foreign, run).feed(html)  # an ancestor's lang must be known
    marker = _Marker(language, foreign, run)
    return _pieces(language).sub(lambda piece: _piece(piece, marker), html)


def _piece(piece: re.Match[str], marker: _Marker) -> str:
    if piece["plain"] is not None or piece["raw"] is not None or piece["tag"] is not None:
        return piece[0]
    if piece["zone"] is not None:
        return _Marker(marker.language, marker.foreign, marker.run).feed(piece[0])
    if piece["name"] is not None:
        text, found = piece["text"], marker.runs(piece["text"])
        if not found:
            return piece[0]
        start = f"<{piece['name']}{piece['attrs']}"
        if marker.whole(text, found) and _said(piece["attrs"]) is None:
            return f'{start} lang="{marker.foreign}">{text}</{piece["name"]}>'
        return f"{start}>{marker.wrapped(text, found, 'span')}</{piece['name']}>"
    text = piece["other"]
    found = marker.runs(text)
    return marker.wrapped(text, found, "span") if found else text


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
