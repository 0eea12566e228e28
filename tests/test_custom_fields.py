"""Custom fields (issue 20): a workspace declares its own fields in mkdocs.yml; a dossier writes them under a
part's `custom:` block. One field of each type round-trips through validate, the JSON Schema, the field
reference, the site, the PDFs, the exports and the redacted edition — through the real CLI, the real MkDocs
build and real WeasyPrint.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator

from kadossier.cli import main
from kadossier.dossier.validate import check_file
from kadossier.workspace.locate import open_workspace
from tests.conftest import TODAY, build

DECLARED = """\
      custom_fields:
        account:
          credit_rating:
            type: choice
            label: {en: Credit rating, zh: 信用等级}
            choices:
              aaa: {en: Top grade, zh: 最高等级}
              watch: {en: On watch, zh: 观察}
          beds: {type: number, label: {en: Beds, zh: 床位数}}
        person:
          hobby: {type: text, label: {en: Hobby, zh: 爱好}, personal: true}
          vip_since: {type: date, label: {en: VIP since, zh: 贵宾起始日}}
        project:
          deposit: {type: money, label: {en: Tender deposit, zh: 投标保证金}}
        visit:
          gift_logged: {type: yesno, label: {en: Gift logged, zh: 礼品已登记}}
        competitor:
          price_index: {type: number, label: {en: Price index, zh: 价格指数}}
"""

DOSSIER = """\
schema_version: 1
name: 东方医院
owner: 王磊
custom:
  credit_rating: aaa
  beds: 1200
people:
  - id: li
    name: 李主任
    roles: [decision_maker]
    custom:
      hobby: 钓鱼和桥牌俱乐部
      vip_since: 2025-03-01
projects:
  - id: lab
    name: 检验科流水线
    stage: design
    custom:
      deposit: {amount: 50000, currency: CNY}
competitors:
  - id: rival
    name: 对手公司
    custom: {price_index: 92.5}
visits:
  - id: done-visit
    date: 2026-11-10
    status: done
    objective: 初次拜访
    theirs: [li]
    record: {outcome: 同意方案交流}
    custom: {gift_logged: 否}
  - id: next-visit
    date: 2026-12-02
    status: planned
    objective: 方案交流
    project: lab
    theirs: [li]
    custom: {gift_logged: true}
"""

HOBBY = "钓鱼和桥牌俱乐部"
"""The personal field's value: the canary that must never reach a redacted output."""


def make_workspace(root: Path, *, language: str = "en", dossier: str = DOSSIER, declared: str = DECLARED) -> Path:
    (root / "dossiers").mkdir(parents=True)
    (root / "dossiers" / "dongfang.yaml").write_text(dossier, encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        f"site_name: T\ndocs_dir: dossiers\nplugins:\n  - kadossier:\n      language: {language}\n{declared}",
        encoding="utf-8",
    )
    return root


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["-C", str(root), "--today", TODAY.isoformat(), *args])


def test_each_type_is_checked_and_typed(tmp_path: Path) -> None:
    root = make_workspace(tmp_path)
    result = run(root, "validate")
    assert result.exit_code == 0, result.output
    fields = open_workspace(root / "mkdocs.yml").settings.custom_fields
    d = check_file(root / "dossiers" / "dongfang.yaml", TODAY, fields=fields).dossier
    assert d is not None
    assert d.custom == {"credit_rating": "aaa", "beds": 1200.0}
    assert d.people[0].custom == {"hobby": HOBBY, "vip_since": dt.date(2025, 3, 1)}
    deposit = d.projects[0].custom["deposit"]
    assert (deposit.amount, deposit.currency) == (50000, "CNY")
    assert [v.custom["gift_logged"] for v in d.visits] == [False, True]  # 否 is no
    assert d.competitors[0].custom == {"price_index": 92.5}


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("  beds: 1200", "  beds: many", "dossiers/dongfang.yaml:6:9: error: beds must be a number, got many"),
        ("  credit_rating: aaa", "  credit_rating: aa", "dossiers/dongfang.yaml:5:18: error: credit_rating 'aa' is not one of: aaa, watch; did you mean 'aaa'?"),
        ("  credit_rating: aaa", "  credit_rating: 观察", "dossiers/dongfang.yaml:5:18: error: credit_rating '观察' is not one of: aaa, watch; did you mean 'watch'?"),
        ("  beds: 1200", "  bed: 1200", "dossiers/dongfang.yaml:6:3: error: unknown field 'bed'; did you mean 'beds'? (declared in custom_fields.account: credit_rating, beds)"),
        ("      vip_since: 2025-03-01", "      vip_since: 2025-02-30", "dossiers/dongfang.yaml:13:18: error: 2025-02-30 is not a real date"),
        ("    custom: {gift_logged: 否}", "    custom: {gift_logged: maybe}", "dossiers/dongfang.yaml:31:27: error: gift_logged must be true or false, got maybe"),
        ("    custom: {price_index: 92.5}", "    custom: {price_index: cheap}", "dossiers/dongfang.yaml:23:27: error: price_index must be a number, got cheap"),
        ("owner: 王磊", "owner: 王磊\nbeds: 1200", "dossiers/dongfang.yaml:4:1: error: unknown field 'beds'; 'beds' is a custom field: write it under 'custom:' (custom: {beds: …})"),
        ("    custom: {price_index: 92.5}", "    custom: {rank: 1}", "dossiers/dongfang.yaml:23:14: error: unknown field 'rank' (declared in custom_fields.competitor: price_index)"),
    ],
)  # fmt: skip
def test_a_wrong_value_is_located_with_the_fix(tmp_path: Path, before: str, after: str, expected: str) -> None:
    assert before in DOSSIER
    root = make_workspace(tmp_path, dossier=DOSSIER.replace(before, after, 1))
    result = run(root, "validate")
    assert result.exit_code == 1
    assert expected in result.output.splitlines(), result.output
    assert "Traceback" not in result.output


def test_a_custom_field_the_workspace_does_not_declare_is_an_error(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, declared="")
    result = run(root, "validate")
    assert result.exit_code == 1
    assert (
        "dossiers/dongfang.yaml:5:3: error: unknown custom field 'credit_rating': the workspace declares none here; "
        "declare it in mkdocs.yml under the kadossier plugin's option custom_fields.account"
    ) in result.output.splitlines(), result.output


def test_messages_speak_the_workspaces_language(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, language="zh", dossier=DOSSIER.replace("credit_rating: aaa", "credit_rating: 最高"))
    result = run(root, "validate")
    assert result.exit_code == 1
    assert (
        "dossiers/dongfang.yaml:5:18: 错误：'credit_rating' 的值 '最高' 不是以下之一：aaa, watch；是不是 'aaa'？"
        in result.output
    )


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("account: {beds: {type: count, label: Beds}}", "account.beds: type 'count' is not one of: text, number, date, money, yesno, choice"),
        ("account: {rating: {type: choice, label: Rating}}", "account.rating: a field of type choice needs its choices"),
        ("acount: {beds: {type: number, label: Beds}}", "'acount' is not a part that holds fields (account, person, project, visit, competitor); did you mean 'account'?"),
        ("account: {Beds: {type: number, label: Beds}}", "account.Beds: a field's name must be a lowercase ASCII key (letters, digits, _), like the format's own"),
        ("account: {beds: {type: number, lable: Beds}}", "account.beds: unknown key 'lable'; did you mean 'label'?"),
    ],
)  # fmt: skip
def test_a_wrong_declaration_is_located_in_mkdocs_yml(tmp_path: Path, declared: str, expected: str) -> None:
    root = make_workspace(tmp_path, declared=f"      custom_fields: {{{declared}}}\n")
    for args in (["validate"], ["build", "--no-pdf"]):
        result = run(root, *args)
        assert result.exit_code == 2, result.output  # a workspace's configuration error, as every other option's
        assert f"mkdocs.yml:6:7: error: kadossier plugin option 'custom_fields': {expected}" in result.output
        assert "Traceback" not in result.output
    assert not (root / "site").exists()


def test_the_schema_and_the_reference_describe_them(tmp_path: Path) -> None:
    root = make_workspace(tmp_path)
    result = run(root, "schema")
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    validator = Draft202012Validator(schema)
    data = json.loads(json.dumps(yaml.safe_load(DOSSIER), default=str))
    assert list(validator.iter_errors(data)) == []
    custom = schema["properties"]["custom"]
    assert custom["additionalProperties"] is False
    assert custom["properties"]["credit_rating"]["enum"] == ["aaa", "watch"]
    assert custom["properties"]["beds"]["type"] == "number"
    assert "Credit rating (信用等级)" in custom["properties"]["credit_rating"]["description"]
    wrong = {**data, "custom": {"beds": "many", "colour": "red"}}
    assert len(list(validator.iter_errors(wrong))) == 2
    # the build keeps the workspace's schema file, which editors read, current with the declarations
    (root / "dossiers" / "dossier.schema.json").write_text("{}", encoding="utf-8")
    build(root)
    kept = json.loads((root / "dossiers" / "dossier.schema.json").read_text(encoding="utf-8"))
    assert kept["$defs"]["Person"]["properties"]["custom"]["properties"]["vip_since"]["format"] == "date"
    reference = run(root, "schema", "--format", "markdown").output
    assert "| person | `custom.hobby` | text | Hobby (爱好) Personal data: left out of redacted outputs. |" in reference
    assert "| account | `custom.credit_rating` | one of `aaa`, `watch` | Credit rating (信用等级) |" in reference


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", ["Credit rating", "Top grade", "Beds", "1,200", "VIP since", "1 Mar 2025", "Tender deposit",
                "CN¥50,000", "Gift logged", "No", "Yes", "Price index", "92.5", HOBBY]),
        ("zh", ["信用等级", "最高等级", "床位数", "1,200", "贵宾起始日", "2025年3月1日", "投标保证金", "¥50,000",
                "礼品已登记", "否", "是", "价格指数", "92.5", HOBBY]),
    ],
)  # fmt: skip
def test_the_site_shows_them_in_their_section(tmp_path: Path, language: str, shown: list[str]) -> None:
    site = build(make_workspace(tmp_path, language=language))
    html = (site / "accounts" / "dongfang" / "index.html").read_text(encoding="utf-8")
    for text in shown:
        assert f">{text}<" in html, text
    people = html.index('id="person-li"')
    assert people < html.index(">" + shown[4] + "<") < html.index('id="project-lab"')  # VIP since: in the person


def test_the_redacted_edition_leaves_out_the_personal_ones_everywhere(tmp_path: Path) -> None:
    root = make_workspace(tmp_path)
    site = build(root, "--redact", pdf=True)
    assert (site / "briefs" / "dongfang" / "next-visit" / "index.html").is_file()  # the brief page is scanned too
    leaked = [p for p in site.rglob("*") if p.is_file() and HOBBY.encode() in p.read_bytes()]
    assert leaked == []
    for pdf in site.rglob("*.pdf"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert HOBBY not in text and "Hobby" not in text, pdf
    html = (site / "accounts" / "dongfang" / "index.html").read_text(encoding="utf-8")
    assert ">1 Mar 2025<" in html  # the person's other custom field is not personal: it stays
    for args in (["--format", "csv", "--table", "people"], ["--format", "json"], ["--format", "xlsx"]):
        out = tmp_path / f"export.{args[1]}"
        result = run(root, "export", *args, "--redact", "-o", str(out))
        assert result.exit_code == 0, result.output
        assert HOBBY.encode() not in out.read_bytes() or args[1] == "xlsx"
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "export.xlsx")
    assert all(HOBBY not in str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row)


def test_the_pdfs_show_them(tmp_path: Path) -> None:
    root = make_workspace(tmp_path)
    pack, brief = tmp_path / "pack.pdf", tmp_path / "brief.pdf"
    assert run(root, "pdf", "dongfang", "-o", str(pack)).exit_code == 0
    assert run(root, "pdf", "dongfang", "--visit", "next-visit", "-o", str(brief)).exit_code == 0

    def text(pdf: Path) -> str:
        out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        return " ".join(out.split())

    in_pack = text(pack)
    for shown in ["Credit rating", "Top grade", "Beds", "1,200", "VIP since", "1 Mar 2025", "Tender deposit",
                  "CN¥50,000", "Gift logged", "Price index", "92.5", HOBBY]:  # fmt: skip
        assert shown in in_pack, shown
    in_brief = text(brief)
    for shown in ["Tender deposit", "CN¥50,000", "Gift logged Yes"]:
        assert shown in in_brief, shown


def test_the_exports_have_a_column_per_field(tmp_path: Path) -> None:
    root = make_workspace(tmp_path)
    tables = {}
    for table in ("accounts", "people", "projects", "visits", "competitors"):
        result = run(root, "export", "--format", "csv", "--table", table)
        assert result.exit_code == 0, result.output
        tables[table] = [line.split(",") for line in result.output.lstrip("\ufeff").splitlines()]
    assert tables["accounts"][0][-2:] == ["Credit rating", "Beds"] and tables["accounts"][1][-2:] == ["aaa", "1200"]
    assert tables["people"][0][-2:] == ["Hobby", "VIP since"] and tables["people"][1][-2:] == [HOBBY, "2025-03-01"]
    assert tables["projects"][0][-1] == "Tender deposit" and tables["projects"][1][-1] == "50000 CNY"
    assert [row[-1] for row in tables["visits"]] == ["Gift logged", "No", "Yes"]
    assert tables["competitors"][1][-1] == "92.5"
    exported = json.loads(run(root, "export", "--format", "json").output)
    assert exported["accounts"][0]["dossier"]["projects"][0]["custom"]["deposit"] == {
        "amount": 50000,
        "currency": "CNY",
    }


def test_an_edit_keeps_a_dossier_with_custom_fields_valid(tmp_path: Path) -> None:
    root = make_workspace(tmp_path)
    result = run(root, "visit", "dongfang", "next-visit", "--done")
    assert result.exit_code == 0, result.output
    assert "gift_logged: true" in (root / "dossiers" / "dongfang.yaml").read_text(encoding="utf-8")
    assert run(root, "validate").exit_code == 0


def test_dossiers_named_from_outside_are_checked_against_their_own_workspace(tmp_path: Path) -> None:
    """pre-commit runs at the repository's root and names the dossiers of a workspace in a subfolder."""
    root = make_workspace(tmp_path / "sales")
    result = CliRunner().invoke(
        main, ["-C", str(tmp_path), "--today", TODAY.isoformat(), "validate", "--only-dossiers", str(root / "dossiers" / "dongfang.yaml")]
    )  # fmt: skip
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_new_dossier_lists_the_accounts_custom_fields_commented(tmp_path: Path, language: str) -> None:
    root = make_workspace(tmp_path, language=language)
    result = run(root, "new", "西湖医院", "--owner", "王磊", "--slug", "xihu")
    assert result.exit_code == 0, result.output
    path = root / "dossiers" / "xihu.yaml"
    text = path.read_text(encoding="utf-8")
    label = "信用等级" if language == "zh" else "Credit rating"
    assert f"#   credit_rating: aaa   # {label}\n" in text and "#   beds: 0   #" in text
    assert run(root, "validate", str(path)).exit_code == 0
    path.write_text(text.replace("# custom:", "custom:").replace("#   credit_rating:", "  credit_rating:"), "utf-8")
    result = run(root, "validate", str(path))
    assert result.exit_code == 0, result.output
