"""The messages of the site, PDF, export and render layers in Chinese (and, for a few, still in English).

Library calls under `speaking("zh")`; these need the compiled Chinese catalog (.ci/translations).
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from kadossier.errors import SiteNotWritten, TemplateProblem, UnsafeOutput, UnsafeSiteDir
from kadossier.i18n import speaking
from kadossier.pdf.fetch import FetchRefused, LocalFetcher
from kadossier.pdf.render import _weasyprint_message
from kadossier.render.present import load_labels
from kadossier.render.templating import template_problem
from kadossier.site.serve import error_page
from kadossier.site.staging import check_output, check_replaceable, check_site_dir, not_written


def _workspace(tmp_path: Path) -> Path:
    (tmp_path / "dossiers").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    return tmp_path


def test_unsafe_site_dirs_are_refused_in_chinese(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    with speaking("zh"), pytest.raises(UnsafeSiteDir, match=r"会覆盖工作区（.*）；请另选一个文件夹"):
        check_site_dir(root, root, root / "dossiers", root / "dossiers")
    with speaking("zh"), pytest.raises(UnsafeSiteDir, match=r"在档案文件夹之内；请选一个在它外面的文件夹"):
        check_site_dir(root / "dossiers" / "site", root, root / "docs", root / "dossiers")
    (root / "full").mkdir()
    (root / "full" / "notes.txt").write_text("mine", encoding="utf-8")
    with (
        speaking("zh"),
        pytest.raises(UnsafeSiteDir, match=r"不是空的，也不是 kadossier 构建的（其中没有 \.kadossier-site）"),
    ):
        check_replaceable(root / "full")


def test_unsafe_output_is_refused_in_chinese_and_english(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    with speaking("zh"), pytest.raises(UnsafeOutput, match=r"是工作区的配置文件；请把输出写到另一个文件"):
        check_output(root / "mkdocs.yml", root, root / "mkdocs.yml", root / "dossiers")
    with pytest.raises(UnsafeOutput, match=r"is in the dossiers folder; write the output to a file outside it"):
        check_output(root / "dossiers" / "x.csv", root, root / "mkdocs.yml", root / "dossiers")


def test_a_site_not_written_says_what_was_kept(tmp_path: Path) -> None:
    error = OSError(28, "No space left on device", str(tmp_path / "site" / "index.html"))
    with speaking("zh"):
        kept, nothing = not_written(error, tmp_path), not_written(error, tmp_path / "missing")
    assert isinstance(kept, SiteNotWritten)
    assert f"站点未构建，{tmp_path} 中原来的站点保持不变" in str(kept)
    assert "中什么也没有写入" in str(nothing)


def test_a_refused_fetch_in_chinese(tmp_path: Path) -> None:
    with (
        speaking("zh"),
        pytest.raises(FetchRefused, match=r"拒绝读取 'https://example.com/x.png'：PDF 只能使用模板文件夹里的文件"),
    ):
        LocalFetcher([tmp_path]).fetch("https://example.com/x.png")


def test_template_problems_in_chinese() -> None:
    with speaking("zh"):
        missing = template_problem(jinja2.TemplateNotFound("site/nothing.html"))
        broken = template_problem(_syntax_error())
    assert str(missing).startswith("在 ") and str(missing).endswith(" 中找不到模板 'site/nothing.html'")
    assert "模板错误：" in str(broken) and str(broken).endswith("；请修正模板")


def _syntax_error() -> jinja2.TemplateSyntaxError:
    try:
        jinja2.Environment().from_string("{% if %}")
    except jinja2.TemplateSyntaxError as exc:
        return exc
    raise AssertionError("no syntax error")


def test_a_broken_labels_file_is_located(tmp_path: Path) -> None:
    own = tmp_path / "templates" / "labels"
    own.mkdir(parents=True)
    (own / "zh.yaml").write_text("ui:\n  visits: 拜访\n  pipeline: '销售\n", encoding="utf-8")
    with speaking("zh"), pytest.raises(TemplateProblem, match=r"标签文件不是有效的 YAML：.*；请修正这个文件") as raised:
        load_labels("zh", tmp_path)
    assert raised.value.where is not None and raised.value.where.endswith("zh.yaml:4:1")


def test_the_build_error_page_speaks_the_language() -> None:
    with speaking("zh"):
        zh = error_page(["dossiers/a.yaml:3:1: 错误：……"])
    assert '<html lang="zh">' in zh and "<h1>站点无法构建</h1>" in zh and "Fix what" not in zh
    en = error_page(["dossiers/a.yaml:3:1: error: ..."])
    assert "<h1>The site could not be built</h1>" in en and "turns back into the site" in en


def test_weasyprint_warnings_name_their_pdfs_in_chinese() -> None:
    with speaking("zh"):
        one = _weasyprint_message("Ignored `x: y`", ["acme"])
        many = _weasyprint_message("Ignored `x: y`", [f"a{i}" for i in range(7)])
    assert one == "WeasyPrint：Ignored `x: y`（见于 'acme' 的 PDF）"
    assert many.endswith("以及另外 2 个的 PDF）")
    assert _weasyprint_message("Ignored", ["a", "b"]) == "WeasyPrint: Ignored (in the PDFs of 'a', 'b')"
