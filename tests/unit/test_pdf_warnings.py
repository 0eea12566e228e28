"""WeasyPrint's own warnings reach the PDF report (and so `--strict`): those of the print CSS, parsed
before the render processes fork, and those of each render process; except its '.notdef glyph' lines for
the characters kadossier reports itself as a missing glyph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kadossier.dossier.portfolio import Account
from kadossier.dossier.validate import check_file
from kadossier.pdf.batch import build
from kadossier.pdf.render import Job, Renderer, render_file
from kadossier.render.present import Presenter, load_labels
from kadossier.utils.shipped import default_templates_dir
from tests.conftest import EXAMPLES, TODAY

LINEAR_A = "\U00010600"
"""A character no installed font has."""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace whose own print templates use a CSS property WeasyPrint does not know, in the print CSS
    and in the pack's HTML, and whose dossier has a character no font has."""
    (tmp_path / "dossiers").mkdir()
    text = (EXAMPLES / "northwind-grid.yaml").read_text(encoding="utf-8")
    (tmp_path / "dossiers" / "northwind-grid.yaml").write_text(
        text.replace("short_name: Northwind Grid", f"short_name: Northwind Grid {LINEAR_A}"), encoding="utf-8"
    )
    own = tmp_path / "templates" / "pdf"
    own.mkdir(parents=True)
    css = (default_templates_dir() / "pdf" / "print.css").read_text(encoding="utf-8")
    (own / "print.css").write_text(css + "\nbody { frobnicate: 1 }\n", encoding="utf-8")
    pack = (default_templates_dir() / "pdf" / "pack.html").read_text(encoding="utf-8")
    (own / "pack.html").write_text(pack.replace("</body>", '<p style="wobble: 2">x</p></body>'), encoding="utf-8")
    shutil.copyfile(default_templates_dir() / "pdf" / "brief.html", own / "brief.html")
    return tmp_path


def _renderer(root: Path) -> Renderer:
    return Renderer(Presenter("en", "CNY", TODAY, load_labels("en", root)), root, cache_dir=root / "cache")


def _account(root: Path) -> Account:
    return Account.of(check_file(root / "dossiers" / "northwind-grid.yaml", TODAY))


def _check(messages: list[str]) -> None:
    css = [m for m in messages if "frobnicate" in m]
    html = [m for m in messages if "wobble" in m]
    assert len(css) == 1 and "templates/pdf/print.css: warning: WeasyPrint: Ignored `frobnicate: 1" in css[0]
    assert len(html) == 1 and "templates/pdf/pack.html: warning: WeasyPrint: Ignored `wobble: 2" in html[0]
    assert "(in the PDF of 'northwind-grid')" in html[0]
    glyphs = [m for m in messages if "U+10600" in m]
    assert len(glyphs) == 1 and "[missing-glyph]" in glyphs[0]  # kadossier's own, and not WeasyPrint's .notdef
    assert not any(".notdef" in m for m in messages)


def test_the_build_report_carries_weasyprint_warnings_from_the_render_processes(workspace: Path) -> None:
    renderer = _renderer(workspace)
    report = build(renderer, [Job(_account(workspace))], workspace / "site" / "pdf", workers=2, progress=False)
    assert report.rendered == ["northwind-grid"] and not report.failed
    _check([str(p) for p in report.warnings])


def test_kadossier_pdf_returns_weasyprint_warnings(workspace: Path) -> None:
    problems = render_file(_renderer(workspace), Job(_account(workspace)), workspace / "out.pdf")
    assert (workspace / "out.pdf").is_file()
    _check([str(p) for p in problems])


def test_a_strict_build_fails_on_weasyprint_warnings(workspace: Path) -> None:
    from click.testing import CliRunner

    from kadossier.cli import main

    (workspace / "mkdocs.yml").write_bytes((EXAMPLES.parent / "mkdocs.yml").read_bytes())
    (workspace / "dossiers" / "northwind-grid.yaml").unlink()  # a dossier without red flags or tofu:
    shutil.copyfile(EXAMPLES / "kestrel-robotics.yaml", workspace / "dossiers" / "kestrel-robotics.yaml")
    assert (
        CliRunner().invoke(main, ["-C", str(workspace), "--today", TODAY.isoformat(), "validate", "--strict"]).exit_code
        == 0
    )
    command = ["-C", str(workspace), "--today", TODAY.isoformat(), "build", "--strict"]
    result = CliRunner().invoke(main, command)
    assert result.exit_code != 0
    assert "WeasyPrint: Ignored `wobble: 2" in result.output
    assert "frobnicate" in result.output
