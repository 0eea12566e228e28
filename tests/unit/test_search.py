"""What the search index gets from kadossier (kadossier.site.search): the dictionary of names, the segmenter
that keeps names whole, the search plugin's settings and the warning for the old per-character separator."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import jieba
import pytest
from mkdocs.config import load_config

from kadossier.dossier.portfolio import Account
from kadossier.dossier.validate import check_file
from kadossier.i18n import speaking
from kadossier.site import search

from ..conftest import ROOT, SHARED_REFERENCE, TODAY, build, example_workspace

OLD = r"""site_name: t
docs_dir: dossiers
theme: {name: material, language: zh}
plugins:
  - search:
      separator: '[\s\u200b\-_,:;!=\[\]()"`/]+|(?=[\u3400-\u9fff\uf900-\ufaff])'
"""


def write_config(folder: Path, text: str) -> Path:
    """mkdocs.yml with `text` in `folder`, and its docs_dir."""
    (folder / "dossiers").mkdir(exist_ok=True)
    (folder / "mkdocs.yml").write_text(text, encoding="utf-8")
    return folder / "mkdocs.yml"


def account(path: Path, *, redact: bool = False) -> Account:
    checked = check_file(path, TODAY)
    assert checked.dossier is not None, checked.problems
    return Account.of(checked, redact=redact)


def test_the_dictionary_has_names_whole_and_organisations_that_hold_no_other_name() -> None:
    words = search.names([account(SHARED_REFERENCE / "shenyang-daily.yaml")])
    for word in ("万国利", "钟敏", "林强", "王海", "晨光日报", "晨光报业", "辽东纸业", "技术质量科", "采购部"):
        assert word in words
    assert "沈阳晨光日报社" not in words  # holds the short name: jieba cuts it 沈阳/晨光日报/社
    assert "晨光报业集团" not in words  # holds the alias 晨光报业
    assert search.names([account(SHARED_REFERENCE / "northwind-grid.yaml")]) == []  # no Chinese name


def test_the_dictionary_is_written_only_when_it_changes(tmp_path: Path) -> None:
    daily = account(SHARED_REFERENCE / "shenyang-daily.yaml")
    path = search.write_dictionary(tmp_path, [daily])
    assert path == tmp_path / search.DICTIONARY
    inode = path.stat().st_ino
    assert search.write_dictionary(tmp_path, [daily]) == path and path.stat().st_ino == inode
    other = tmp_path / "other.yaml"
    other.write_text(
        (SHARED_REFERENCE / "shenyang-daily.yaml").read_text(encoding="utf-8").replace("万国利", "欧阳国利"),
        encoding="utf-8",
    )
    search.write_dictionary(tmp_path, [account(other)])
    assert "欧阳国利" in path.read_text(encoding="utf-8").split() and path.stat().st_ino != inode
    assert search.write_dictionary(tmp_path / "english", [account(SHARED_REFERENCE / "northwind-grid.yaml")]) is None


def test_a_redacted_build_gives_jieba_only_names_its_site_shows(tmp_path: Path) -> None:
    workspace = example_workspace(tmp_path)
    daily = workspace / "dossiers" / "shenyang-daily.yaml"
    # A name that only a personal profile holds: it must reach neither the redacted site nor the dictionary.
    daily.write_text(
        daily.read_text(encoding="utf-8").replace("family: 夫人钟敏是报社副社长", "family: 夫人欧阳娜娜是报社副社长"),
        encoding="utf-8",
    )
    assert "欧阳娜娜" in daily.read_text(encoding="utf-8")
    site = build(workspace, "--redact")
    words = (workspace / search.DICTIONARY).read_text(encoding="utf-8").split()
    assert not (workspace / search.CUTS[False]).exists()  # the full edition's cuts were never made
    assert "欧阳娜娜" not in (workspace / search.CUTS[True]).read_text(encoding="utf-8")
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    shown = "".join(doc["title"] + doc["text"] for doc in index["docs"]).replace("\u200b", "")
    assert "万国利" in words and "欧阳娜娜" not in shown
    assert [word for word in words if word not in shown] == []


def test_names_are_whole_words_and_their_first_characters_never_stand_alone() -> None:
    jieba.add_word("万国利")
    segment = search.Segmenter(["万国利", "钟敏"])  # jieba's dictionary has 万国利 (add_word above)
    assert "\u200b万国利\u200b" in segment("关键是打通采购部长万国利。")
    assert segment("邀请万部长夫妇") == "邀请万\u200b部长\u200b夫妇"  # jieba alone: 邀请/万/部长/夫妇
    assert segment("¥2400万") == "¥2400万"  # a run of its own stays with the amount
    assert segment("Keller 与钟敏") == "Keller \u200b与\u200b钟敏"
    words = segment("万部长听完参数").split("\u200b")
    assert "万" not in words and words[0].startswith("万")


def test_the_cuts_are_kept_for_the_next_build_with_the_same_names(tmp_path: Path) -> None:
    dictionary, cache = tmp_path / "names.txt", tmp_path / "cuts.json"
    dictionary.write_text("万国利\n", encoding="utf-8")
    segment = search.Segmenter(["万国利"], dictionary, cache)
    assert segment("打通采购部长万国利") == "打通\u200b采购\u200b部长\u200b万国利"
    segment.save()
    data = json.loads(cache.read_text(encoding="utf-8"))
    assert data["runs"] == {"打通采购部长万国利": "\u200b打通\u200b采购\u200b部长\u200b万国利\u200b"}
    data["runs"]["打通采购部长万国利"] = "\u200bfrom the cache\u200b"
    cache.write_text(json.dumps(data), encoding="utf-8")
    assert search.Segmenter(["万国利"], dictionary, cache)("打通采购部长万国利") == "from the cache"
    assert search.Segmenter(["万国利", "钟敏"], dictionary, cache)("打通采购部长万国利") != "from the cache"


def test_the_old_separator_is_found_and_located(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(tmp_path, OLD)
    monkeypatch.chdir(tmp_path)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.kadossier"):
        search.check_separator(load_config("mkdocs.yml"))
    assert [r.getMessage() for r in caplog.records] == [
        "mkdocs.yml:6:48: the search separator splits before every Chinese character, so search finds characters,"
        " not words: remove '|(?=[\\u3400-\\u9fff\\uf900-\\ufaff])' from it (or copy the separator of a new"
        " workspace: 'kadossier init')"
    ]


def test_the_example_and_the_scaffold_use_the_new_separator(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    for text in (ROOT / "mkdocs.yml", *(ROOT / "templates" / "scaffold").glob("mkdocs*.yml")):
        assert search.SEPARATOR in text.read_text(encoding="utf-8") and search.OLD_SEPARATOR not in text.read_text()
    write_config(tmp_path, OLD.replace("|(?=[\\u3400-\\u9fff\\uf900-\\ufaff])", ""))
    with caplog.at_level(logging.WARNING):
        search.check_separator(load_config(str(tmp_path / "mkdocs.yml")))
    assert caplog.records == []


def test_the_old_separator_warning_in_chinese(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write_config(tmp_path, OLD)
    with speaking("zh"), caplog.at_level(logging.WARNING, logger="mkdocs.plugins.kadossier"):
        search.check_separator(load_config(str(tmp_path / "mkdocs.yml")))
    (message,) = [r.getMessage() for r in caplog.records]
    assert "搜索" in message and "'|(?=[\\u3400-\\u9fff\\uf900-\\ufaff])'" in message and ":6:48:" in message
