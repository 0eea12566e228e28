"""Readable without colour and with a screen reader: tagged PDFs (PDF/UA) with the document's language, a
reading order that keeps each label of the "at a glance" grid with its value and each note in its table row,
the org chart's attitudes in words and in border styles, and its text alternative (who reports to whom) in
the PDF's tag tree and on the site. PDFs are read back with poppler (pdfinfo, pdftotext) and pypdf (the
structure tree, its marked content mapped to text); the chart's border styles are WeasyPrint's computed
styles."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pypdf
import pytest
from pypdf.generic import IndirectObject
from weasyprint import HTML

from kadossier.dossier.portfolio import Account
from kadossier.dossier.validate import check_file
from kadossier.pdf import fonts
from kadossier.pdf.render import Job, Renderer
from kadossier.render.present import Presenter, load_labels

from .conftest import EXAMPLES, ROOT, TODAY, build

LANGS = {"en": "en", "zh": "zh-Hans"}
PACK, BRIEF = "shenyang-daily.pdf", "shenyang-daily/2026-11-28-workshop.pdf"
GLANCE = ["open_pipeline", "weighted_pipeline", "open_projects", "red_flag_count", "next_visit", "last_contact",
          "days_since_review", "completeness", "value_assessment"]  # fmt: skip


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Chinese workspace with the Chinese reference dossier, built with its PDFs."""
    folder = tmp_path_factory.mktemp("zh-a11y")
    (folder / "dossiers").mkdir()
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("language: en", "language: zh")
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copy(EXAMPLES / "shenyang-daily.yaml", folder / "dossiers")
    shutil.copy(ROOT / "competitors.yaml", folder)
    return build(folder, "--strict", pdf=True)


def sites(site: Path, zh_site: Path) -> dict[str, Path]:
    return {"en": site, "zh": zh_site}


def lines(pdf: Path) -> list[str]:
    """The PDF's text as pdftotext reads it (its own reading order, from the layout), one line each."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True)
    return [line.strip() for line in out.stdout.splitlines() if line.strip()]


# --- the tag tree, read back ---------------------------------------------------------------------------------


def marked_text(page: pypdf.PageObject) -> dict[int, str]:
    """The text of each marked-content sequence (MCID) of a page."""
    texts: dict[int, list[str]] = {}
    stack: list[int | None] = []

    def before(op: bytes, args: list[Any], cm: Any, tm: Any) -> None:
        if op == b"BDC":
            props = args[1] if len(args) > 1 else None
            stack.append(props.get("/MCID") if isinstance(props, dict) else None)
        elif op == b"BMC":
            stack.append(None)
        elif op == b"EMC" and stack:
            stack.pop()

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        mcid = next((m for m in reversed(stack) if m is not None), None)
        if mcid is not None and text:
            texts.setdefault(int(mcid), []).append(text)

    page.extract_text(visitor_operand_before=before, visitor_text=visit)
    return {mcid: "".join(parts) for mcid, parts in texts.items()}


def structure(pdf: Path) -> list[tuple[int, str, str, str]]:
    """The structure elements in the order of the tag tree: (depth, tag, their text, their /Alt)."""
    reader = pypdf.PdfReader(pdf)
    pages = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages) if p.indirect_reference}
    texts: dict[int, dict[int, str]] = {}
    found: list[tuple[int, str, str, str]] = []

    def kids(element: Any) -> list[Any]:
        k = element.get("/K")
        listed = k if isinstance(k, list) else [] if k is None else [k]
        return [kid.get_object() if isinstance(kid, IndirectObject) else kid for kid in listed]

    def page_of(element: Any, page: int) -> int:
        return pages[element.raw_get("/Pg").idnum] if "/Pg" in element else page

    def text(element: Any, page: int) -> str:
        page = page_of(element, page)
        parts = []
        for kid in kids(element):
            if isinstance(kid, int) or (isinstance(kid, dict) and "/MCID" in kid and "/S" not in kid):
                mcid = int(kid) if isinstance(kid, int) else int(kid["/MCID"])
                if page not in texts:
                    texts[page] = marked_text(reader.pages[page])
                parts.append(texts[page].get(mcid, ""))
            elif isinstance(kid, dict) and "/S" in kid:
                parts.append(text(kid, page))
        return "".join(parts)

    def walk(element: Any, depth: int, page: int) -> None:
        page = page_of(element, page)
        found.append((depth, str(element["/S"])[1:], text(element, page), str(element.get("/Alt", ""))))
        for kid in kids(element):
            if isinstance(kid, dict) and "/S" in kid:
                walk(kid, depth + 1, page)

    for top in kids(reader.trailer["/Root"]["/StructTreeRoot"]):
        walk(top, 0, 0)
    return found


def words(value: str) -> str:
    return " ".join(value.split())


# --- tagged, with the language -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", [PACK, BRIEF])
def test_packs_and_briefs_are_tagged_with_their_language(site: Path, zh_site: Path, lang: str, name: str) -> None:
    pdf = sites(site, zh_site)[lang] / "pdf" / name
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    root = pypdf.PdfReader(pdf).trailer["/Root"]
    assert root["/Lang"] == LANGS[lang]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert structure(pdf)[0][1] == "Document"


# --- reading order -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_text_extraction_reads_each_glance_label_with_its_value(site: Path, zh_site: Path, lang: str) -> None:
    ui = load_labels(lang)["ui"]
    labels = [ui[key] for key in GLANCE]
    text = lines(sites(site, zh_site)[lang] / "pdf" / PACK)
    start = next(i for i, line in enumerate(text) if line == ui["at_a_glance"] and text[i + 1] == labels[0]) + 1
    grid = text[start : start + 2 * len(labels)]
    assert grid[0::2] == labels, grid  # label, value, label, value: not a row of labels, then their values
    assert not set(grid[1::2]) & set(labels), grid


@pytest.mark.parametrize("lang", LANGS)
def test_the_tag_tree_has_the_glance_grid_as_a_list_of_label_and_value(site: Path, zh_site: Path, lang: str) -> None:
    ui = load_labels(lang)["ui"]
    tree = structure(sites(site, zh_site)[lang] / "pdf" / PACK)
    heading = next(i for i, (_, tag, text, _) in enumerate(tree) if tag == "H1" and words(text) == ui["at_a_glance"])
    depth = tree[heading][0]
    grid = next(i for i in range(heading + 1, len(tree)) if tree[i][0] == depth)  # what follows the heading
    assert tree[grid][1] == "L"
    items = [words(text) for d, tag, text, _ in tree[grid + 1 :] if d == depth + 1 and tag == "LI"][: len(GLANCE)]
    assert [item.startswith(ui[key] + " ") for item, key in zip(items, GLANCE, strict=True)] == [True] * len(GLANCE)
    assert items[0].split(" ", 2)[-1].startswith(("CN¥", "¥")), items


@pytest.mark.parametrize("lang", LANGS)
def test_a_department_note_stays_in_its_row(site: Path, zh_site: Path, lang: str) -> None:
    labels = load_labels(lang)
    text = lines(sites(site, zh_site)[lang] / "pdf" / PACK)
    table = text[text.index(labels["fields"]["departments"]) :]
    row = table.index("技术质量科")
    assert table[row : row + 3] == ["技术质量科", labels["vocab"]["department_kind"]["support"], "负责纸张来料检验"]
    assert table[row + 3] == "社委会"
    rows = [words(text) for _, tag, text, _ in structure(sites(site, zh_site)[lang] / "pdf" / PACK) if tag == "TR"]
    assert any(r.startswith("技术质量科 ") and r.endswith(" 负责纸张来料检验") for r in rows), rows


def test_table_headers_are_tagged_and_the_matrix_has_row_headers(site: Path) -> None:
    tree = structure(site / "pdf" / PACK)
    matrix = next(i for i, (_, tag, text, _) in enumerate(tree) if tag == "Table" and words(text).startswith("Level "))
    headers = [words(text) for _, tag, text, _ in tree[matrix : matrix + 40] if tag == "TH"]
    assert headers[:3] == ["Level", "Decision maker", "Influencer"] and "Executive" in headers
    assert "" not in [words(t) for _, tag, t, _ in tree if tag == "TH"]  # no empty header cell


# --- the org chart -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "Organization chart of 沈阳晨光日报社: 5 people. Who reports to whom: 万国利 → 李振华, 钟敏 → 李振华, "
           "张伟 → 万国利, 刘强 → 张伟"),
    ("zh", "沈阳晨光日报社组织结构图：5 人。汇报关系：万国利 → 李振华、钟敏 → 李振华、张伟 → 万国利、刘强 → 张伟"),
])  # fmt: skip
def test_the_chart_s_text_alternative_is_in_the_tag_tree(site: Path, zh_site: Path, lang: str, expected: str) -> None:
    figures = [alt for _, tag, _, alt in structure(sites(site, zh_site)[lang] / "pdf" / PACK) if tag == "Figure"]
    assert expected in figures, figures


def all_attitudes(folder: Path) -> Path:
    """The Chinese reference dossier with one person of each attitude, and one without."""
    (folder / "dossiers").mkdir()
    (folder / "mkdocs.yml").write_bytes((ROOT / "mkdocs.yml").read_bytes())
    text = (EXAMPLES / "shenyang-daily.yaml").read_text(encoding="utf-8")
    for person, old, new in [("wan-guoli", "neutral", "opponent"), ("zhang-kezhang", "supporter", "skeptic")]:
        at = text.index(f"id: {person}")
        text = text[:at] + text[at:].replace(f"attitude: {old}", f"attitude: {new}", 1)
    newcomer = "  - id: wu-mishu\n    name: 吴秘书\n    reports_to: li-shezhang\n"
    text = text.replace("  - id: liu-chejian\n", newcomer + "  - id: liu-chejian\n")
    (folder / "dossiers" / "shenyang-daily.yaml").write_text(text, encoding="utf-8")
    return folder


def test_each_pdf_chart_node_names_its_attitude_and_has_its_own_border(tmp_path: Path) -> None:
    workspace = all_attitudes(tmp_path)
    renderer = Renderer(Presenter("en", "CNY", TODAY, load_labels("en", workspace)), workspace)
    checked = check_file(workspace / "dossiers" / "shenyang-daily.yaml", TODAY)
    assert checked.dossier is not None
    page = renderer.html(Job(Account.of(checked)))
    config, sheets = renderer.stylesheets(renderer.font_cache.ensure(fonts.glyph_chars(page)))
    document = HTML(string=page, base_url=renderer.template_dirs[0].as_uri() + "/", url_fetcher=renderer.fetcher)
    borders: dict[str, tuple[str, float]] = {}
    for rendered in document.render(stylesheets=sheets, font_config=config).pages:
        for box in rendered._page_box.descendants(placeholders=True):
            classes = (box.element.get("class") or "").split() if box.element is not None else []
            if "node" in classes and box.element_tag == "div":
                attitude = next(c for c in classes if c.startswith("attitude-")).removeprefix("attitude-")
                borders[attitude] = (box.style["border_top_style"], box.style["border_top_width"])
    assert set(borders) == {"champion", "supporter", "neutral", "skeptic", "opponent", "unknown"}
    assert len(set(borders.values())) == len(borders), borders  # a style or width of its own: survives greyscale
    nodes = re.findall(r'<div class="node attitude-(\w+)".*?<p class="node-attitude[^"]*">(.*?)</p>', page, re.S)
    attitudes = {**load_labels("en")["vocab"]["attitude"], "unknown": "Attitude unknown"}
    assert sorted(nodes) == sorted((a, attitudes[a]) for a in borders), nodes


def test_site_chart_names_attitudes_and_says_who_reports_to_whom(site: Path) -> None:
    page = (site / "accounts" / "shenyang-daily" / "index.html").read_text(encoding="utf-8")
    svg = re.search(r'<svg class="kad-chart"[^>]*>', page)
    assert svg and 'aria-label="Organization chart of 沈阳晨光日报社: 5 people"' in svg[0]
    assert 'aria-describedby="chart-text"' in svg[0]
    nodes = re.findall(
        r'<g class="kad-node kad-attitude-(\w+)" data-person="[^"]+"[^>]*><title>(.*?)</title>.*?'
        r'class="kad-node-attitude">(.*?)</text>', page, re.S)  # fmt: skip
    assert ("neutral", "李振华 · 社长 · Neutral", "Neutral") in nodes
    assert ("supporter", "钟敏 · 副社长 · Supporter", "Supporter") in nodes and len(nodes) == 5
    listing = re.search(r'<ul id="chart-text">(.*?)</ul>', page, re.S)
    assert listing, "no text alternative"
    items = [words(html.unescape(re.sub(r"<[^>]+>", "", li))) for li in re.findall(r"<li>(.*?)</li>", listing[1], re.S)]
    assert items[0] == "李振华 · 社长 · Neutral — top of the chart"
    assert "钟敏 · 副社长 · Supporter — Reports to: 李振华" in items and len(items) == 5
    assert items.index("刘强 · 印刷车间主任 · Champion — Reports to: 张伟") > items.index(
        "张伟 · 技术质量科科长 · Supporter — Reports to: 万国利"
    )  # each boss before their reports
