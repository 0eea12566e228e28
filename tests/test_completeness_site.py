"""The method on the site and in the pack: the completeness score against the grade's bar (header, dashboard,
each project), what we still need to find out, targets and approaches, a visit's duration and confirmation —
in the real MkDocs build and the real WeasyPrint pack, in English and in Chinese."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kadossier.cli import main
from tests.conftest import EXAMPLES, PROFILES, ROOT, TODAY, build
from tests.test_zh_documents import pdf_text, visible_text

BINHAI = "binhai-hospital"


def make(root: Path, language: str) -> Path:
    (root / "dossiers").mkdir(parents=True)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config.replace("language: en", f"language: {language}"), encoding="utf-8")
    for path in EXAMPLES.glob("*.yaml"):
        shutil.copyfile(path, root / "dossiers" / path.name)
    shutil.copyfile(PROFILES, root / PROFILES.name)
    return root


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {lang: build(make(tmp_path_factory.mktemp(lang), lang)) for lang in ("en", "zh")}


def page(site: Path, account: str = BINHAI) -> str:
    return (site / "accounts" / account / "index.html").read_text(encoding="utf-8")


def shown(html: str) -> str:
    """The visible text, without the space that joining the elements' texts puts before a colon."""
    return visible_text(html).replace(" :", ":").replace(" ：", "：")


def test_the_account_page_scores_it_against_its_grade(sites: dict[str, Path]) -> None:
    text = shown(page(sites["en"]))
    # 滨海一院 is 47% complete (tests/test_method.py computes it by hand); grade A's bar is 80%
    assert "Completeness 47% bar 80% for grade A" in text
    assert re.search(r'class="kad-complete kad-below-bar">47%</a>', page(sites["en"]))
    assert "33% complete · What we still need to find out: the procurement plan, the problem the project must " in text
    section = text[text.index("What we still need to find out 47% complete") :]
    assert "The account: its annual purchase volume, its purchase pattern" in section
    assert "检验科自动化流水线: the procurement plan, the problem the project must solve, the budget" in section
    assert "钱卫东: whom they report to" in section and "赵敏华: the coach's personal profile" in section
    shenyang = shown(page(sites["en"], "shenyang-daily"))
    assert (
        "Completeness 99% bar 80% for grade A" in shenyang
        and "李振华: the decision maker's personal profile" in shenyang
    )


def test_targets_approaches_and_appointments_on_the_page(sites: dict[str, Path]) -> None:
    text = shown(page(sites["en"]))
    assert (
        "Relationship: Met Target: Trusted Approach: 邀请她参观青岛样板医院的流水线 帮她准备科室的效率提升数据" in text
    )
    html = page(sites["en"])
    assert 'class="kad-chip kad-target kad-below-target"' in html
    tour = text[text.index("2 Dec 2026 09:00 · Visit Planned") :]
    assert tour.startswith("2 Dec 2026 09:00 · Visit Planned confirmed 90 min")
    assert "3 Dec 2026 14:00 · Visit Planned to confirm 45 min" in text


def test_the_chinese_page_says_it_in_chinese(sites: dict[str, Path]) -> None:
    text = shown(page(sites["zh"]))
    assert "档案完整度 47% A 级客户要求 80%" in text
    assert "检验科自动化流水线：采购计划、项目要解决的问题、采购预算" in text
    assert "目标关系：信赖" in text and "推进方法：" in text and "待确认" in text and "90 分钟" in text
    assert "还需了解的信息" in text


def test_the_dashboard_sorts_by_completeness(sites: dict[str, Path]) -> None:
    html = (sites["en"] / "index.html").read_text(encoding="utf-8")
    header = html[html.index('<table class="kad-table sortable kad-accounts">') :]
    header = header[: header.index("</thead>")]
    assert '<th data-sort-method="number">Completeness</th>' in header
    rows = re.findall(r'<td class="kad-num( kad-stale-cell)?" data-sort="(\d+)">(\d+)%</td>', html)
    scores = {int(sort): bool(low) for low, sort, shown in rows if sort == shown}
    assert scores[47] is True and scores[99] is False  # below A's bar is marked; 晨光日报 is not


def test_the_pack_shows_the_score_the_gaps_and_the_plans(tmp_path: Path) -> None:
    root = make(tmp_path / "ws", "en")
    out = tmp_path / "pack.pdf"
    result = CliRunner().invoke(main, ["-C", str(root), "--today", TODAY.isoformat(), "pdf", BINHAI, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = pdf_text(out)
    assert re.search(r"Days since review Completeness .{0,60} 47% Value assessment", text)  # the glance page
    assert "Name Attitude Relationship Target Approach Influence Last contact" in text  # the coverage table
    assert "Recognized 通过检验科主任引荐" in text
    assert "What we still need to find out 47% complete bar 80% for grade A" in text
    assert "33% complete · What we still need to find out: the procurement plan" in text


def test_the_visits_page_marks_the_visits_to_confirm(sites: dict[str, Path]) -> None:
    html = (sites["en"] / "visits" / "index.html").read_text(encoding="utf-8")
    wanted = ("约定参观青岛样板医院的日期", "了解招标时间表和技术评分办法")
    rows = {row for row in html.split("<tr>") if any(objective in row for objective in wanted)}
    marked = {("约定参观" in row, "kad-unconfirmed" in row) for row in rows}
    assert marked == {(True, False), (False, True)}  # the lab tour is confirmed, the equipment visit is not
