"""Redaction: a canary in every personal field, a redacted build of site and PDFs, and a search of every
output byte (gzip and PDF streams decompressed, PDF text and metadata extracted) for any of them."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from kadossier.dossier.parts import Profile
from kadossier.dossier.privacy import PRIVATE_CONTACT

from .conftest import every_byte, kadossier, make_workspace, pdf_text

MOBILE = "13912345678"


def canaries() -> dict[str, str]:
    values = {f"profile.{name}": f"CANARY-{name.replace('_', '-')}-9q" for name in Profile.model_fields}
    values["contact.wechat"] = "CANARY-wechat-9q"
    values["contact.personal_email"] = "canary-personal-9q@example.org"
    values["contact.mobile"] = MOBILE
    values["approach"] = "CANARY-approach-9q"  # the plan for a relationship is theirs to not read about us
    values["approach.item"] = "CANARY-approach-item-9q"
    return values


def dossier(with_profile: bool) -> str:
    values = canaries()
    profile = "".join(f'      {k.split(".")[1]}: "{v}"\n' for k, v in values.items() if k.startswith("profile."))
    return f"""schema_version: 1
name: 隐私测试客户
owner: 林强
reviewed: 2026-11-20
people:
  - id: wang
    name: 王经理
    title: 采购部长
    roles: [decision_maker, coach]
    relationship: trusted
    target: allied
{"    approach: [" + values["approach"] + ", " + values["approach.item"] + "]" + chr(10) if with_profile else ""}    contact:
      office: "024-23860008"
      mobile: "{MOBILE}"
      wechat: "{values["contact.wechat"]}"
      personal_email: "{values["contact.personal_email"]}"
      email: wang@company.example.cn
{"    profile:" + chr(10) + profile if with_profile else ""}visits:
  - id: first
    date: 2026-11-10
    status: done
    theirs: [wang]
    record: {{outcome: 初次见面}}
  - id: next
    date: 2026-12-01
    objective: 签约
    theirs: [wang]
"""


def git(repo: Path, *args: str, day: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@x", "GIT_COMMITTER_NAME": "A",
           "GIT_COMMITTER_EMAIL": "a@x", "GIT_AUTHOR_DATE": f"{day}T09:00:00", "GIT_COMMITTER_DATE": f"{day}T09:00:00"}  # fmt: skip
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def workspace(tmp_path: Path) -> Path:
    """A repository whose dossier gained the personal data after the last visit, so that "changed since
    the last visit" would show it if redaction missed the diffs."""
    folder = make_workspace(tmp_path, {"privacy.yaml": dossier(with_profile=False)})
    git(folder, "init", "-q", day="2026-11-01")
    git(folder, "add", ".", day="2026-11-01")
    git(folder, "commit", "-q", "-m", "new account", day="2026-11-01")
    (folder / "dossiers" / "privacy.yaml").write_text(dossier(with_profile=True), encoding="utf-8")
    git(folder, "commit", "-q", "-am", "profile after the first meeting", day="2026-11-15")
    return folder


def leaks(folder: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field, value in canaries().items():
        needle = value.encode("utf-8")
        for path, data in every_byte(folder):
            if needle in data:
                found.setdefault(field, []).append(str(path.relative_to(folder)))
    return found


def test_a_redacted_build_contains_no_personal_data(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    run = kadossier(folder, "build", "--redact")
    assert run.code == 0, run.output
    assert leaks(folder / "site") == {}
    assert (folder / "site" / "pdf" / "privacy" / "next.pdf").is_file()
    page = (folder / "site" / "accounts" / "privacy" / "index.html").read_text(encoding="utf-8")
    assert "Redacted edition: personal profiles, relationship approaches and private contact details" in page
    assert "024-23860008" in page and "wang@company.example.cn" in page  # work contacts stay
    assert "Changed since the last visit" in page  # the diff is there, without the personal fields
    assert "Redacted edition" in pdf_text(folder / "site" / "pdf" / "privacy.pdf")
    assert "Redacted edition" in pdf_text(folder / "site" / "pdf" / "privacy" / "next.pdf")


def test_without_redaction_every_canary_is_found(tmp_path: Path) -> None:
    """The control: the search above finds every canary when they are really there."""
    folder = workspace(tmp_path)
    assert kadossier(folder, "build").code == 0
    found = leaks(folder / "site")
    assert set(found) == set(canaries()), set(canaries()) - set(found)
    assert any(p.endswith(".pdf") for p in found["profile.interests"])
    assert any("search_index.json" in p for p in found["contact.wechat"])
    assert any(p.endswith(".pdf") for p in found["approach"]) and any(p.endswith(".html") for p in found["approach"])


def test_a_redacted_single_pdf(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    run = kadossier(folder, "pdf", "privacy", "--visit", "next", "--redact", "-o", "out/brief.pdf")
    assert run.code == 0, run.output
    assert leaks(folder / "out") == {}
    assert PRIVATE_CONTACT == ("mobile", "wechat", "personal_email")
