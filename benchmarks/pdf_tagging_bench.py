"""Time what tagging the PDFs (PDF/UA, `kadossier.pdf.render.PDF_VARIANT`) costs: the example workspace's packs
and briefs rendered tagged and untagged, side by side in one process.

The HTML, the subset font and the parsed style are made once (as a build makes them before its workers fork),
then each run renders every PDF of the workspace once untagged and once tagged, the two modes alternated (the
first mode of a run changes every run), so that a noisy machine affects both alike. Reported: the medians of
the runs' total render time per mode, per PDF kind, and the ratio tagged / untagged. Tagging stays on unless
it costs more than about 30 % (issue 21).
Usage: python benchmarks/pdf_tagging_bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)
MODES = ("untagged", "tagged")


def workspace(folder: Path) -> Path:
    """A copy of the example workspace (mkdocs.yml, dossiers, competitor profiles) in `folder`."""
    shutil.copytree(ROOT / "dossiers", folder / "dossiers")
    shutil.copy(ROOT / "mkdocs.yml", folder)
    shutil.copy(ROOT / "competitors.yaml", folder)
    return folder


def prepare(folder: Path):  # type: ignore[no-untyped-def]
    """The renderer, the jobs with their HTML, and the font, as a build has them before it renders."""
    from kadossier.dossier.portfolio import Account
    from kadossier.dossier.validate import check_file
    from kadossier.pdf import fonts
    from kadossier.pdf.batch import build_jobs
    from kadossier.pdf.render import Renderer
    from kadossier.render.present import Presenter
    from kadossier.workspace.locate import open_workspace
    from kadossier.workspace.options import BuildOptions

    settings = open_workspace(folder / "mkdocs.yml").settings
    options = BuildOptions.make(settings, today=TODAY)
    renderer = Renderer.for_options(Presenter.of(options, folder), folder, options)
    accounts = []
    for path in sorted((folder / "dossiers").glob("*.yaml")):
        checked = check_file(path, TODAY, method=settings.method, fields=settings.custom_fields)
        assert checked.dossier is not None, path
        accounts.append(Account.of(checked))
    jobs = [(job, renderer.html(job)) for job in build_jobs(accounts)]
    fontset = renderer.font_cache.ensure(set().union(*(fonts.glyph_chars(html) for _, html in jobs)))
    renderer.warm_up(fontset)
    return renderer, jobs, fontset


def render(renderer, html: str, fontset, target: Path, variant: str | None) -> float:  # type: ignore[no-untyped-def]
    """Render one PDF as `Renderer.write` does, with or without the PDF variant; its seconds."""
    from weasyprint import HTML

    config, sheets = renderer.stylesheets(fontset)
    started = time.perf_counter()
    document = HTML(string=html, base_url=renderer.template_dirs[0].as_uri() + "/", url_fetcher=renderer.fetcher)
    document.write_pdf(target, stylesheets=sheets, font_config=config, pdf_variant=variant)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from kadossier.pdf.render import PDF_VARIANT

    with tempfile.TemporaryDirectory(prefix="kadossier-tagging-bench-") as tmp:
        folder = workspace(Path(tmp))
        renderer, jobs, fontset = prepare(folder)
        totals: dict[tuple[str, str], list[float]] = {(m, k): [] for m in MODES for k in ("pack", "brief")}
        order = list(MODES)
        for run in range(args.runs):
            for mode in order if run % 2 == 0 else order[::-1]:
                spent = {"pack": 0.0, "brief": 0.0}
                for job, html in jobs:
                    variant = PDF_VARIANT if mode == "tagged" else None
                    spent[job.kind] += render(renderer, html, fontset, folder / f"{mode}.pdf", variant)
                for kind, seconds in spent.items():
                    totals[(mode, kind)].append(seconds)
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr)

    counts = {kind: sum(1 for job, _ in jobs if job.kind == kind) for kind in ("pack", "brief")}
    print(f"example workspace: {counts['pack']} packs, {counts['brief']} briefs; {os.cpu_count()} cores; "
          f"medians of {args.runs} runs, each mode once per run, alternated ({PDF_VARIANT} vs untagged)")  # fmt: skip
    whole = {m: statistics.median([p + b for p, b in zip(totals[(m, "pack")], totals[(m, "brief")], strict=True)])
             for m in MODES}  # fmt: skip
    for kind in ("pack", "brief"):
        med = {m: statistics.median(totals[(m, kind)]) / counts[kind] for m in MODES}
        print(f"  {kind:5}  untagged {med['untagged']:6.3f} s per PDF   tagged {med['tagged']:6.3f} s per PDF"
              f"   ratio {med['tagged'] / med['untagged']:5.2f}")  # fmt: skip
    for mode in MODES:
        runs = [p + b for p, b in zip(totals[(mode, "pack")], totals[(mode, "brief")], strict=True)]
        print(f"  {mode} runs: {', '.join(f'{r:.2f}' for r in runs)} s")
    ratio = whole["tagged"] / whole["untagged"]
    print(f"  all    untagged {whole['untagged']:6.2f} s   tagged {whole['tagged']:6.2f} s   "
          f"ratio {ratio:5.2f} ({(ratio - 1) * 100:+.0f} %)")  # fmt: skip


if __name__ == "__main__":
    main()
