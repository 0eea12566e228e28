"""Mixed-language text is marked with its language: Chinese data on an English page, English data on a Chinese
page, in kadossier's body, the table of contents and Material's header (kadossier.render.languages). The built
sites are read with the standard library's HTML parser, not with the marker's own tokenizer."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kadossier.render.languages import FOREIGN, _Marker, mark

from .conftest import build, example_workspace, zh_reference_workspace

HAN = re.compile("[\u3400-\u9fff]")
LATIN = re.compile("(?<![A-Za-z0-9])[0-9]*[A-Za-z]{2,}(?![A-Za-z0-9])")  # a word: 5th, 4bn; not a commit's 3af2b1c
VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"])


@pytest.mark.parametrize(
    ("html", "language", "marked"),
    [
        ("<td>晨光日报</td>", "en", '<td lang="zh">晨光日报</td>'),
        ("<td>\n  晨光日报\n</td>", "en", '<td lang="zh">\n  晨光日报\n</td>'),
        (
            "<p>Visit to 晨光日报 on Monday: 样品 3 卷。</p>",
            "en",
            '<p>Visit to <span lang="zh">晨光日报</span> on Monday: <span lang="zh">样品 3 卷。</span></p>',
        ),
        # numbers with units and capitals inside a Chinese sentence are part of it; English words are not
        ("<td>新闻纸 45g/m²，约 6000 吨/年</td>", "en", '<td lang="zh">新闻纸 45g/m²，约 6000 吨/年</td>'),
        ("<p>上 CRM 系统, then</p>", "en", '<p><span lang="zh">上 CRM 系统,</span> then</p>'),
        (
            "<p>晨光日报 and 辽东纸业</p>",
            "en",
            '<p><span lang="zh">晨光日报</span> and <span lang="zh">辽东纸业</span></p>',
        ),
        ('<a href="/x">Kestrel Robotics</a>', "zh", '<a href="/x" lang="en">Kestrel Robotics</a>'),
        ("<p>客户 Northwind Grid 的需求</p>", "zh", '<p>客户 <span lang="en">Northwind Grid</span> 的需求</p>'),
        # an entity is never cut: it reads as a space inside a run
        ("<p>说 AT&amp;T 和</p>", "zh", '<p>说 <span lang="en">AT&amp;T</span> 和</p>'),
        ("<p>化验&amp;报告</p>", "en", '<p lang="zh">化验&amp;报告</p>'),
        # what is not text, or already says its language, is left alone
        ('<script>var a = "中文";</script>', "en", '<script>var a = "中文";</script>'),
        ('<p lang="zh">万国利 <b>部长</b></p>', "en", '<p lang="zh">万国利 <b>部长</b></p>'),
        ('<img alt="晨光日报"><br>', "en", '<img alt="晨光日报"><br>'),
        # SVG text gets a tspan; a title that mixes languages cannot hold markup and is left whole
        (
            "<svg><text>钟敏 · supporter</text><title>钟敏 · supporter</title></svg>",
            "en",
            '<svg><text><tspan lang="zh">钟敏 ·</tspan> supporter</text><title>钟敏 · supporter</title></svg>',
        ),
        ("<svg><title>钟敏</title></svg>", "en", '<svg><title lang="zh">钟敏</title></svg>'),
        # a grade, digits and a single initial stay with the page's voice; the page's own language is not marked
        ("<p>等级 B,2026 年</p>", "zh", "<p>等级 B,2026 年</p>"),
        ("<p>Grade B</p>", "en", "<p>Grade B</p>"),
        # a commit or a code is not English words (a split one would read as a word: "af" of 3af2b1c)
        ("<p>版本 3af2b1c 的 Anna</p>", "zh", '<p>版本 3af2b1c 的 <span lang="en">Anna</span></p>'),
        ("<p>晨光日报</p>", "fr", "<p>晨光日报</p>"),
        # an attribute's value that reads like a lang is not one; a script's text is not markup
        ('<p title="x lang=zh">中文</p>', "en", '<p title="x lang=zh" lang="zh">中文</p>'),
        (
            '<p lang="en">Hi</p><div><script>s="</div>";t="Hi Bo"</script>好 Anna Berg</div>',
            "zh",
            '<p lang="en">Hi</p><div><script>s="</div>";t="Hi Bo"</script>好 <span lang="en">Anna Berg</span></div>',
        ),
        # a document's own declaration is its language; a doctype is not text
        (
            '<!DOCTYPE html><html lang="zh-Hans"><p>客户 Anna Berg</p></html>',
            "zh",
            '<!DOCTYPE html><html lang="zh-Hans"><p>客户 <span lang="en">Anna Berg</span></p></html>',
        ),
        ('<html lang="en"><td>中</td></html>', "en", '<html lang="en"><td lang="zh">中</td></html>'),
    ],
)
def test_mark(html: str, language: str, marked: str) -> None:
    assert mark(html, language) == marked


class Unmarked(HTMLParser):
    """The text nodes of a page's body in the other language whose element does not say so."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.foreign, self.other = (HAN, "zh") if language == "en" else (LATIN, "en")
        self.stack: list[tuple[str, str | None]] = []
        self.found: list[str] = []
        self.seen = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        tags = [tag for tag, _ in self.stack]
        if "body" not in tags or {"script", "style"} & set(tags) or not self.foreign.search(data):
            return
        self.seen += 1
        said = next((lang for _, lang in reversed(self.stack) if lang), self.language)
        own = HAN if self.language == "zh" else LATIN
        if tags[-1] == "title" and own.search(data):
            return  # an SVG title that mixes both languages: a text-only element, nothing can mark a part of it
        if not said.startswith(self.other):
            self.found.append(f"{data.strip()!r} in {'>'.join(tags[-3:])}")


def unmarked(site: Path, language: str) -> tuple[dict[str, list[str]], int]:
    found, seen = {}, 0
    for page in sorted(site.rglob("*.html")):
        parser = Unmarked(language)
        parser.feed(page.read_text(encoding="utf-8"))
        seen += parser.seen
        if parser.found:
            found[str(page.relative_to(site))] = parser.found
    return found, seen


def test_chinese_data_on_english_pages_is_marked(tmp_path: Path) -> None:
    site = build(example_workspace(tmp_path))
    found, seen = unmarked(site, "en")
    assert seen > 300  # the example workspace is half Chinese: the check had text to look at
    assert found == {}
    dashboard = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a [^>]*lang="zh"[^>]*>晨光日报</a>', dashboard)


def test_english_data_on_chinese_pages_is_marked(tmp_path: Path) -> None:
    site = build(zh_reference_workspace(tmp_path / "ws"))
    found, seen = unmarked(site, "zh")
    assert seen > 100
    assert found == {}
    page = (site / "accounts" / "northwind-grid" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'lang="en">\s*Northwind Grid\s*<', page)  # Material's header: the page's title


TEXT = st.text(alphabet="晨光日报万国利,.。，“”·()3 45gmABCDEFxyz'", min_size=1, max_size=12)
LEAVES = st.one_of(
    TEXT,
    st.sampled_from(["<script>var a='中文 AB';</script>", "<!-- 中文 ab -->", "&amp;", "&#39;", " ", "\n", "<br>"]),
    TEXT.map(lambda t: f"<title>{t}</title>"),
    st.lists(TEXT, max_size=3).map(lambda ts: "<svg>" + "".join(f"<text>{t}</text>" for t in ts) + "</svg>"),
)
ELEMENTS = st.sampled_from(["p", "td", "b", "div", "a"]).map(lambda n: (f'<{n} class="k" title="晨光 AB">', f"</{n}>"))
HTML = st.recursive(
    LEAVES,
    lambda inner: st.tuples(ELEMENTS, st.lists(inner, max_size=4)).map(lambda e: e[0][0] + "".join(e[1]) + e[0][1]),
)
PIECES = st.lists(HTML, max_size=8)
"""Well-formed HTML as the templates write it: elements, texts, entities, scripts, comments, titles, SVG text."""


@settings(max_examples=400, deadline=None)
@given(pieces=PIECES, language=st.sampled_from(["en", "zh"]))
def test_the_one_pass_marks_as_the_element_stack_does_and_keeps_the_text(pieces: list[str], language: str) -> None:
    html = "".join(pieces)
    marked = mark(html, language)
    foreign, run = FOREIGN[language]
    assert marked == _Marker(language, foreign, run).feed(html)  # the fast path and the careful one agree
    tags = re.compile(r"<[^>]*>")
    assert tags.sub("", marked) == tags.sub("", html)  # only markup is added, the text is the same


def test_a_long_hostile_text_is_marked_in_linear_time() -> None:
    hostile = ["中" + "1." * 50_000 + "x", "晨" + " A" * 50_000, "Ab" + " -" * 50_000 + "中", "中，" * 50_000]
    hostile += ["，" * 100_000, "—" * 100_000, "“" * 100_000, "a'" * 50_000 + "'" * 50_000]  # a run never starts
    hostile += ["a" * 100_000 + "1", "ab " * 50_000 + "1", "1" * 100_000]  # a word that ends in a digit: once
    for text in hostile:
        start = time.process_time()
        mark(f"<p>{text}</p>", "en")
        mark(f"<p>{text}</p>", "zh")
        assert time.process_time() - start < 5  # catastrophic backtracking would take hours, not seconds
