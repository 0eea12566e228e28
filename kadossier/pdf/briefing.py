"""One briefing on demand (`kadossier pdf`): an account's pack or a visit's brief, written where the user asks."""

from __future__ import annotations

from pathlib import Path

from kadossier.dossier import folder, objections
from kadossier.dossier.portfolio import Account
from kadossier.dossier.validate import Checked, check_files
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
    account = Account.of(checked, redact=options.redact)
    renderer = Renderer.for_options(
        Presenter.of(options, workspace_root),
        workspace_root,
        options,
        history=history,
        blobs=history.blobs(wanted(history, checked.path, last.day)) if last and history.available else {},
        library=library(account, options) if visit_id is not None else None,
    )
    return render_file(renderer, Job(account, visit_id), target)


def library(account: Account, options: BuildOptions) -> objections.Library:
    """The objection library of the account and the valid dossiers beside it (a brief shows the answers used
    at other accounts; an invalid dossier is left out here, `validate` reports it)."""
    others = [p for p in folder.entries(account.path.parent) if p != account.path and folder.refusal(p) is None]
    checked = check_files(others, options.today, fields=options.settings.custom_fields)
    accounts = [Account.of(c, redact=options.redact) for c in checked if c.dossier is not None and c.completeness]
    return objections.library([account, *accounts])
