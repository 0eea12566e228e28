"""One briefing on demand (`kadossier pdf`): an account's pack or a visit's brief, written where the user asks."""

from __future__ import annotations

from pathlib import Path

from kadossier.dossier.portfolio import Account
from kadossier.dossier.validate import Checked
from kadossier.errors import Problem
from kadossier.history.diff import wanted
from kadossier.history.git import read as read_history
from kadossier.pdf.render import Job, Renderer, render_file
from kadossier.render.present import Presenter
from kadossier.workspace.options import BuildOptions


def make_pdf(
    workspace_root: Path, options: BuildOptions, checked: Checked, visit_id: str | None, target: Path
) -> list[Problem]:
    """Render the pack of a valid checked dossier (or its visit's brief) to `target`; return the warnings."""
    assert checked.dossier is not None
    history = read_history(checked.path.parent)
    last = checked.dossier.last_visit(options.today)
    renderer = Renderer.for_options(
        Presenter.of(options, workspace_root),
        workspace_root,
        options,
        history=history,
        blobs=history.blobs(wanted(history, checked.path, last.day)) if last and history.available else {},
    )
    return render_file(renderer, Job(Account.of(checked, redact=options.redact), visit_id), target)
