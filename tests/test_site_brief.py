"""The visit's brief page in the site: one per planned visit, the content of the PDF brief (one template for
both), linked from everywhere the visit is shown and from the calendar event, redacted in the redacted
edition, made again when the dossier changes, and readable at 360 px without sideways scrolling (real
`kadossier build`s of the example workspace and of the zh reference dossiers, a real headless Chromium)."""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
import yaml

from .conftest import SHARED_REFERENCE, build, example_workspace, zh_reference_workspace
from .test_browser import launch_chromium, open_page, serve_folder, shoot

WORKSHOP = "briefs/shenyang-daily/2026-11-28-workshop/index.html"
SITE_URL = "https://wiki.example.com/"


def zh_workspace(folder: Path) -> Path:
    """The zh workspace of the two reference dossiers, with a site URL (the calendar's events link pages)."""
    zh_reference_workspace(folder)
    with (folder / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write(f"site_url: {SITE_URL}\n")
    return folder


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(zh_workspace(tmp_path_factory.mktemp("zh") / "ws"), pdf=True)


@pytest.fixture(scope="module")
def en_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(example_workspace(tmp_path_factory.mktemp("en")))


def workshop() -> dict[str, object]:
    """The reference's workshop visit, as its dossier writes it."""
    data = yaml.safe_load((SHARED_REFERENCE / "shenyang-daily.yaml").read_text(encoding="utf-8"))
    visit: dict[str, object] = next(v for v in data["visits"] if v["id"] == "2026-11-28-workshop")
    return visit


def text_of(html: str) -> str:
    """The page's text, tags and spaces taken out (CJK text runs are matched whole)."""
    return re.sub(r"\s+", "", re.sub(r"<[^>]*>", " ", html)).replace("&amp;", "&")


def brief_of(html: str) -> str:
    """The brief's box of a site page (what templates/shared/brief.html made, and its links)."""
    return html[html.index('<div class="kad-brief">') : html.index("</article>")]


def test_a_brief_page_for_each_planned_visit_and_none_for_the_others(en_site: Path) -> None:
    examples = Path(__file__).resolve().parent.parent / "dossiers"
    planned, others = [], []
    for path in examples.glob("*.yaml"):
        for v in yaml.safe_load(path.read_text(encoding="utf-8"))["visits"]:
            page = en_site / "briefs" / path.stem / v["id"] / "index.html"
            (planned if v["status"] == "planned" else others).append(page)
    assert len(planned) >= 5 and len(others) >= 3
    assert [p for p in planned if not p.is_file()] == []
    assert [p for p in others if p.exists()] == []
    assert {p.parent for p in (en_site / "briefs").rglob("index.html")} == {p.parent for p in planned}


def test_the_workshop_brief_holds_the_visit(zh_site: Path) -> None:
    page = text_of(brief_of((zh_site / WORKSHOP).read_text(encoding="utf-8")))
    v = workshop()
    shown = [v["objective"], v["location"], *v["questions"], *v["materials"], v["gifts"]]  # type: ignore[list-item]
    shown += [text for o in v["objections"] for text in (o["objection"], o["response"])]  # type: ignore[attr-defined]
    shown += ["张伟·技术质量科科长", "刘强·印刷车间主任", "技术把关者", "支持者", "话题切入点", "篮球", "一只柯基"]
    shown += ["相关项目：2027年度新闻纸框架采购", "上次拜访", "2026年11月10日", "未确认——请电话预约"]
    assert [s for s in shown if re.sub(r"\s+", "", str(s)) not in page] == []
    assert page.startswith("客户页面·拜访简报（PDF）拜访简报·拜访·计划中沈阳晨光日报社")


def test_the_promises_and_what_to_find_out(en_site: Path) -> None:
    html = (en_site / "briefs/hengrui-parts/2026-12-05-demo/index.html").read_text(encoding="utf-8")
    assert 'id="promises"' in html and 'id="find-out"' in html
    promised = text_of(html[html.index('id="promises"') : html.index('id="find-out"')])
    assert "一周内提供故障对比数据" in promised and "提供现用机器人停机记录" in promised  # ours and theirs


def test_the_pdf_brief_has_the_same_content(zh_site: Path) -> None:
    """The PDF is made from the same template: every text of the page's brief is in the PDF's text too."""
    pdf = zh_site / "pdf/shenyang-daily/2026-11-28-workshop.pdf"
    text = re.sub(
        r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    )
    html = brief_of((zh_site / WORKSHOP).read_text(encoding="utf-8"))
    html = html[html.index('<header class="brief-head">') :]  # the links above are the page's own
    cells = [re.sub(r"\s+", "", c) for c in re.split(r"<[^>]*>", html)]
    assert [c for c in cells if c and c not in text and c != "•"] == []
    headings = re.findall(r'<h[12][^>]*\sid="([^"]+)"', html)
    assert headings[:4] == ["visit", "attendees", "person-zhang-kezhang", "person-liu-chejian"]
    assert "previous" in headings and "project" in headings


def href_to(html: str, page: str, target: str) -> bool:
    """Whether a page (its path in the site) links `target` (a folder of the site) with a relative link."""
    here = posixpath.dirname(page)
    links = {posixpath.normpath(posixpath.join(here, h.split("#")[0])) for h in re.findall(r'href="([^"]+)"', html)}
    return posixpath.normpath(target) in links


@pytest.mark.parametrize(
    "page",
    [
        "visits/index.html",
        "accounts/shenyang-daily/index.html",
        "people/lin-qiang/index.html",
        "index.html",
    ],
)
def test_where_the_visit_is_shown_it_links_its_brief(zh_site: Path, page: str) -> None:
    html = (zh_site / page).read_text(encoding="utf-8")
    assert href_to(html, page, posixpath.dirname(WORKSHOP))
    assert not href_to(html, page, "briefs/shenyang-daily/2026-11-10-first-call")  # done: no brief


def test_the_brief_links_its_account_and_its_pdf(zh_site: Path) -> None:
    html = (zh_site / WORKSHOP).read_text(encoding="utf-8")
    assert href_to(html, WORKSHOP, "accounts/shenyang-daily")
    assert href_to(html, WORKSHOP, "pdf/shenyang-daily/2026-11-28-workshop.pdf")
    assert (zh_site / "pdf/shenyang-daily/2026-11-28-workshop.pdf").is_file()
    assert "briefs/" not in (zh_site / "visits/index.html").read_text(encoding="utf-8").split('class="md-content"')[0]


def test_the_calendar_event_opens_the_brief(zh_site: Path) -> None:
    calendar = icalendar.Calendar.from_ical((zh_site / "visits.ics").read_bytes())
    urls = {str(e["uid"]): str(e["url"]) for e in calendar.walk("VEVENT")}
    assert (
        urls["shenyang-daily.2026-11-28-workshop@kadossier"] == f"{SITE_URL}briefs/shenyang-daily/2026-11-28-workshop/"
    )
    done = urls["shenyang-daily.2026-11-10-first-call@kadossier"]
    assert done == f"{SITE_URL}accounts/shenyang-daily/#visit-2026-11-10-first-call"


def test_the_redacted_brief_has_no_personal_data(tmp_path: Path, zh_site: Path) -> None:
    site = build(zh_workspace(tmp_path / "ws"), "--redact")
    page = text_of((site / WORKSHOP).read_text(encoding="utf-8"))
    assert "向技术质量科提交化验对比报告" in page
    full = text_of((zh_site / WORKSHOP).read_text(encoding="utf-8"))
    for personal in ("话题切入点", "篮球", "一只柯基"):  # the profile: in the full edition only
        assert personal in full and personal not in page


def test_a_changed_dossier_makes_its_brief_again(tmp_path: Path) -> None:
    root = example_workspace(tmp_path)
    site = build(root)
    page = site / WORKSHOP
    before = page.read_text(encoding="utf-8")
    dossier = root / "dossiers" / "shenyang-daily.yaml"
    text = dossier.read_text(encoding="utf-8")
    objective = re.search(r"id: 2026-11-28-workshop\n(?:    .*\n)*?    objective: (.*)\n", text)
    assert objective is not None and objective[1].replace(" ", "") in text_of(before)
    dossier.write_text(text.replace(objective[1], "带上新的化验报告第二版"), encoding="utf-8")
    build(root)
    assert "带上新的化验报告第二版" in page.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def zh_server(zh_site: Path) -> Iterator[str]:
    yield from serve_folder(zh_site)


@pytest.fixture(scope="module")
def en_server(en_site: Path) -> Iterator[str]:
    yield from serve_folder(en_site)


@pytest.mark.parametrize(("language", "brief"), [("zh", WORKSHOP), ("en", "briefs/hengrui-parts/2026-12-05-demo/")])
def test_the_brief_reads_on_a_phone_without_sideways_scrolling(
    request: pytest.FixtureRequest, language: str, brief: str
) -> None:
    url = request.getfixturevalue(f"{language}_server") + brief.removesuffix("index.html")
    errors: list[str] = []
    with launch_chromium() as browser:
        page = open_page(browser, url, errors)
        page.set_viewport_size({"width": 360, "height": 800})
        page.wait_for_timeout(200)
        width = page.evaluate("document.documentElement.scrollWidth")
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('.kad-brief *')].map(e => e.getBoundingClientRect().right))"
        )
        shoot(page, f"brief-{language}-360")
    assert errors == []
    assert width <= 360
    assert widest <= 360


def test_search_finds_the_account_page_not_its_briefs(zh_site: Path) -> None:
    """A brief repeats its account page: search lists the account page, once, not every brief of it."""
    index = json.loads((zh_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "accounts/shenyang-daily/" in locations
    assert [loc for loc in locations if loc.startswith("briefs/")] == []


def test_a_brief_is_cached_and_made_again_when_an_answer_elsewhere_changes(tmp_path: Path) -> None:
    root = example_workspace(tmp_path)
    site = build(root)
    page = site / WORKSHOP
    assert "用停机损失折算综合成本" in text_of(page.read_text(encoding="utf-8"))  # 海滨报业's answer, used elsewhere
    # cached: a build that runs because another dossier changed takes the brief from the cache
    entries = [
        p for p in (root / ".kadossier-cache" / "site").glob("*.json") if '"search_html"' in p.read_text("utf-8")
    ]
    cached = next(
        p for p in entries if "2026-11-28-workshop" in p.read_text("utf-8") and '"dossier"' not in p.read_text("utf-8")
    )
    cached.write_text(cached.read_text("utf-8").replace("向技术质量科提交化验对比报告", "CACHED-BRIEF"), "utf-8")
    northwind = root / "dossiers" / "northwind-grid.yaml"
    northwind.write_text(northwind.read_text("utf-8") + "\n# touched\n", "utf-8")
    build(root)
    assert "CACHED-BRIEF" in page.read_text(encoding="utf-8")
    # an answer at another account changes what the brief shows: it is made again
    haibin = root / "dossiers" / "haibin-press.yaml"
    haibin.write_text(haibin.read_text("utf-8").replace("用停机损失折算综合成本}", "按吨纸算清停机损失}"), "utf-8")
    build(root)
    shown = text_of(page.read_text(encoding="utf-8"))
    assert "按吨纸算清停机损失" in shown and "CACHED-BRIEF" not in shown
