"""Competitors as companies (issue 19): the workspace's competitors.yaml, `ref`, `won_against`, `lost_to`, and one
page per competitor, through the real CLI and the real MkDocs build.

The examples are ../shared/examples/win-loss.yaml (a newsprint account with two profiled competitors, a won
and a lost project) and ../shared/examples/competitors.yaml, both unchanged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from kadossier.cli import main
from kadossier.dossier.schema import json_schema, markdown_reference
from tests.conftest import ROOT, TODAY, build, html_of

EXAMPLES = ROOT.parent / "shared" / "examples"
WIN_LOSS = EXAMPLES / "win-loss.yaml"
PROFILES = EXAMPLES / "competitors.yaml"


def workspace(tmp_path: Path, *, language: str = "en", profiles: bool = True) -> Path:
    """A workspace with the win/loss example as `haibin.yaml` and (if asked) the example profiles."""
    (tmp_path / "dossiers").mkdir(parents=True)
    (tmp_path / "dossiers" / "haibin.yaml").write_bytes(WIN_LOSS.read_bytes())
    if profiles:
        (tmp_path / "competitors.yaml").write_bytes(PROFILES.read_bytes())
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: T\ndocs_dir: dossiers\nplugins:\n  - kadossier:\n      language: {language}\n", encoding="utf-8"
    )
    return tmp_path


def validate(root: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["-C", str(root), "--today", TODAY.isoformat(), "validate", *args])


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_the_examples_validate_unchanged_together(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    result = validate(root, "--strict")
    assert result.exit_code == 0, result.output
    assert ": error:" not in result.output and "note:" not in result.output
    alone = validate(root, str(root / "competitors.yaml"))
    assert alone.exit_code == 0 and "checked as the workspace's competitor profiles" in alone.output


def test_an_unknown_ref_is_located_with_the_closest_profile(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    dossier = root / "dossiers" / "haibin.yaml"
    edit(dossier, "ref: huabei-forest", "ref: huabei-forst")
    result = validate(root)
    line = line_of(dossier, "ref: huabei-forst")
    assert result.exit_code == 1
    assert (
        f"dossiers/haibin.yaml:{line}:10: error: no competitor profile with id 'huabei-forst' in competitors.yaml; "
        "did you mean 'huabei-forest'?"
    ) in result.output


def test_a_ref_without_any_profiles_file_says_where_the_file_goes(tmp_path: Path) -> None:
    root = workspace(tmp_path, profiles=False)
    result = validate(root)
    assert result.exit_code == 1
    assert "the workspace has no competitors.yaml beside mkdocs.yml" in result.output


def test_the_option_moves_the_profiles_file(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "shared").mkdir()
    (root / "competitors.yaml").rename(root / "shared" / "rivals.yaml")
    assert validate(root).exit_code == 1
    edit(root / "mkdocs.yml", "language: en\n", "language: en\n      competitors: shared/rivals.yaml\n")
    result = validate(root)
    assert result.exit_code == 0, result.output


def test_only_ref_links_a_profile_and_a_matching_name_gets_a_note(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    data = yaml.safe_load(WIN_LOSS.read_text(encoding="utf-8"))
    # same id as a profile but no ref: not linked; a name that is a profile's alias: offered the ref
    data["competitors"][0] = {"id": "liaodong-paper", "name": "Liaodong Paper", "satisfaction": "low"}
    (root / "dossiers" / "haibin.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = validate(root, "--strict")
    assert result.exit_code == 0, result.output  # a note never fails, not even --strict
    assert re.search(
        r"haibin\.yaml:\d+:\d+: note: competitor 'Liaodong Paper' matches the profile 'liaodong-paper' in "
        r"competitors\.yaml: add 'ref: liaodong-paper'",
        result.output,
    ), result.output
    site = build(root)
    page = (site / "accounts" / "haibin" / "index.html").read_text(encoding="utf-8")
    assert "东北三省报业" not in page  # the profile (its market) is not shown: nothing linked it
    assert (site / "competitor" / "liaodong-paper" / "index.html").is_file()  # the profile's own page
    assert (site / "competitor" / "liaodong-paper-2" / "index.html").is_file()  # the name's page, not merged


def test_won_against_and_lost_to_name_the_dossiers_competitors_and_fit_the_status(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    dossier = root / "dossiers" / "haibin.yaml"
    edit(dossier, "won_against: [liaodong-paper]", "won_against: [liaodong-papr]")
    edit(dossier, "status: lost", "status: open")
    result = validate(root)
    assert result.exit_code == 1
    assert "no competitor with id 'liaodong-papr'; did you mean 'liaodong-paper'?" in result.output
    line = line_of(dossier, "lost_to:")
    assert (
        f"haibin.yaml:{line}:5: error: 'lost_to' is for a lost project, but project 'coated-2026' is 'open': "
        "set 'status: lost', or remove 'lost_to'"
    ) in result.output


def test_a_competitor_needs_a_name_or_a_ref(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    edit(root / "dossiers" / "haibin.yaml", "    ref: huabei-forest\n", "")
    result = validate(root)
    assert result.exit_code == 1
    assert "which competitor is it? Add 'name: NAME', or 'ref: ID' for a profile in competitors.yaml" in result.output


def test_a_broken_profiles_file_is_located_and_stops_the_build(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    profiles = root / "competitors.yaml"
    edit(profiles, "    website: https", "    webiste: https")
    result = validate(root)
    assert result.exit_code == 1
    line = line_of(profiles, "webiste")
    assert f"competitors.yaml:{line}:5: error: unknown field 'webiste'; did you mean 'website'?" in result.output
    assert "no competitor profile with id" not in result.output  # refs are not checked against a broken file
    built = CliRunner().invoke(main, ["-C", str(root), "--today", TODAY.isoformat(), "build", "--no-pdf"])
    assert built.exit_code != 0
    assert f"competitors.yaml:{line}:5" in built.output and "Traceback" not in built.output
    edit(profiles, "webiste", "website")
    edit(profiles, "  - id: huabei-forest", "  - id: liaodong-paper")
    duplicate = validate(root)
    assert "duplicate competitor profile id 'liaodong-paper' (also competitors[0])" in duplicate.output


def test_profiles_in_the_dossiers_folder_are_not_mistaken_for_a_dossier(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    (root / "competitors.yaml").rename(root / "dossiers" / "competitors.yaml")
    result = validate(root)
    assert result.exit_code == 1
    assert "dossiers/competitors.yaml:1:1: error: this is the workspace's competitor profiles, not a dossier" in (
        result.output
    )


def test_the_messages_speak_chinese(tmp_path: Path) -> None:
    root = workspace(tmp_path, language="zh")
    edit(root / "dossiers" / "haibin.yaml", "ref: huabei-forest", "ref: huabei-forst")
    result = validate(root)
    assert "找不到编号为 'huabei-forst' 的竞争对手档案" in result.output, result.output
    assert "是不是 'huabei-forest'？" in result.output


def test_the_json_schema_covers_the_profiles_file() -> None:
    schema = json_schema("competitors")
    Draft202012Validator.check_schema(schema)
    example = yaml.safe_load(PROFILES.read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(example)) == []
    wrong = {"schema_version": 1, "competitors": [{"id": "x", "name": "X", "webiste": "y"}]}
    assert list(Draft202012Validator(schema).iter_errors(wrong))
    dossier = yaml.safe_load(WIN_LOSS.read_text(encoding="utf-8"))
    assert list(Draft202012Validator(json_schema()).iter_errors(json.loads(json.dumps(dossier, default=str)))) == []
    reference = markdown_reference()
    assert "### CompanyProfile" in reference and "| `won_against` |" in reference and "| `lost_to` |" in reference
    shipped = ROOT / "dossiers" / "competitors.schema.json"
    assert json.loads(shipped.read_text(encoding="utf-8")) == schema, "kadossier schema --of competitors -o " + str(
        shipped
    )


@pytest.mark.parametrize("language", ["en", "zh"])
def test_one_page_per_competitor_with_profile_reps_projects_and_outcomes(tmp_path: Path, language: str) -> None:
    root = workspace(tmp_path, language=language)
    site = build(root)
    liaodong = html_of(site / "competitor" / "liaodong-paper" / "index.html")
    assert "东北三省报业，年产能 40 万吨" in liaodong  # the profile's market
    assert "断纸率偏高" in liaodong  # its weaknesses as a company
    assert "王海" in liaodong and "价格战，常请客吃饭" in liaodong  # its rep at the account, and the style
    assert "2026 年度新闻纸框架采购" in liaodong and "化验数据和应急补货承诺打动了技术部" in liaodong  # won, why
    huabei = html_of(site / "competitor" / "huabei-forest" / "index.html")
    assert "2026 年铜版纸采购" in huabei and "价格高 6%，交货期不占优" in huabei  # lost to them, why
    lost = "输" if language == "zh" else "Lost"
    assert re.search(rf"{lost}\S*\s*1", re.sub(r"<[^>]+>", "", huabei)), "the page counts one loss"
    overview = html_of(site / "competitors" / "index.html")
    assert 'href="../competitor/liaodong-paper/"' in overview and 'href="../competitor/huabei-forest/"' in overview
    account = html_of(site / "accounts" / "haibin" / "index.html")
    assert "东北三省报业" in account  # the profile beside the dossier's entry
    assert 'href="../../competitor/liaodong-paper/"' in account
    assert account.index("价格战，常请客吃饭") < account.index("东北三省报业")  # the account's own facts first
    won_against = "击败的对手" if language == "zh" else "Won against"
    assert won_against in account and ("输给" if language == "zh" else "Lost to") in account


def test_an_edited_profile_reaches_the_cached_account_page(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    site = build(root)
    assert "年产能 40 万吨" in (site / "accounts" / "haibin" / "index.html").read_text(encoding="utf-8")
    edit(root / "competitors.yaml", "年产能 40 万吨", "年产能 55 万吨")
    site = build(root)
    page = (site / "accounts" / "haibin" / "index.html").read_text(encoding="utf-8")
    assert "年产能 55 万吨" in page and "年产能 40 万吨" not in page


def test_the_pack_shows_the_profile_and_the_outcomes(tmp_path: Path) -> None:
    import subprocess

    root = workspace(tmp_path)
    target = tmp_path / "pack.pdf"
    result = CliRunner().invoke(
        main, ["-C", str(root), "--today", TODAY.isoformat(), "pdf", "haibin", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "Company profile: 辽东纸业 (Liaodong Paper, 辽东纸业集团)" in text
    assert "Won against: 辽东纸业" in text and "Lost to: 华北林纸" in text
    assert "东北三省报业" in text
