"""Time the account pack of the Chinese reference dossier, beside plain WeasyPrint on the same HTML.

Side by side, run after run alternated so that a noisy machine affects every mode alike:
- kadossier: the pack's HTML rendered the way `kadossier build` does (the cached subset font through
  @font-face, the restricted URL fetcher), one PDF after another in one process: the latency per PDF;
- plain WeasyPrint: the same HTML with the system's Noto Sans CJK (no @font-face), the same way;
and each of the two both with HarfBuzz's subsetter (libharfbuzz-subset0, installed by .ci/setup) and
without it, as WeasyPrint runs on a machine that lacks it (it then subsets with fontTools: the ~5 s
per PDF the issue measured). Then a batch: `kadossier.pdf.batch.build` of N packs with 2 workers, cold PDF
cache, warm font cache (the throughput per PDF), and the first cut of the workspace font (cold cache).
Targets (issue 4): <= 0.6 s median per pack in a batch; >= 8x faster than plain WeasyPrint.
Usage: python benchmarks/pdf_bench.py [--runs 3] [--renders 4] [--batch 8]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)
REFERENCE = ROOT / "dossiers" / "shenyang-daily.yaml"
MODES = ["kadossier", "plain"]


def workspace(folder: Path, copies: int) -> Path:
    """A workspace (Chinese labels) with `copies` accounts that are the Chinese reference dossier."""
    (folder / "dossiers").mkdir(parents=True)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("language: en", "language: zh")
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    for i in range(copies):
        shutil.copyfile(REFERENCE, folder / "dossiers" / f"shenyang-daily-{i:03d}.yaml")
    return folder


def renderer(folder: Path):  # type: ignore[no-untyped-def]
    from kadossier.pdf.render import Renderer
    from kadossier.render.present import Presenter, load_labels

    return Renderer(Presenter("zh", "CNY", TODAY, load_labels("zh", folder)), folder)


def job(folder: Path, account: str = "shenyang-daily-000"):  # type: ignore[no-untyped-def]
    from kadossier.dossier.portfolio import Account
    from kadossier.dossier.validate import check_file
    from kadossier.pdf.render import Job

    checked = check_file(folder / "dossiers" / f"{account}.yaml", TODAY)
    assert checked.dossier is not None
    return Job(Account.of(checked))


def child(mode: str, folder: Path, renders: int, harfbuzz: bool) -> dict[str, object]:
    """Render the pack `renders` times in this process; return the times (run in a fresh interpreter)."""
    import logging

    import weasyprint
    import weasyprint.pdf.fonts

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # the fontTools fallback warns on every PDF
    if not harfbuzz:
        weasyprint.pdf.fonts.harfbuzz_subset = None  # as on a machine without libharfbuzz-subset0
    from kadossier.pdf import fonts

    r = renderer(folder)
    html = r.html(job(folder))
    fontset = r.font_cache.ensure(fonts.glyph_chars(html))
    target = folder / f"out-{mode}.pdf"
    times = []
    for _ in range(renders):
        started = time.perf_counter()
        if mode == "kadossier":
            r.write(html, target, fontset)
        else:  # the same HTML, its fonts left to fontconfig: the system's Noto Sans CJK SC
            weasyprint.HTML(string=html, base_url=r.template_dirs[0].as_uri() + "/").write_pdf(target)
        times.append(time.perf_counter() - started)
    pages = len(weasyprint.HTML(string=html).render().pages) if mode == "plain" else None
    return {"times": times, "bytes": target.stat().st_size, "pages": pages}


def batch(folder: Path, copies: int, workers: int) -> dict[str, float]:
    """Render `copies` packs with `kadossier.pdf.batch.build` (cold PDF cache, warm font cache)."""
    from kadossier.pdf import batch

    r = renderer(folder)
    jobs = [job(folder, f"shenyang-daily-{i:03d}") for i in range(copies)]
    shutil.rmtree(folder / ".kadossier-cache" / "pdf", ignore_errors=True)
    started = time.perf_counter()
    report = batch.build(r, jobs, folder / "site" / "pdf", workers=workers, progress=False)
    elapsed = time.perf_counter() - started
    assert len(report.rendered) == copies and not report.failed, report
    return {"wall": elapsed, "per_pdf": elapsed / copies}


def first_cut(folder: Path) -> float:
    """The first font cut of a workspace (cold font cache), as the first build pays it."""
    from kadossier.pdf import fonts

    shutil.rmtree(folder / ".kadossier-cache" / "fonts", ignore_errors=True)
    r = renderer(folder)
    html = r.html(job(folder))
    started = time.perf_counter()
    r.font_cache.ensure(fonts.glyph_chars(html))
    return time.perf_counter() - started


def spawn(*args: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{args} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--renders", type=int, default=4, help="PDFs rendered per process and mode in a run")
    parser.add_argument("--batch", type=int, default=8, help="packs in the batch run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "FOLDER", "HARFBUZZ"), help=argparse.SUPPRESS)
    parser.add_argument("--batch-child", nargs=1, metavar="FOLDER", help=argparse.SUPPRESS)
    parser.add_argument("--cut-child", nargs=1, metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, folder, harfbuzz = args.child
        print(json.dumps(child(mode, Path(folder), args.renders, harfbuzz == "1")))
        return
    if args.batch_child:
        print(json.dumps(batch(Path(args.batch_child[0]), args.batch, args.workers)))
        return
    if args.cut_child:
        print(json.dumps({"seconds": first_cut(Path(args.cut_child[0]))}))
        return

    with tempfile.TemporaryDirectory(prefix="kadossier-pdf-bench-") as tmp:
        folder = workspace(Path(tmp), args.batch)
        cuts = [float(spawn("--cut-child", str(folder))["seconds"]) for _ in range(max(1, args.runs))]  # type: ignore[arg-type]
        times: dict[tuple[str, bool], list[float]] = {(m, hb): [] for m in MODES for hb in (True, False)}
        info: dict[str, object] = {}
        batches: list[float] = []
        for run in range(args.runs):
            for harfbuzz in (True, False):
                for mode in MODES:
                    flag = "1" if harfbuzz else "0"
                    result = spawn("--child", mode, str(folder), flag, "--renders", str(args.renders))
                    times[(mode, harfbuzz)] += result["times"]  # type: ignore[arg-type]
                    if harfbuzz:
                        info[mode] = result
            result = spawn("--batch-child", str(folder), "--batch", str(args.batch), "--workers", str(args.workers))
            batches.append(float(result["per_pdf"]))  # type: ignore[arg-type]
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr)

    med = {key: statistics.median(values) for key, values in times.items()}
    print(f"Chinese reference pack ({info['plain']['pages']} pages), {os.cpu_count()} cores; medians of "  # type: ignore[index]
          f"{args.runs} runs x {args.renders} PDFs per mode")  # fmt: skip
    print(f"  first cut of the workspace font (cold cache, both weights): {statistics.median(cuts):.2f} s")
    for harfbuzz in (True, False):
        label = "with harfbuzz-subset" if harfbuzz else "without harfbuzz-subset (fontTools fallback)"
        ours, plain = med[("kadossier", harfbuzz)], med[("plain", harfbuzz)]
        print(f"  {label}:")
        print(f"    kadossier (cached subset font)      {ours:6.2f} s per PDF")
        print(f"    plain WeasyPrint, system font       {plain:6.2f} s per PDF   ratio {plain / ours:5.1f}x")
    print(f"  batch of {args.batch} packs, {args.workers} workers, cold PDF cache: "
          f"{statistics.median(batches):.2f} s per PDF (runs: {', '.join(f'{b:.2f}' for b in batches)})")  # fmt: skip
    print(f"  ratio plain without harfbuzz-subset / kadossier batch: "
          f"{med[('plain', False)] / statistics.median(batches):.1f}x")  # fmt: skip
    sizes = {mode: info[mode]["bytes"] for mode in MODES}  # type: ignore[index]
    print(f"  PDF sizes with harfbuzz-subset: kadossier {sizes['kadossier']} B, plain {sizes['plain']} B")  # type: ignore[index]


if __name__ == "__main__":
    main()
