"""`kadossier init` and `kadossier new` create files and change nothing that was there: all or nothing."""

from __future__ import annotations

from pathlib import Path

from .conftest import kadossier


def test_init_over_a_folder_with_dossiers_keeps_them_and_adds_no_example(tmp_path: Path) -> None:
    mine = tmp_path / "dossiers" / "example-account.yaml"
    mine.parent.mkdir()
    mine.write_text("# my own notes, not a dossier yet\nname: mine\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("*.secret\n", encoding="utf-8")

    run = kadossier(tmp_path, "init", str(tmp_path))

    assert run.code == 0, run.output
    assert mine.read_text(encoding="utf-8") == "# my own notes, not a dossier yet\nname: mine\n"
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "*.secret\n"
    assert (tmp_path / "mkdocs.yml").is_file()
    assert sorted(p.name for p in mine.parent.iterdir()) == [
        "competitors.schema.json",
        "dossier.schema.json",
        "example-account.yaml",
    ]


def test_a_failed_init_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "new" / "workspace"
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "workspace").write_text("a file where the folder would go\n", encoding="utf-8")

    run = kadossier(tmp_path, "init", str(target))

    assert run.code == 2, run.output
    assert "is a file" in run.output and str(target) in run.output
    assert "Traceback" not in run.output
    assert target.read_text(encoding="utf-8") == "a file where the folder would go\n"


def test_init_refuses_a_dossiers_file(tmp_path: Path) -> None:
    (tmp_path / "dossiers").write_text("not a folder\n", encoding="utf-8")

    run = kadossier(tmp_path, "init", str(tmp_path))

    assert run.code == 1, run.output
    assert "is a file; a workspace keeps its dossiers in a folder" in run.output, run.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dossiers"]


def test_init_removes_what_it_created_when_a_later_step_fails(tmp_path: Path) -> None:
    # dossiers/ is a link to a folder that is gone: the example cannot be written after mkdocs.yml and
    # .gitignore were; both are taken back and the link is left as it was.
    (tmp_path / "dossiers").symlink_to(tmp_path / "gone")

    run = kadossier(tmp_path, "init", str(tmp_path))

    assert run.code == 1, run.output
    assert "internal error" not in run.output and "dossiers" in run.output, run.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dossiers"]
    assert (tmp_path / "dossiers").is_symlink() and not (tmp_path / "gone").exists()
