"""The pipeline over time, with real git: weekly open and weighted pipeline per currency, projects per stage,
stage movements of the last 30 and 90 days, renames, an invalid old version, a deleted file, the summaries'
cache, the SVG charts, and the Pipeline page and dashboard of a real build."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kadossier.dossier.vocab import Stage
from kadossier.history.git import read
from kadossier.history.trends import Trends, compute
from kadossier.render.charts import Charts
from kadossier.render.present import Presenter, load_labels

from .conftest import TODAY, build, git
from .test_pdf import text

SVG = "{http://www.w3.org/2000/svg}"


def dossier(name: str, *projects: str) -> str:
    return f"schema_version: 1\nname: {name}\nprojects:\n" + "".join(projects)


def project(ident: str, stage: str, amount: int, currency: str | None = None, status: str = "open") -> str:
    value = f"{{amount: {amount}, currency: {currency}}}" if currency else str(amount)
    return f"  - id: {ident}\n    name: Project {ident}\n    stage: {stage}\n    status: {status}\n    value: {value}\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Two accounts, seven commits: a forward move (20 Oct), an invalid version (25 Oct), a rename (1 Nov), a
    forward move and a loss (2 Nov), a win and a backward move (10 Nov), and the renamed file deleted (15 Nov)."""
    folder = tmp_path / "dossiers"
    folder.mkdir()
    a, b = folder / "alpha.yaml", folder / "beta.yaml"
    git(tmp_path, "init", "-q", "-b", "main")
    a.write_text(dossier("甲公司", project("p1", "design", 1000, "CNY"), project("p2", "trust", 500, "EUR")))
    b.write_text(dossier("Beta", project("q1", "trust", 2000), project("q2", "compare", 3000)))
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "accounts", day="2026-10-01")
    a.write_text(dossier("甲公司", project("p1", "compare", 1000, "CNY"), project("p2", "trust", 500, "EUR")))
    git(tmp_path, "commit", "-qam", "p1 to compare", author="Bob Sales", day="2026-10-20")
    b.write_text("schema_version: 1\nname: [Beta\nprojects: {\n")  # does not parse: the version before stands
    git(tmp_path, "commit", "-qam", "broken", day="2026-10-25")
    git(tmp_path, "mv", "dossiers/beta.yaml", "dossiers/gamma.yaml")
    git(tmp_path, "commit", "-qm", "beta is gamma now", day="2026-11-01")
    (folder / "gamma.yaml").write_text(
        dossier("Beta", project("q1", "commit", 2000), project("q2", "compare", 3000, status="lost"))
    )
    git(tmp_path, "commit", "-qam", "q1 to commit, q2 lost", author="陈静", day="2026-11-02")
    a.write_text(
        dossier("甲公司", project("p1", "compare", 1000, "CNY", status="won"), project("p2", "interest", 500, "EUR"))
    )
    git(tmp_path, "commit", "-qam", "p1 won, p2 back", author="Carol", day="2026-11-10")
    git(tmp_path, "rm", "-q", "dossiers/gamma.yaml")
    git(tmp_path, "commit", "-qm", "gamma gone", day="2026-11-15")
    return tmp_path


def trends_of(repo: Path, cache: Path | None = None) -> Trends:
    return compute(read(repo / "dossiers"), TODAY, "CNY", cache)


def test_weekly_pipeline_per_currency_computed_by_hand(repo: Path) -> None:
    trends = trends_of(repo)
    # weeks end on TODAY (23 Nov) and every 7 days before, back to the first commit (1 Oct)
    assert trends.days == [dt.date(2026, 10, 5) + dt.timedelta(weeks=n) for n in range(8)]
    assert trends.days[-1] == TODAY
    # CNY: p1 1000 (design 20% -> compare 30%, won 10 Nov), q1 2000 (trust 10% -> commit 50%), q2 3000 (compare
    # 30%, lost 2 Nov); the invalid version of 25 Oct leaves beta's first version standing; gamma deleted 15 Nov
    assert trends.value("CNY") == [6000, 6000, 6000, 6000, 3000, 3000, 0, 0]
    assert trends.weighted("CNY") == [1300, 1300, 1300, 1400, 1300, 1300, 0, 0]
    # EUR kept apart: p2 500 at trust (10%), then interest (5%) from 10 Nov
    assert trends.value("EUR") == [500] * 8
    assert trends.weighted("EUR") == [50, 50, 50, 50, 50, 50, 25, 25]
    assert trends.currencies == ["EUR", "CNY"]  # the largest now first
    assert trends.main_currency("CNY") == "CNY"
    counts = trends.stage_counts()
    assert counts[Stage.TRUST] == [2, 2, 2, 2, 1, 1, 0, 0]
    assert counts[Stage.DESIGN] == [1, 1, 1, 0, 0, 0, 0, 0]
    assert counts[Stage.COMPARE] == [1, 1, 1, 2, 1, 1, 0, 0]
    assert counts[Stage.COMMIT] == [0, 0, 0, 0, 1, 1, 0, 0]
    assert counts[Stage.INTEREST] == [0, 0, 0, 0, 0, 0, 1, 1]
    assert [w.totals.count for w in trends.weeks] == [4, 4, 4, 4, 3, 3, 1, 1]


def test_stage_movements_of_the_last_30_and_90_days(repo: Path) -> None:
    trends = trends_of(repo)
    moves = [
        (m.day.isoformat(), m.account, m.project, m.kind, m.old.value, m.new.value, m.author) for m in trends.movements
    ]
    assert moves == [
        ("2026-11-10", "alpha", "p2", "backward", "trust", "interest", "Carol"),
        ("2026-11-10", "alpha", "p1", "won", "compare", "compare", "Carol"),
        # the renamed file keeps its history (its name now), compared with the last good version
        ("2026-11-02", "gamma", "q2", "lost", "compare", "compare", "陈静"),
        ("2026-11-02", "gamma", "q1", "forward", "trust", "commit", "陈静"),
        ("2026-10-20", "alpha", "p1", "forward", "design", "compare", "Bob Sales"),
    ]
    assert trends.counts(30) == {"forward": 1, "backward": 1, "won": 1, "lost": 1}
    assert trends.counts(90) == {"forward": 2, "backward": 1, "won": 1, "lost": 1}
    won = trends.movements[1]
    assert won.account_name == "甲公司" and won.value is not None
    assert (won.value.amount, won.value.currency) == (1000, "CNY")
    assert len(won.commit) == 8


def test_only_commits_up_to_today_count(repo: Path) -> None:
    trends = compute(read(repo / "dossiers"), dt.date(2026, 10, 22), "CNY", None)
    assert trends.days[-1] == dt.date(2026, 10, 22)
    assert trends.weighted("CNY")[-1] == 1400  # p1 at compare since 20 Oct; nothing after 22 Oct
    assert trends.counts(90) == {"forward": 1, "backward": 0, "won": 0, "lost": 0}


def test_account_series(repo: Path) -> None:
    trends = trends_of(repo)
    assert trends.account("alpha") == {"CNY": [1000] * 6 + [0, 0], "EUR": [500] * 8}
    assert trends.account("gamma") == {"CNY": [5000] * 4 + [2000, 2000, 0, 0]}
    assert trends.account("nobody") == {}


def test_summaries_are_cached_by_content(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = trends_of(repo, cache)
    assert first.parsed == 6  # alpha 3 versions, beta/gamma 3 (the rename kept the broken content's id)
    entries = json.loads(next(cache.iterdir()).read_bytes())
    assert len(entries) == 6
    assert sum(1 for e in entries.values() if e is None) == 1  # the broken version is remembered as broken
    again = trends_of(repo, cache)
    assert again.parsed == 0
    assert [w.totals.weighted for w in again.weeks] == [w.totals.weighted for w in first.weeks]
    assert again.movements == first.movements
    alpha = repo / "dossiers" / "alpha.yaml"
    alpha.write_text(alpha.read_text().replace("stage: interest", "stage: use"))
    git(repo, "commit", "-qam", "p2 to use", day="2026-11-20")
    after = trends_of(repo, cache)
    assert after.parsed == 1
    assert after.weighted("EUR")[-1] == 400  # use: 80%
    assert after.counts(30)["forward"] == 2


def test_no_history_says_why(tmp_path: Path) -> None:
    (tmp_path / "dossiers").mkdir()
    trends = compute(read(tmp_path / "dossiers"), TODAY, "CNY", tmp_path / "cache")
    assert not trends.available and trends.note == "not a git repository"
    assert trends.weeks == [] and not (tmp_path / "cache").exists()


def presenter(language: str) -> Presenter:
    return Presenter(language, "CNY", TODAY, load_labels(language))


def test_svg_chart_is_valid_xml_with_chinese_labels_as_text(repo: Path) -> None:
    trends = trends_of(repo)
    svg = str(Charts(presenter("zh")).pipeline(trends, "CNY"))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("width") == "100%" and root.get("viewBox")
    assert "height" not in root.attrib  # scales with its container
    title = root.find(f"{SVG}title")
    assert title is not None and title.text is not None and "CNY" in title.text and "图表" in title.text
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "在谈金额" in texts and "加权金额" in texts  # the legend, as text (svg.fonttype none)
    assert any(t.startswith("¥") for t in texts)  # the axis in the presenter's money format
    assert "Noto Sans CJK SC" in svg and "<path" in svg
    stages = ET.fromstring(str(Charts(presenter("zh")).stages(trends)))
    labels = ["".join(t.itertext()) for t in stages.iter(f"{SVG}text")]
    assert {"兴趣", "比较", "承诺"} <= set(labels)
    english = str(Charts(presenter("en")).stages(trends))
    assert ">Interest<" in english and "兴趣" not in english


def test_account_chart_needs_two_weeks_with_a_value(repo: Path) -> None:
    trends = trends_of(repo)
    charts = Charts(presenter("en"), "'Kadossier Sans', sans-serif")
    chart = str(charts.account(trends, "alpha"))
    assert "Open pipeline (CNY)" in chart and "Open pipeline (EUR)" in chart and "&#39;Kadossier Sans&#39;" in chart
    assert str(charts.account(trends, "nobody")) == ""  # no history
    one_week = compute(read(repo / "dossiers"), dt.date(2026, 10, 3), "CNY", None)
    assert len(one_week.weeks) == 1 and str(charts.account(one_week, "alpha")) == ""
    assert str(charts.account(None, "alpha")) == ""
    assert "在谈金额（EUR）" in str(Charts(presenter("zh")).account(trends, "alpha"))


def test_site_pipeline_page_and_dashboard_show_the_charts(workspace: Path) -> None:
    dossiers = workspace / "dossiers"
    git(workspace, "init", "-q", "-b", "main")
    git(workspace, "add", ".")
    git(workspace, "commit", "-qm", "dossiers", day="2026-09-01")
    path = dossiers / "shenyang-daily.yaml"
    content = path.read_text(encoding="utf-8")
    assert "stage: compare" in content
    path.write_text(content.replace("stage: compare", "stage: commit", 1), encoding="utf-8")
    git(workspace, "commit", "-qam", "to commit", author="陈静", day="2026-11-20")
    site = build(workspace, pdf=True)
    page = (site / "pipeline" / "index.html").read_text(encoding="utf-8")
    assert 'id="pipeline-over-time"' in page
    assert page.count("<svg") >= 2 and 'role="img"' in page and "Open projects per stage" in page
    assert "陈静" in page and "Forward" in page and 'class="kad-move-forward"' in page
    assert (workspace / ".kadossier-cache" / "trends").is_dir()
    dashboard = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="kad-chart kad-chart-dashboard"' in dashboard and "pipeline/#pipeline-over-time" in dashboard
    # the account pack shows the account's own pipeline over time, its text drawn in the PDF's font
    pack = text(site / "pdf" / "shenyang-daily.pdf")
    assert "Pipeline over time" in pack and "Open pipeline (CNY)" in pack and "CN¥20M" in pack


def test_site_without_history_says_why(workspace: Path) -> None:
    site = build(workspace)
    page = (site / "pipeline" / "index.html").read_text(encoding="utf-8")
    assert "No pipeline over time: not a git repository." in page
    assert "<svg" not in page.split('id="pipeline-over-time"')[1].split("<h2")[0]
