"""Generate N realistic dossiers from the reference ones, for benchmarks.

Each account is a reference dossier (Chinese or English) with its names, people, amounts and dates
varied, and some optional sections dropped or repeated, so sizes spread around the reference's size.
Usage: python benchmarks/generate.py OUT_DIR --accounts 1000 [--seed 1]
"""

from __future__ import annotations

import argparse
import copy
import random
from pathlib import Path
from typing import Any

import yaml

from kadossier.load import load_bytes

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [ROOT / "dossiers" / "shenyang-daily.yaml", ROOT / "dossiers" / "northwind-grid.yaml"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩然子涵欣怡梓轩雨泽晨阳思远嘉怡佳琪"
CITIES = [
    "沈阳",
    "大连",
    "长春",
    "哈尔滨",
    "济南",
    "青岛",
    "郑州",
    "西安",
    "成都",
    "重庆",
    "武汉",
    "南京",
    "杭州",
    "宁波",
    "福州",
    "厦门",
    "广州",
    "深圳",
    "昆明",
    "南宁",
]
TRADES = [
    "日报社",
    "电力公司",
    "钢铁集团",
    "制药厂",
    "物流中心",
    "机场集团",
    "地铁公司",
    "水务集团",
    "港务局",
    "化工厂",
]
EN_NAMES = [
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kofi",
    "Lena",
    "Marco",
    "Nadia",
    "Oscar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tara",
]
EN_SURNAMES = ["Keller", "Okafor", "Mehta", "Brandt", "Weber", "Lowe", "Bello", "Novak", "Silva", "Larsen"]
EN_TRADES = ["Grid", "Logistics", "Steel", "Pharma", "Airport", "Water", "Ports", "Chemicals", "Rail", "Foods"]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return None if value is None else str(value)


def _person_name(rng: random.Random, chinese: bool) -> str:
    if chinese:
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return f"{rng.choice(EN_NAMES)} {rng.choice(EN_SURNAMES)}"


def vary(template: dict[str, Any], index: int, rng: random.Random) -> dict[str, Any]:
    """Return a new account made from a reference dossier."""
    data = _plain(template)
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in data["name"])
    if chinese:
        data["name"] = f"{rng.choice(CITIES)}{rng.choice(TRADES)}{index}"
        data["short_name"] = data["name"][:6]
    else:
        data["name"] = f"{rng.choice(EN_SURNAMES)} {rng.choice(EN_TRADES)} {index} Ltd."
        data["short_name"] = data["name"].removesuffix(" Ltd.")
    data["owner"] = _person_name(rng, chinese)
    data["grade"] = rng.choice("ABC")
    for person in data.get("people", []):
        person["name"] = _person_name(rng, chinese)
    for project in data.get("projects", []):
        project["stage"] = rng.choice(["interest", "trust", "design", "compare", "commit", "use"])
        project["value"] = {
            "amount": str(rng.randrange(100_000, 50_000_000, 1000)),
            "currency": "CNY" if chinese else "EUR",
        }
        project["budget"] = dict(project["value"])
    data["reviewed"] = f"2026-{rng.randint(6, 11):02d}-{rng.randint(1, 20):02d}"
    for section in ("sources", "swot", "value", "notes"):
        if rng.random() < 0.3:
            data.pop(section, None)
    if rng.random() < 0.3 and data.get("competitors"):
        data["competitors"] = data["competitors"] + copy.deepcopy(data["competitors"])
        for i, competitor in enumerate(data["competitors"]):
            competitor["id"] = f"{competitor['id']}-{i}" if i >= len(data["competitors"]) // 2 else competitor["id"]
    return data


def generate(out: Path, accounts: int, seed: int = 1) -> list[Path]:
    """Write `accounts` dossiers into `out` and return their paths."""
    rng = random.Random(seed)
    templates = [load_bytes(path.read_bytes()).data for path in TEMPLATES]
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(accounts):
        data = vary(templates[i % len(templates)], i, rng)
        path = out / f"account-{i:05d}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    paths = generate(args.out, args.accounts, args.seed)
    print(f"wrote {len(paths)} dossiers to {args.out}")


if __name__ == "__main__":
    main()
