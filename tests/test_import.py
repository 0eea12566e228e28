"""`kadossier import`: the two shipped mappings and their samples, the dry run's located problems, never
overwriting, --update, both languages, and clean failures."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner, Result

from kadossier.cli import main
from kadossier.dossier.validate import check_file
from kadossier.workspace.locate import open_workspace
from tests.conftest import FIXTURES, TODAY, build

SAMPLES = FIXTURES / "import"
XLSX = "客户信息表.xlsx"


def run(workspace: Path, *args: str | Path) -> Result:
    argv = ["-C", str(workspace), "--today", TODAY.isoformat(), *(str(a) for a in args)]
    return CliRunner().invoke(main, argv, catch_exceptions=False)


def new_workspace(tmp_path: Path, language: str = "zh") -> Path:
    root = tmp_path / "ws"
    assert run(tmp_path, "init", root, "--language", language, "--owner", "李明").exit_code == 0
    (root / "dossiers" / "example-account.yaml").unlink()
    return root


def copy_in(workspace: Path, *names: str, clean: bool = False) -> list[str]:
    """Copy sample files into the workspace's import/ folder; their paths as the command is given them."""
    (workspace / "import").mkdir(exist_ok=True)
    given = []
    for name in names:
        source = SAMPLES / name
        source = source.parent / "clean" / source.name if clean else source
        shutil.copy(source, workspace / "import" / source.name)
        given.append(f"import/{source.name}")
    return given


def dossiers(workspace: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((workspace / "dossiers").glob("*.yaml"))}


def test_the_dry_run_locates_every_seeded_problem_of_the_chinese_sheet(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path)
    before = dossiers(ws)
    result = run(ws, "--lang", "en", "import", *copy_in(ws, f"zh-sheet/{XLSX}"), "--map", "zh-sheet", "--dry-run")
    assert result.exit_code == 1, result.output
    sheet = f"import/{XLSX}"
    expected = [
        f"{sheet}:客户!D4: error: 电话: the phone number 41182345678 is stored as a number, so a leading 0 may be lost",
        f"{sheet}:客户!A5: error: account '沈阳日报社' is listed twice (first at {sheet}:客户!A2)",
        f"{sheet}:联系人!F5: error: 态度: 支持派 is not one of: champion, supporter, neutral, skeptic, opponent; "
        "did you mean '支持'?",
        f"{sheet}:联系人!A6: error: no account '沈阳晚报' in the accounts; did you mean '沈阳日报社'?",
        f"{sheet}:项目!B4: error: 项目名称 is empty: a row of projects needs its name",
    ]
    for line in expected:
        assert line in result.output, result.output
    assert "5 errors; nothing was written" in result.output
    assert dossiers(ws) == before


def test_the_dry_run_locates_every_seeded_problem_of_the_salesforce_export(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    given = copy_in(ws, "salesforce/Account.csv", "salesforce/Contact.csv", "salesforce/Opportunity.csv")
    result = run(ws, "import", *given, "--map", "salesforce", "--dry-run")
    assert result.exit_code == 1, result.output
    expected = [
        "import/Account.csv:A4: error: account 'Acme Logistics' is listed twice (first at import/Account.csv:A2)",
        "import/Contact.csv:B4: error: no account '0015g00000ZZZ99' in the accounts",
        "import/Contact.csv:D5: error: LastName is empty: a row of people needs its name",
        "import/Contact.csv:G5: error: MobilePhone: the phone number 1.39E+10 was saved in scientific notation",
        "import/Opportunity.csv:D5: error: StageName: Closed Wonn is not one of: interest, trust, design, compare, "
        "commit, use; did you mean 'Closed Won'?",
    ]
    for line in expected:
        assert line in result.output, result.output
    assert not (ws / "dossiers" / "acme-logistics.yaml").exists()


def test_both_samples_import_into_dossiers_that_validate_and_build(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path)
    dry = run(ws, "import", *copy_in(ws, f"zh-sheet/{XLSX}", clean=True), "--map", "zh-sheet", "--dry-run")
    assert dry.exit_code == 0 and "dossiers/shen-yang-ri-bao-she.yaml" in dry.output, dry.output
    assert not (ws / "dossiers" / "shen-yang-ri-bao-she.yaml").exists()
    result = run(ws, "import", f"import/{XLSX}", "--map", "zh-sheet")
    assert result.exit_code == 0, result.output
    assert "已创建 dossiers/shen-yang-ri-bao-she.yaml" in result.output
    given = copy_in(ws, "salesforce/Account.csv", "salesforce/Contact.csv", "salesforce/Opportunity.csv", clean=True)
    result = run(ws, "import", *given, "--map", "salesforce", "--owner", "Li Ming")
    assert result.exit_code == 0, result.output
    names = set(dossiers(ws))
    assert names == {
        "shen-yang-ri-bao-she.yaml",
        "hua-bei-dian-li-she-bei-you-xian-gong-si.yaml",
        "acme-logistics.yaml",
        "shang-hai-gang-wu-ji-tuan.yaml",
    }
    checked = {name: check_file(ws / "dossiers" / name, TODAY) for name in names}
    assert all(c.dossier is not None and not c.errors for c in checked.values()), [c.errors for c in checked.values()]
    shenyang = checked["shen-yang-ri-bao-she.yaml"].dossier
    assert shenyang is not None
    first = shenyang.people[0]
    assert (first.id, first.roles, first.attitude) == ("wan-guo-li", ["decision_maker"], "supporter")
    assert shenyang.projects[0].budget is not None and shenyang.projects[0].budget.amount == 6_000_000
    assert str(shenyang.visits[0].date) == "2026-11-20"  # 2026年11月20日
    huabei = checked["hua-bei-dian-li-she-bei-you-xian-gong-si.yaml"].dossier
    assert huabei is not None and str(huabei.projects[0].close_date) == "2026-11-20"  # the Excel serial 46346
    shanghai = checked["shang-hai-gang-wu-ji-tuan.yaml"].dossier
    assert shanghai is not None and shanghai.people[0].name == "王建国"
    assert [str(p.close_date) for p in shanghai.projects] == ["2026-11-20", "2026-11-20"]
    assert [p.stage for p in shanghai.projects] == ["design", "trust"]
    acme = checked["acme-logistics.yaml"].dossier
    assert acme is not None and acme.people[0].name == "Jane Doe" and acme.owner == "Li Ming"
    text = (ws / "dossiers" / "shen-yang-ri-bao-she.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=dossier.schema.json\n# 沈阳日报社 的大客户档案")
    assert 'mobile: "13904001234"' in text
    site = build(ws)
    assert "万国立" in (site / "accounts" / "shen-yang-ri-bao-she" / "index.html").read_text(encoding="utf-8")


def test_an_existing_dossier_is_never_overwritten(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    given = copy_in(ws, f"zh-sheet/{XLSX}", clean=True)
    assert run(ws, "import", *given, "--map", "zh-sheet").exit_code == 0
    path = ws / "dossiers" / "shen-yang-ri-bao-she.yaml"
    path.write_bytes(path.read_bytes() + b"# my own note\n")
    before = dossiers(ws)
    result = run(ws, "import", *given, "--map", "zh-sheet")
    assert result.exit_code == 1
    assert (
        f"import/{XLSX}:客户!A2: error: dossiers/shen-yang-ri-bao-she.yaml exists already; "
        "run the import with --update" in result.output
    )
    assert dossiers(ws) == before


def test_update_adds_new_people_and_reports_a_conflict(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    assert run(ws, "import", *copy_in(ws, f"zh-sheet/{XLSX}", clean=True), "--map", "zh-sheet").exit_code == 0
    path = ws / "dossiers" / "shen-yang-ri-bao-she.yaml"
    before = path.read_text(encoding="utf-8")
    book = openpyxl.Workbook()
    accounts = book.active
    assert accounts is not None
    accounts.title = "客户"
    accounts.append(["客户名称", "行业"])
    accounts.append(["沈阳日报社", "传媒"])
    people = book.create_sheet("联系人")
    people.append(["客户名称", "联系人", "职务", "角色"])
    people.append(["沈阳日报社", "万国立", "董事长", "决策者"])  # the dossier says 社长
    people.append(["沈阳日报社", "孙丽", "采购部经理", "采购"])
    book.save(ws / "import" / "更新.xlsx")
    dry = run(ws, "import", "import/更新.xlsx", "--map", "zh-sheet", "--update", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "dossiers/shen-yang-ri-bao-she.yaml: would add the person 孙丽 (sun-li)" in dry.output
    assert path.read_text(encoding="utf-8") == before
    result = run(ws, "import", "import/更新.xlsx", "--map", "zh-sheet", "--update")
    assert result.exit_code == 0, result.output
    assert (
        "import/更新.xlsx:联系人!C2: warning: conflict: title of wan-guo-li is 董事长 here but 社长 in "
        "dossiers/shen-yang-ri-bao-she.yaml; kept the dossier's" in result.output
    )
    assert "dossiers/shen-yang-ri-bao-she.yaml: added the person 孙丽 (sun-li)" in result.output
    after = path.read_text(encoding="utf-8")
    assert '  - id: sun-li\n    name: "孙丽"\n    title: "采购部经理"\n    roles: [purchasing]\n' in after
    assert (
        after.replace('  - id: sun-li\n    name: "孙丽"\n    title: "采购部经理"\n    roles: [purchasing]\n', "")
        == before
    )
    checked = check_file(path, TODAY)
    assert not checked.errors and checked.dossier is not None and len(checked.dossier.people) == 3
    again = run(ws, "import", "import/更新.xlsx", "--map", "zh-sheet", "--update")
    assert again.exit_code == 0 and "nothing new to import" in again.output
    assert path.read_text(encoding="utf-8") == after


def test_messages_follow_the_workspace_language(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "zh")
    given = copy_in(ws, f"zh-sheet/{XLSX}")
    zh = run(ws, "import", *given, "--map", "zh-sheet", "--dry-run")
    en = run(ws, "--lang", "en", "import", *given, "--map", "zh-sheet", "--dry-run")
    assert zh.exit_code == en.exit_code == 1
    assert f"import/{XLSX}:客户!D4: 错误：" in zh.output
    assert f"import/{XLSX}:客户!D4: error: " in en.output


def test_a_broken_mapping_is_located_without_a_traceback(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    given = copy_in(ws, f"zh-sheet/{XLSX}", clean=True)
    (ws / "map.yaml").write_text(
        "accounts:\n  sheet: 客户\n  colums: {客户名称: name}\npeople:\n  sheet: 联系人\n  account: 客户名称\n"
        "  columns: {联系人: name, 手机: contact.mobil}\n",
        encoding="utf-8",
    )
    result = run(ws, "import", *given, "--map", "map.yaml")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "map.yaml:3:3: error: unknown field 'colums'; did you mean 'columns'?" in result.output
    (ws / "map.yaml").write_text(
        "accounts:\n  sheet: 客户\n  columns: {客户名称: name}\npeople:\n  sheet: 联系人\n  account: 客户名称\n"
        "  columns: {联系人: name, 手机: contact.mobil}\n",
        encoding="utf-8",
    )
    result = run(ws, "import", *given, "--map", "map.yaml")
    assert result.exit_code == 1
    assert (
        "map.yaml:7:28: error: 'contact.mobil' is not a field a column of people can fill; "
        "did you mean 'contact.mobile'?" in result.output
    )
    result = run(ws, "import", *given, "--map", "no-such-map")
    assert result.exit_code == 1 and "no mapping 'no-such-map'" in result.output and "zh-sheet" in result.output


def test_an_unreadable_file_is_named_without_a_traceback(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    (ws / "broken.xlsx").write_text("not a workbook", encoding="utf-8")
    result = run(ws, "import", "broken.xlsx", "--map", "zh-sheet")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "broken.xlsx: error: cannot read the workbook" in result.output
    assert dossiers(ws) == {}


def test_csv_files_that_chinese_excel_saved_as_gbk_are_read(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    (ws / "import").mkdir()
    for name in ("Account.csv", "Contact.csv", "Opportunity.csv"):
        text = (SAMPLES / "salesforce" / "clean" / name).read_text(encoding="utf-8-sig")
        (ws / "import" / name).write_bytes(text.encode("gbk"))
    given = [f"import/{name}" for name in ("Account.csv", "Contact.csv", "Opportunity.csv")]
    result = run(ws, "import", *given, "--map", "salesforce", "--owner", "Li Ming")
    assert result.exit_code == 0, result.output
    shanghai = check_file(ws / "dossiers" / "shang-hai-gang-wu-ji-tuan.yaml", TODAY).dossier
    assert shanghai is not None and shanghai.name == "上海港务集团" and shanghai.people[0].title == "副总经理"


def test_accounts_whose_names_read_alike_in_pinyin_get_their_own_files(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    assert run(ws, "import", *copy_in(ws, f"zh-sheet/{XLSX}", clean=True), "--map", "zh-sheet").exit_code == 0
    book = openpyxl.Workbook()
    accounts = book.active
    assert accounts is not None
    accounts.title = "客户"
    accounts.append(["客户名称", "客户经理"])
    accounts.append(["沈阳日報社", "李明"])  # 報 reads bao like 报: the file name of 沈阳日报社, which exists
    accounts.append(["沈阳曰报社", "李明"])  # 曰 reads yue: a name of its own
    accounts.append(["沈阳日豹社", "李明"])  # 豹 reads bao too
    book.save(ws / "import" / "alike.xlsx")
    before = (ws / "dossiers" / "shen-yang-ri-bao-she.yaml").read_bytes()
    result = run(ws, "import", "import/alike.xlsx", "--map", "zh-sheet")
    assert result.exit_code == 0, result.output
    assert "created dossiers/shen-yang-ri-bao-she-2.yaml" in result.output
    assert "created dossiers/shen-yang-ri-bao-she-3.yaml" in result.output
    assert "created dossiers/shen-yang-yue-bao-she.yaml" in result.output
    assert (ws / "dossiers" / "shen-yang-ri-bao-she.yaml").read_bytes() == before
    second = check_file(ws / "dossiers" / "shen-yang-ri-bao-she-2.yaml", TODAY).dossier
    assert second is not None and second.name == "沈阳日報社"


def write_csv(workspace: Path, name: str, text: str) -> str:
    (workspace / "import").mkdir(exist_ok=True)
    (workspace / "import" / name).write_text(text, encoding="utf-8")
    return f"import/{name}"


def write_map(workspace: Path, text: str) -> str:
    (workspace / "map.yaml").write_text(text, encoding="utf-8")
    return "map.yaml"


EN_MAP = "accounts:\n  file: '*.csv'\n  columns: {Name: name, Industry: industry, Owner: owner, Summary: summary}\n"


def test_a_line_break_in_a_one_line_cell_is_refused_at_its_cell(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    given = write_csv(
        ws,
        "a.csv",
        'Name,Industry,Owner,Summary\n"Acme\nsummary: injected",Tech,Li,\nBeta,Tech,"Li\x07",\n'
        'Gamma,Tech,Li,"two\nlines"\n',
    )
    result = run(ws, "import", given, "--map", write_map(ws, EN_MAP))
    assert result.exit_code == 1
    assert (
        "import/a.csv:A2: error: Name: a line break in a one-line field; write the value on one line" in result.output
    )
    assert "import/a.csv:C3: error: Owner: the control character U+0007 cannot be written" in result.output
    assert "2 errors" in result.output and dossiers(ws) == {}


def test_a_new_dossier_that_would_not_read_back_as_the_sheet_is_refused(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    given = write_csv(ws, "a.csv", "Name,Industry,Owner,Summary\nGamma,Tech,Li,\n")
    template = (Path(__file__).parents[1] / "templates" / "scaffold" / "imported.yaml").read_text(encoding="utf-8")
    (ws / "templates" / "scaffold").mkdir(parents=True)
    (ws / "templates" / "scaffold" / "imported.yaml").write_text(
        template.replace("{{ head }}", "{{ head }}\nindustry: Oops"), encoding="utf-8"
    )  # a workspace's own template that slips
    result = run(ws, "import", given, "--map", write_map(ws, EN_MAP))
    assert result.exit_code == 1, result.output
    assert "import/a.csv:A2: error: the new dossier would not hold what the sheet says" in result.output
    assert dossiers(ws) == {}


def test_an_account_is_found_by_its_name_short_name_or_alias_in_any_file(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    given = write_csv(ws, "a.csv", "Name,Industry,Owner,Summary\nGamma,Tech,Li,\n")
    assert run(ws, "import", given, "--map", write_map(ws, EN_MAP)).exit_code == 0
    path = ws / "dossiers" / "gamma.yaml"
    path.rename(ws / "dossiers" / "g.yaml")
    text = (ws / "dossiers" / "g.yaml").read_text(encoding="utf-8")
    (ws / "dossiers" / "g.yaml").write_text(
        text.replace('name: "Gamma"', 'name: "Gamma Corp"\nshort_name: "ＧＡＭＭＡ"\naliases: ["Delta Ltd"]'),
        encoding="utf-8",
    )
    before = dossiers(ws)
    given = write_csv(ws, "a.csv", "Name,Industry,Owner,Summary\nGamma,Tech,Li,\ndelta  ltd,Tech,Li,\n")
    result = run(ws, "import", given, "--map", "map.yaml")
    assert result.exit_code == 1
    assert "import/a.csv:A2: error: dossiers/g.yaml exists already; run the import with --update" in result.output
    assert "import/a.csv:A3: error: dossiers/g.yaml is this account's dossier, which an earlier row imports" in (
        result.output
    )
    given = write_csv(ws, "a.csv", "Name,Industry,Owner,Summary\ndelta  ltd,Tech,Li,\n")
    result = run(ws, "import", given, "--map", "map.yaml", "--update")
    assert result.exit_code == 0, result.output
    assert dossiers(ws) == before


def test_update_checks_the_dossiers_it_would_edit_before_writing_anything(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    people = "people:\n  file: 'p.csv'\n  account: Account\n  columns: {Account: name, Name: name}\n"
    mapping = write_map(ws, EN_MAP.replace("'*.csv'", "'a.csv'") + people.replace("Account: name, ", ""))
    assert (
        run(
            ws, "import", write_csv(ws, "a.csv", "Name,Owner,Industry,Summary\nGamma,Li,,\n"), "--map", mapping
        ).exit_code
        == 0
    )
    path = ws / "dossiers" / "gamma.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "industri: Tech\n", encoding="utf-8")
    write_csv(ws, "a.csv", "Name,Owner,Industry,Summary\nGamma,Li,Tech,\nBeta,Li,Tech,\n")
    write_csv(ws, "p.csv", "Account,Name\nGamma,Wang Wei\n")
    before = dossiers(ws)
    for dry in (["--dry-run"], []):
        result = run(ws, "import", "import/a.csv", "import/p.csv", "--map", mapping, "--update", *dry)
        assert result.exit_code == 1, result.output
        assert "import/a.csv:A2: error: dossiers/gamma.yaml is not valid, so --update cannot add to it" in result.output
        assert "dossiers/gamma.yaml:" in result.output and "unknown field 'industri'" in result.output
        assert dossiers(ws) == before


def test_reserved_device_names_are_never_file_names(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    given = write_csv(ws, "a.csv", "Name,Owner,Industry,Summary\nCON,Li,,\nNul,Li,,\n")
    result = run(ws, "import", given, "--map", write_map(ws, EN_MAP))
    assert result.exit_code == 0, result.output
    assert set(dossiers(ws)) == {"con-2.yaml", "nul-2.yaml"}


def test_a_mapped_column_missing_from_the_sheet_is_located_with_the_header_it_likely_is(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path)
    book = openpyxl.Workbook()
    accounts = book.active
    assert accounts is not None
    accounts.title = "客户"
    accounts.append(["客户名称", "行 业", "电话号码", "客户经理"])
    accounts.append(["沈阳日报社", "传媒", "024-1234567", "李明"])
    book.save(ws / "客户.xlsx")
    result = run(ws, "--lang", "en", "import", "客户.xlsx", "--map", "zh-sheet", "--dry-run")
    assert result.exit_code == 1, result.output
    assert (
        "客户.xlsx:客户!A1: error: the mapping's column '行业' is not in the header; did you mean '行 业'?"
        in result.output
    )
    assert "客户.xlsx:客户!A1: error: the mapping's column '电话' is not in the header; did you mean '电话号码'?" in (
        result.output
    )
    assert "客户.xlsx:客户!A1: note: not in the header, so not imported: 简称, 区域" in result.output
    mapping = write_map(
        ws,
        "accounts:\n  sheet: 客户\n  columns: {客户名称: name, 电话号码: background.phone, 电话: background.phone}\n",
    )
    result = run(ws, "--lang", "en", "import", "客户.xlsx", "--map", mapping, "--dry-run")
    assert result.exit_code == 1
    assert "map.yaml:3:49: error: the columns '电话号码' and '电话' both fill 'background.phone'" in result.output


def test_names_that_differ_only_in_width_case_or_spaces_are_one_account(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    people = "people:\n  file: 'p.csv'\n  account: Account\n  columns: {Name: name}\n"
    mapping = write_map(ws, EN_MAP.replace("'*.csv'", "'a.csv'") + people)
    write_csv(
        ws,
        "a.csv",
        "Name,Owner,Industry,Summary\nABC科技,Li,,\nＡＢＣ科技,Li,,\nabc 科技,Li,,\n沈阳日報社,Li,,\n沈阳日报社,Li,,\n",
    )
    write_csv(ws, "p.csv", "Account,Name\nABC科技,Wang Wei\nABC科技,wang  wei\n")
    result = run(ws, "import", "import/a.csv", "import/p.csv", "--map", mapping, "--dry-run")
    assert result.exit_code == 1
    assert "import/a.csv:A3: error: account 'ＡＢＣ科技' is listed twice (first at import/a.csv:A2)" in result.output
    assert "import/a.csv:A4: error: account 'abc 科技' is listed twice (first at import/a.csv:A2)" in result.output
    assert "import/p.csv:A3: error: 'wang  wei' of ABC科技 is listed twice (first at import/p.csv:A2)" in result.output
    assert "沈阳日報社" not in result.output and "4 errors" not in result.output  # traditional 報 is its own name


def test_a_formula_is_refused_at_its_cell(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path)
    book = openpyxl.Workbook()
    accounts = book.active
    assert accounts is not None
    accounts.title = "客户"
    accounts.append(["客户名称", "行业", "电话", "客户经理"])
    accounts.append(["沈阳日报社", "传媒", "=A1&B1", "李明"])
    accounts.append(["锦州银行", "金融", '=HYPERLINK("http://x.example","024")', "李明"])
    book.save(ws / "客户.xlsx")
    result = run(ws, "--lang", "en", "import", "客户.xlsx", "--map", "zh-sheet", "--dry-run")
    assert result.exit_code == 1, result.output
    assert "客户.xlsx:客户!C2: error: 电话: a formula; write the value, not a formula" in result.output
    assert "客户.xlsx:客户!C3: error: 电话: a formula; write the value, not a formula" in result.output
    given = write_csv(ws, "a.csv", 'Name,Industry,Owner,Summary\n"=HYPERLINK(""http://x"",""a"")",Tech,Li,\n')
    result = run(ws, "--lang", "en", "import", given, "--map", write_map(ws, EN_MAP), "--dry-run")
    assert result.exit_code == 1 and "import/a.csv:A2: error: Name: a formula; write the value" in result.output
    assert "1 error;" in result.output


def test_the_rows_of_an_account_whose_row_failed_say_nothing_more(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    people = "people:\n  file: 'p.csv'\n  account: Account\n  columns: {Name: name}\n"
    mapping = write_map(ws, EN_MAP.replace("'*.csv'", "'a.csv'") + people)
    write_csv(ws, "a.csv", 'Name,Owner,Industry,Summary\n"Gamma\nLtd",Li,,\nDelta,"Li\x01",,\n')
    write_csv(ws, "p.csv", 'Account,Name\n"Gamma\nLtd",Wang Wei\nDelta,Zhang San\nEpsilon,Li Si\n')
    result = run(ws, "import", "import/a.csv", "import/p.csv", "--map", mapping, "--dry-run")
    assert result.exit_code == 1
    assert "no account 'Gamma" not in result.output and "no account 'Delta'" not in result.output, result.output
    assert "import/p.csv:A4: error: no account 'Epsilon' in the accounts" in result.output
    assert "3 errors" in result.output


def test_a_value_out_of_bounds_is_said_in_the_dossiers_words_with_its_column(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path)
    mapping = write_map(
        ws, "accounts:\n  file: a.csv\n  columns: {名称: name, 员工: background.employees, 经理: owner}\n"
    )
    given = write_csv(ws, "a.csv", "名称,员工,经理\n锦州银行,-5,李明\n")
    result = run(ws, "--lang", "en", "import", given, "--map", mapping, "--dry-run")
    assert result.exit_code == 1
    assert "import/a.csv:B2: error: 员工: employees must be at least 0, got -5" in result.output, result.output
    assert "Input should" not in result.output


def test_salesforce_closed_won_and_closed_lost_are_the_projects_status(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    given = copy_in(ws, "salesforce/Account.csv", "salesforce/Contact.csv", "salesforce/Opportunity.csv", clean=True)
    (ws / "import" / "Opportunity.csv").write_text(
        "Id,AccountId,Name,StageName,Amount,CloseDate\n"
        "0065g0000001,0015g00000AbCdE,Fleet tracking,Closed Won,250000,2026-12-31\n"
        "0065g0000002,0015g00000AbCdE,Cold chain,Closed Lost,,2026-10-31\n"
        "0065g0000003,0015g00000AbCdE,Yard,Closed Wonn,,2026-10-31\n",
        encoding="utf-8",
    )
    result = run(ws, "import", *given, "--map", "salesforce", "--owner", "Li Ming", "--dry-run")
    assert result.exit_code == 1
    assert result.output.count("import/Opportunity.csv:D4: error: StageName: Closed Wonn") == 1, result.output
    lines = (ws / "import" / "Opportunity.csv").read_text(encoding="utf-8").splitlines()
    (ws / "import" / "Opportunity.csv").write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")  # no Closed Wonn
    result = run(ws, "import", *given, "--map", "salesforce", "--owner", "Li Ming")
    assert result.exit_code == 0, result.output
    acme = check_file(ws / "dossiers" / "acme-logistics.yaml", TODAY).dossier
    assert acme is not None
    assert [(p.name, p.stage, p.status) for p in acme.projects] == [
        ("Fleet tracking", "use", "won"),
        ("Cold chain", "compare", "lost"),
    ]


CUSTOM = """      custom_fields:
        account:
          credit_rating:
            type: choice
            label: {en: Credit rating, zh: 信用等级}
            choices: {aaa: {en: AAA, zh: AAA 级}, watch: {en: On watch, zh: 观察}}
          beds: {type: number, label: {en: Beds, zh: 床位数}}
          audited: {type: yesno, label: {en: Audited, zh: 已审计}}
"""


def test_a_column_fills_a_declared_custom_field_typed_by_its_declaration(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path)
    config = (ws / "mkdocs.yml").read_text(encoding="utf-8")
    (ws / "mkdocs.yml").write_text(
        config.replace("      dossiers_dir: dossiers\n", "      dossiers_dir: dossiers\n" + CUSTOM), encoding="utf-8"
    )
    mapping = write_map(
        ws,
        "accounts:\n  file: a.csv\n  columns: {名称: name, 经理: owner, 信用等级: custom.credit_rating,"
        " 床位: custom.beds, 审计: custom.audited}\n",
    )
    write_csv(ws, "a.csv", "名称,经理,信用等级,床位,审计\n锦州银行,李明,观察,1200,是\n沈阳银行,李明,BBB,多,否\n")
    result = run(ws, "--lang", "en", "import", "import/a.csv", "--map", mapping)
    assert result.exit_code == 1
    assert "import/a.csv:C3: error: 信用等级: BBB is not one of: aaa, watch" in result.output, result.output
    assert "import/a.csv:D3: error: 床位: 多 is not a number" in result.output
    write_csv(ws, "a.csv", "名称,经理,信用等级,床位,审计\n锦州银行,李明,观察,1200,是\n沈阳银行,李明,aaa,300,否\n")
    result = run(ws, "--lang", "en", "import", "import/a.csv", "--map", mapping)
    assert result.exit_code == 0, result.output
    checked = check_file(
        ws / "dossiers" / "jin-zhou-yin-hang.yaml",
        TODAY,
        fields=open_workspace(ws / "mkdocs.yml").settings.custom_fields,
    )
    assert checked.dossier is not None and not checked.errors
    assert checked.dossier.custom == {"credit_rating": "watch", "beds": 1200.0, "audited": True}
    assert "credit_rating" in (ws / "dossiers" / "dossier.schema.json").read_text(encoding="utf-8")
    bad = write_map(ws, "accounts:\n  file: a.csv\n  columns: {名称: name, 信用等级: custom.credit_ratin}\n")
    result = run(ws, "--lang", "en", "import", "import/a.csv", "--map", bad)
    assert "did you mean 'custom.credit_rating'?" in result.output


def test_broken_csv_rows_stray_cells_and_an_unread_sheet(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    mapping = write_map(ws, EN_MAP)
    given = write_csv(ws, "a.csv", 'Name,Industry,Owner,Summary\nGamma,Tech,Li,\n"Delta,Tech,Li,\n')
    result = run(ws, "import", given, "--map", mapping, "--dry-run")
    assert result.exit_code == 1 and "import/a.csv:A3: error: not a readable CSV row (from line 3)" in result.output
    given = write_csv(ws, "a.csv", "Name,Industry,Owner,Summary\nGamma,Tech,Li,,lost\n")
    result = run(ws, "import", given, "--map", mapping, "--dry-run")
    assert result.exit_code == 1 and "import/a.csv:E2: error: a cell under no header would be lost" in result.output
    result = run(ws, "import", given, "--map", "zh_sheet")
    assert result.exit_code == 1 and "did you mean 'zh-sheet'?" in result.output
    book = openpyxl.Workbook()
    accounts = book.active
    assert accounts is not None
    accounts.title = "客户"
    accounts.append(["客户名称", "客户经理"])
    accounts.append(["锦州银行", "李明"])
    notes = book.create_sheet("备忘")  # a sheet the mapping does not read
    notes.append(["日期", "日期"])
    visits = book.create_sheet("拜访")
    visits.append(["客户名称", "日期"])
    visits.append(["锦州银行", TODAY.replace(year=TODAY.year - 1).isoformat()])
    visits.append(["锦州银行", TODAY.replace(year=TODAY.year + 1).isoformat()])
    book.save(ws / "客户.xlsx")
    result = run(ws, "import", "客户.xlsx", "--map", "zh-sheet")
    assert result.exit_code == 0, result.output
    bank = check_file(ws / "dossiers" / "jin-zhou-yin-hang.yaml", TODAY).dossier
    assert bank is not None and [v.status for v in bank.visits] == ["done", "planned"]


def test_an_edit_that_fails_takes_back_the_dossiers_the_import_created(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    people = "people:\n  file: 'p.csv'\n  account: Account\n  columns: {Name: name}\n"
    mapping = write_map(ws, EN_MAP.replace("'*.csv'", "'a.csv'") + people)
    write_csv(ws, "p.csv", "Account,Name\n")
    assert run(ws, "import", write_csv(ws, "a.csv", "Name,Owner,Industry,Summary\nGamma,Li,,\n"), "--map", mapping)
    path = ws / "dossiers" / "gamma.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("people: []", 'people: [{id: wang-wei, name: "Wang Wei"}]'),
        encoding="utf-8",
    )  # valid, but in a layout kadossier does not edit
    before = dossiers(ws)
    write_csv(ws, "a.csv", "Name,Owner,Industry,Summary\nGamma,Li,,\nBeta,Li,,\n")
    write_csv(ws, "p.csv", "Account,Name\nGamma,Zhang San\n")
    result = run(ws, "import", "import/a.csv", "import/p.csv", "--map", mapping, "--update")
    assert result.exit_code == 1 and "this list is written on one line" in result.output, result.output
    assert dossiers(ws) == before  # beta.yaml was created, then taken back


def test_a_utf16_csv_file_is_read(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path, "en")
    (ws / "a.csv").write_bytes("Name,Industry,Owner,Summary\n锦州银行,金融,李明,\n".encode("utf-16"))
    result = run(ws, "import", "a.csv", "--map", write_map(ws, EN_MAP))
    assert result.exit_code == 0, result.output
    assert "created dossiers/jin-zhou-yin-hang.yaml" in result.output


def test_a_comma_that_separates_no_thousands_is_not_read_as_one(tmp_path: Path) -> None:
    """1,5 is a decimal comma or a slip, never 15; 1,500 and 12，000 (a full-width comma) are thousands."""
    ws = new_workspace(tmp_path)
    mapping = write_map(
        ws, "accounts:\n  file: a.csv\n  columns: {名称: name, 员工: background.employees, 经理: owner}\n"
    )
    given = write_csv(ws, "a.csv", '名称,员工,经理\n锦州银行,"1,5",李明\n营口港,"1,500",李明\n大连港,"12，000",李明\n')
    result = run(ws, "--lang", "en", "import", given, "--map", mapping, "--dry-run")
    assert result.exit_code == 1
    assert (
        "import/a.csv:B2: error: 员工: 1,5 is not a number: a comma separates thousands (1,500), a point starts the "
        "decimals (1.5)"
    ) in result.output, result.output
    assert "a.csv:B3" not in result.output and "a.csv:B4" not in result.output
