"""Time `kadossier import` of one .xlsx with N accounts and 5 contacts each into a new workspace, as a whole process.

The workbook (sheets 客户 and 联系人, the zh-sheet mapping's) is generated once into a temporary folder with
openpyxl; each run imports it into a fresh workspace with `python -m kadossier import` (a subprocess: reading,
checking every row, rendering and validating every dossier, writing them) and the median is printed.
Target (issue 20): 1,000 accounts with 5,000 contacts in at most 10 s.
Usage: python benchmarks/import_bench.py [--accounts 1000] [--runs 3]   (smoke: --accounts 50 --runs 1)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.generate import ROOT
from benchmarks.validate_bench import timed

ROLES = ["决策者", "影响者", "使用者", "技术把关者", "采购"]
ATTITUDES = ["倡导者", "支持者", "中立", "怀疑者", "反对者"]


def workbook(path: Path, accounts: int) -> None:
    """Write the workbook: `accounts` accounts, five contacts each."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("客户")
    sheet.append(["客户名称", "行业", "地址", "电话", "客户经理"])
    for n in range(accounts):
        sheet.append([f"第{n}号客户有限公司", "制造", f"沈阳市和平区{n}号", f"024-2288 {n:04d}", "李明"])
    people = book.create_sheet("联系人")
    people.append(["客户名称", "联系人", "职务", "手机", "角色", "态度"])
    for n in range(accounts):
        for k in range(5):
            people.append(
                [f"第{n}号客户有限公司", f"联系人{k}号", "经理", f"139{n:04d}{k:04d}", ROLES[k], ATTITUDES[k]]
            )
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        sheet = Path(tmp) / "客户信息表.xlsx"
        workbook(sheet, args.accounts)
        times = []
        for run in range(args.runs):
            ws = Path(tmp) / f"ws{run}"
            (ws / "dossiers").mkdir(parents=True)
            shutil.copy(ROOT / "mkdocs.yml", ws / "mkdocs.yml")
            argv = [sys.executable, "-m", "kadossier", "-C", str(ws), "--today", "2026-11-23", "import", str(sheet)]
            times.append(timed([*argv, "--map", "zh-sheet"]))
            written = len(list((ws / "dossiers").glob("*.yaml")))
            assert written == args.accounts, f"{written} dossiers written, {args.accounts} expected"
        contacts = args.accounts * 5
        median = statistics.median(times)
        print(f"import of {args.accounts} accounts, {contacts} contacts from one .xlsx (subprocess):")
        print(f"  median {median:.2f} s over {args.runs} runs ({', '.join(f'{t:.2f}' for t in times)})")


if __name__ == "__main__":
    main()
