"""A workspace's own template with a mistake: the error names the template's file and line, never 'internal error'."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import ROOT
from .conftest import kadossier, make_workspace

ACCOUNT = "shenyang-daily"


def _workspace(folder: Path, template: str, line: int, mistake: str) -> Path:
    make_workspace(folder, {f"{ACCOUNT}.yaml": (ROOT / "dossiers" / f"{ACCOUNT}.yaml").read_bytes()})
    lines = (ROOT / "templates" / template).read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = lines[line - 1].rstrip("\n") + mistake + "\n"
    own = folder / "templates" / template
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text("".join(lines), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("mistake", "said"),
    [(" {% if %}", "Expected an expression"), (" {{ no_such_value.x }}", "'no_such_value' is undefined")],
    ids=["syntax", "undefined"],
)
def test_a_broken_site_template_is_located(tmp_path: Path, mistake: str, said: str) -> None:
    workspace = _workspace(tmp_path, "site/account.html", 5, mistake)

    run = kadossier(workspace, "build", "--no-pdf")

    assert run.code == 1, run.output
    assert f"templates/site/account.html:5:1: error: template error: {said}" in run.output, run.output
    assert "internal error" not in run.output and "Traceback" not in run.output


def test_a_broken_pdf_template_is_located(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, "pdf/pack.html", 3, " {{ no_such_value.x }}")

    run = kadossier(workspace, "pdf", ACCOUNT)

    assert run.code == 1, run.output
    assert "templates/pdf/pack.html:3:1: template error: 'no_such_value' is undefined" in run.output, run.output
    assert not (workspace / f"{ACCOUNT}.pdf").exists()
