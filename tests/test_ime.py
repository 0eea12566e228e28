"""IME slips: full-width characters typed where YAML syntax is meant are errors at the character, with the fix;
the same characters in Chinese text are text. Chinese words for vocabulary values get a did-you-mean."""

from __future__ import annotations

import pytest

from kadossier.dossier import vocab
from kadossier.dossier.fields import closest_value
from kadossier.dossier.load import LoadError, parse
from kadossier.i18n import speaking

HEAD = "schema_version: 1\nname: 沈阳日报社\nowner: 林强\n"


def errors_of(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(LoadError) as info:
        parse(text)
    return info.value.errors


def test_a_full_width_colon_after_a_key_is_located_at_the_colon_not_lines_later() -> None:
    lines = [*HEAD.splitlines(), "reviewed: 2026-11-01", "summary: 报业集团", "industry: 新闻出版", "region: 辽宁"]
    lines += ["short_name: 沈日", "tier: key", "grade： B", "tags: [报业]", "website: https://example.com"]
    lines += ["background:", "  organization: headquarters"]
    errors = errors_of("\n".join(lines) + "\n")
    assert errors == [
        (10, 6, "full-width colon '：' after 'grade': YAML needs the ASCII colon and a space; write 'grade: B'")
    ]


@pytest.mark.parametrize(
    ("text", "where", "fix"),
    [
        (HEAD + "grade：B\ntier: key\n", (4, 6), "write 'grade: B'"),  # no space after it either
        (HEAD + "grade： B\n", (4, 6), "write 'grade: B'"),  # the last line: YAML fails at the end of the file
        (HEAD + "people:\n  - id: a\n    title： 部长\n    level: management\n", (6, 10), "write 'title: 部长'"),
        (HEAD + "people:\n  - id： a\n    name: x\n", (5, 7), "write 'id: a'"),  # YAML: "mapping values..."
        (HEAD + "people:\n  - {id: a, name: 万国利, title： 部长}\n", (5, 29), "write 'title: 部长'"),  # valid YAML
        (HEAD + "background：\n  organization: other\n", (4, 11), "write 'background: '"),
    ],
)
def test_full_width_colons_after_keys(text: str, where: tuple[int, int], fix: str) -> None:
    errors = errors_of(text)
    assert [e[:2] for e in errors] == [where], errors
    assert "'：'" in errors[0][2] and fix in errors[0][2]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (HEAD + "\u3000\u3000grade: B\n", (4, 1)),  # standard YAML: a key named '　　grade'
        (HEAD + "background:\n\u3000\u3000organization: other\n", (5, 1)),  # ... a top-level key
        (HEAD + "background:\n  \u3000organization: other\n", (5, 3)),  # after ASCII spaces
        (HEAD + "people:\n  - id: a\n\u3000\u3000\u3000\u3000name: x\n", (6, 1)),
    ],
)
def test_ideographic_space_as_indentation(text: str, where: tuple[int, int]) -> None:
    errors = errors_of(text)
    assert [e[:2] for e in errors] == [where], errors
    assert "U+3000" in errors[0][2] and "ASCII spaces" in errors[0][2]


@pytest.mark.parametrize(
    ("text", "where", "fix"),
    [
        (HEAD + "tags: 【东北, 华北】\n", (4, 7), "write '[东北, 华北]'"),
        (HEAD + "tags: ［东北］\n", (4, 7), "write '[东北]'"),
        (HEAD + "tags: [东北, 【华北】]\n", (4, 12), "write '[华北]'"),
        (HEAD + 'background: ｛phone: "024-1"｝\n', (4, 13), "write '{phone: \"024-1\"}'"),  # a YAML error
        (HEAD + "tags: [“东北”, 华北]\n", (4, 8), 'write "东北" with ASCII quotes'),
        (HEAD + "tags: [「工厂距离近, 运输快」]\n", (4, 8), 'write "工厂距离近, 运输快"'),
        (HEAD + "tags: [‘东北’]\n", (4, 8), 'write "东北"'),
    ],
)
def test_full_width_brackets_and_quotes_where_yaml_syntax_is_meant(text: str, where: tuple[int, int], fix: str) -> None:
    errors = errors_of(text)
    assert [e[:2] for e in errors] == [where], errors
    assert fix in errors[0][2]


@pytest.mark.parametrize(
    ("text", "where", "fix"),
    [
        (HEAD + "reviewed: ２０２６-１２-０３\n", (4, 11), "write 2026-12-03"),
        (HEAD + "reviewed: 2026-１2-03\n", (4, 16), "write 2026-12-03"),
        (HEAD + "visits:\n  - {id: v, date: 2026-12-03 １０:００}\n", (5, 30), "write 2026-12-03 10:00"),
        (HEAD + "background:\n  employees: ３２００\n", (5, 14), "write 3200"),
        (HEAD + "background:\n  revenue: ２.５\n", (5, 12), "write 2.5"),
    ],
)
def test_full_width_digits_in_dates_and_numbers(text: str, where: tuple[int, int], fix: str) -> None:
    errors = errors_of(text)
    assert [e[:2] for e in errors] == [where], errors
    assert "full-width digit" in errors[0][2] and fix in errors[0][2]


@pytest.mark.parametrize(
    "text",
    [
        "summary: 东北三省最大的报业集团之一：日发行量约30万份\n",
        "summary: 【重点】客户：沈阳日报社\n",
        "summary: 【重点】\n",  # a Chinese heading, not a list
        "notes: [联系人：张三, 注意：周一不在]\n",
        'tags: ["【重点】", "“老客户”", \'「内线」\']\n',  # quoted: kept as text
        "tags: [东北（辽宁）, 《沈阳日报》]\n",
        "address: 沈阳市和平区三好街５６号\n",
        "summary: ２０２６年规划\n",  # a full-width number in text is text
        "notes:\n  - note： the list item is text\n  - 注意： 同上\n",
        "summary: |\n  　　经营稳定：广告收入下降。\n  grade： B\n  【东北, 华北】\n",  # a block is text
        "summary: 第一行\n  note： 续行\n",  # a value spread over lines
        "summary: >\n  ［全国前十］\n",
        "summary: 　　段落缩进\n",  # U+3000 at the start of a value, not of a line
    ],
)
def test_chinese_text_with_full_width_characters_stays_valid(text: str) -> None:
    parse(HEAD + text)


def test_an_unrelated_yaml_error_keeps_its_own_message() -> None:
    errors = errors_of(HEAD + "summary: 注意：见下\nnotes: [a, b\n")
    assert errors[0][2].startswith("YAML syntax error:") and "full-width" not in errors[0][2]


def test_slip_messages_in_chinese() -> None:
    with speaking("zh"):
        colon = errors_of(HEAD + "grade： B\n")[0][2]
        indent = errors_of(HEAD + "\u3000grade: B\n")[0][2]
        comma = errors_of(HEAD + "tags: [工厂距离近,运输快]\n")[0][2]
    assert colon == "键 'grade' 后面是全角冒号 '：'：YAML 需要半角冒号加空格；请写成 'grade: B'"
    assert indent.startswith("用全角空格 U+3000（'　'）缩进")
    assert comma.startswith("[..] 或 {..} 中两个中文字符之间的半角逗号") and "'工厂距离近，运输快'" in comma


@pytest.mark.parametrize(
    ("word", "kind", "meant"),
    [
        ("中层", vocab.Level, "management"),
        ("管理层", vocab.Level, "management"),
        ("高层", vocab.Level, "executive"),
        ("决策者", vocab.Role, "decision_maker"),
        ("内线", vocab.Role, "coach"),
        ("Decision maker", vocab.Role, "decision_maker"),
        ("支持", vocab.Attitude, "supporter"),
        ("反对", vocab.Attitude, "opponent"),
        ("认同", vocab.Relationship, "recognized"),
        ("约会", vocab.Relationship, "met"),
        ("比较", vocab.Stage, "compare"),
        ("赢单", vocab.ProjectStatus, "won"),
        ("champoin", vocab.Attitude, "champion"),
    ],
)
def test_a_chinese_or_misspelt_word_means_a_vocabulary_value(word: str, kind: type, meant: str) -> None:
    assert closest_value(word, kind) == meant


@pytest.mark.parametrize(
    ("word", "kind"), [("层", vocab.Level), ("boss", vocab.Role), ("刘德华", vocab.Attitude), ("D", vocab.Grade)]
)
def test_no_guess_for_a_word_that_means_no_value_or_several(word: str, kind: type) -> None:
    assert closest_value(word, kind) is None
