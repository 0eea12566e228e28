"""The loader: faithful text, refused YAML features, located errors, bounded work."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kadossier.dossier.load import MAX_BYTES, LoadError, Plain, decode, load_bytes, parse


def errors_of(text: str | bytes) -> list[tuple[int, int, str]]:
    with pytest.raises(LoadError) as info:
        load_bytes(text.encode() if isinstance(text, str) else text)
    return info.value.errors


@pytest.mark.parametrize(
    "written",
    [
        "0755123456",
        "+46755123456",
        "NO",
        "on",
        "yes",
        "1e3",
        "0x1F",
        "010010",
        "2026-11-01",
        "12:30:00",
        ".inf",
        "1_000",
    ],
)
def test_plain_scalars_stay_exactly_as_written(written: str) -> None:
    value = parse(f"a: {written}\n").data["a"]
    assert value == written and isinstance(value, Plain)


def test_quoted_scalars_are_text_and_not_plain() -> None:
    data = parse("a: '0755'\nb: \"x\\ty\"\nc: |\n  two\n  lines\n").data
    assert data == {"a": "0755", "b": "x\ty", "c": "two\nlines\n"}
    assert not any(isinstance(v, Plain) for v in data.values())


@pytest.mark.parametrize("empty", ["", "~", "null", "Null", "NULL"])
def test_plain_nulls_are_none(empty: str) -> None:
    assert parse(f"a: {empty}\n").data == {"a": None}


def test_positions_of_keys_and_values_are_one_based() -> None:
    loaded = parse("a: 1\nb:\n  - x\n  - {c: 2, d: [3, 4]}\n")
    assert loaded.positions.find(("a",)) == (1, 4)
    assert loaded.positions.find(("b", 1, "d", 1)) == (4, 19)
    assert loaded.positions.find(("b", 1, "c"), key=True) == (4, 6)
    assert loaded.positions.find(("b", 7, "zz")) == (3, 3)  # unknown parts stop at the deepest known place


def test_commas_in_flow_collections_split_items_as_in_standard_yaml() -> None:
    data = parse("a: [东三省，新闻纸, 年度招标, x,y, 东北, 华北]\nb: {n: 两条轮转印刷线，夜班印刷, m: 1}\n").data
    assert data["a"] == ["东三省，新闻纸", "年度招标", "x", "y", "东北", "华北"]
    assert data["b"] == {"n": "两条轮转印刷线，夜班印刷", "m": "1"}


def test_an_ascii_comma_between_cjk_characters_in_a_flow_collection_is_an_error_at_the_comma() -> None:
    errors = errors_of("a: [x, 工厂距离近,运输快]\nb: {n: 印刷厂,夜班: 是}\nc: 东北,华北\n")
    assert [(line, col) for line, col, _ in errors] == [(1, 13), (2, 11)]  # not in c: a block value is text
    assert "'工厂距离近,运输快'" in errors[0][2] and "'工厂距离近，运输快'" in errors[0][2]
    assert '"工厂距离近,运输快" (in quotes)' in errors[0][2]


def test_a_cjk_key_with_a_colon_is_still_a_key() -> None:
    assert parse("b: {n: 印刷厂, 夜班: 是}\n").data["b"] == {"n": "印刷厂", "夜班": "是"}


def test_duplicate_keys_are_errors_at_the_second_key() -> None:
    assert errors_of("a: 1\nb: 2\na: 3\n") == [(3, 1, "duplicate key 'a' (first defined on line 1)")]


def test_alias_bomb_is_refused_quickly() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 30)]
    started = time.perf_counter()
    errors = errors_of("\n".join(levels) + "\n")
    assert time.perf_counter() - started < 1
    assert errors[0][2].startswith("anchors (&a0) are not allowed")
    assert any("aliases (*a0) are not allowed" in m and "(290 aliases in this file)" in m for _, _, m in errors)


def test_python_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    errors = errors_of(f'a: !!python/object/apply:os.system ["touch {canary}"]\n')
    assert errors == [(1, 4, "YAML tags (!!python/object/apply:os.system) are not allowed in a dossier")]
    assert not canary.exists()


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    errors = errors_of("a: " + "[" * 200_000 + "\n")
    assert errors == [(1, 27, "nesting deeper than 24 levels")]


def test_oversized_file_is_refused_before_parsing() -> None:
    started = time.perf_counter()
    errors = errors_of(b"a: " + b"x" * (MAX_BYTES + 1))
    assert time.perf_counter() - started < 0.5
    assert errors[0][:2] == (1, 1) and "at most 4 MiB" in errors[0][2]


def test_utf8_bom_and_crlf_are_accepted() -> None:
    assert load_bytes(b"\xef\xbb\xbfa: 1\r\nb: \xe4\xb8\xad\r\n").data == {"a": "1", "b": "中"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfea\x00:\x00", "file is UTF-16; save it as UTF-8"),
        (b"a: ok\nb: caf\xe9\n", "file is not valid UTF-8 (byte 0xe9); save it as UTF-8"),
    ],
)
def test_wrong_encodings_get_located_errors(raw: bytes, message: str) -> None:
    with pytest.raises(LoadError) as info:
        decode(raw)
    assert info.value.errors[0][2] == message


def test_non_utf8_byte_is_located_by_line_and_character() -> None:
    assert errors_of("a: 中文\nb: x".encode() + b"\xe9\n")[0][:2] == (2, 5)


@pytest.mark.parametrize(
    ("text", "where", "start"),
    [
        ("", (1, 1), "file is empty"),
        ("# just a comment\n", (1, 1), "file is empty"),
        ("- a\n- b\n", (1, 1), "the top level of a dossier must be a mapping"),
        ("just text\n", (1, 1), "the top level of a dossier must be a mapping"),
        ("a: 1\n---\nb: 2\n", (2, 1), "a dossier file holds one YAML document"),
        ("a:\n\tb: 1\n", (2, 1), "YAML syntax error: tab character used for indentation"),
        ('a: "open\nb: 2\n', (3, 1), "YAML syntax error: found unexpected end of stream"),
        ("a: 1\n<<: {b: 2}\n", (2, 1), "merge keys (<<) are not allowed"),
        ("? [a, b]\n: 1\n", (1, 3), "a key must be plain text"),
        ("a: &x 1\nb: *x\n", (1, 4), "anchors (&x) are not allowed"),
        ("name: \u202egnp.exe\n", (1, 7), "invisible bidirectional control character U+202E"),
    ],
)
def test_bad_yaml_gets_one_located_message(text: str, where: tuple[int, int], start: str) -> None:
    errors = errors_of(text)
    assert errors[0][:2] == where and errors[0][2].startswith(start), errors
