"""Generate N realistic dossiers from the reference ones, for benchmarks.

Each account is a reference dossier (Chinese or English) with its names, people, amounts and dates varied;
optional sections dropped, people, projects, visits and competitors added, so sizes spread from a third to
about three times the reference's. Chinese free text gets phrases drawn from the 3,755 common characters
(GB 2312 level 1) with Zipf-like frequencies, and names from the 100 common surnames: a thousand Chinese
accounts then use a few thousand distinct characters, as real ones do — the corpus a PDF font must cover.
With `--follow-through` (off by default, so the corpus the other benchmarks use is unchanged), the same accounts
also get the follow-through fields: owners, teams and our visit attendees drawn from one team of 20 people,
actions (account plan steps) and structured visit commitments with due dates around the benchmark's day. Their
random numbers come from a generator of their own, so the accounts are otherwise exactly those of the corpus
without them, and the two can be compared.
Usage: python benchmarks/generate.py OUT_DIR --accounts 1000 [--seed 1] [--follow-through]
"""

from __future__ import annotations

import argparse
import copy
import itertools
import random
from pathlib import Path
from typing import Any

import yaml

from kadossier.dossier.load import load_bytes

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [ROOT / "dossiers" / "shenyang-daily.yaml", ROOT / "dossiers" / "northwind-grid.yaml"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
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


def _level1_hanzi() -> str:
    """The 3,755 common characters of GB 2312 (rows 16-55), in the standard's (pinyin) order."""
    chars = []
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.append(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # the five unused cells at the end of row 55
    return "".join(chars)


class Hanzi:
    """Chinese text with a Zipf-like character frequency (rank r has weight 1/r), ranks shuffled by seed."""

    def __init__(self, seed: int) -> None:
        chars = list(_level1_hanzi())
        random.Random(seed).shuffle(chars)
        self.chars = chars
        self.cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(chars) + 1)))

    def text(self, rng: random.Random, low: int, high: int) -> str:
        return "".join(rng.choices(self.chars, cum_weights=self.cumulative, k=rng.randint(low, high)))

    def phrase(self, rng: random.Random) -> str:
        """A clause or two of 6-40 characters, with Chinese punctuation."""
        parts = [self.text(rng, 3, 14) for _ in range(rng.randint(1, 3))]
        return ",".join(parts) + rng.choice("。;")


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return None if value is None else str(value)


def _has_hanzi(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _person_name(rng: random.Random, hanzi: Hanzi | None) -> str:
    if hanzi is not None:
        given = hanzi.text(rng, 1, 2) if rng.random() < 0.6 else "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        return rng.choice(SURNAMES) + given
    return f"{rng.choice(EN_NAMES)} {rng.choice(EN_SURNAMES)}"


def _enrich(value: Any, rng: random.Random, hanzi: Hanzi, keys: tuple[str, ...] = ()) -> Any:
    """Append a new Chinese phrase to about a third of the free-text values that are Chinese already."""
    if isinstance(value, dict):
        return {k: _enrich(v, rng, hanzi, (*keys, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_enrich(v, rng, hanzi, keys) for v in value]
    name_like = bool(keys) and keys[-1] in {"name", "short_name", "owner", "vendor", "parent"}
    if isinstance(value, str) and _has_hanzi(value) and not name_like and len(value) > 4 and rng.random() < 0.3:
        return value.rstrip("\n").rstrip("。") + "。" + hanzi.phrase(rng) + ("\n" if value.endswith("\n") else "")
    return value


def _grow(data: dict[str, Any], rng: random.Random, hanzi: Hanzi | None, index: int) -> None:
    """Add people, projects, past visits and competitors: accounts range from small to large."""
    size = rng.choices([0, 1, 2, 3], weights=[5, 3, 1, 1])[0]  # none, some, many, a lot more
    people = data.get("people", [])
    for k in range(rng.randint(0, 5) * size):
        person = copy.deepcopy(rng.choice(people))
        person.update(id=f"extra-{k}", name=_person_name(rng, hanzi), reports_to=rng.choice(people)["id"])
        person["roles"] = [role for role in person.get("roles", []) if role != "decision_maker"] or ["user"]
        people.append(person)
    projects = data.get("projects", [])
    for k in range(rng.randint(0, 1) * size):
        project = copy.deepcopy(projects[0])
        project["id"] = f"{project['id']}-{k + 2}"
        project["name"] = f"{project['name']} ({k + 2})"
        projects.append(project)
    visits = data.get("visits", [])
    done = [visit for visit in visits if visit.get("status") == "done"]
    for k in range(rng.randint(0, 4) * size if done else 0):
        visit = copy.deepcopy(rng.choice(done))
        day = f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}"
        visit.update(id=f"{day}-call-{k}", date=day, theirs=[p["id"] for p in rng.sample(people, 2)])
        if hanzi is not None:
            visit["objective"] = hanzi.phrase(rng)
            visit.setdefault("record", {})["outcome"] = hanzi.phrase(rng)
        visits.append(visit)
    if size >= 2 and data.get("competitors"):
        extra = copy.deepcopy(data["competitors"])
        for competitor in extra:
            competitor["id"] += f"-{index}"
            competitor["name"] = f"{hanzi.text(rng, 2, 4)}公司" if hanzi else competitor["name"] + " Group"
        data["competitors"] += extra


TEAM_NAMES = (
    *("周敏", "陈浩", "王磊", "李娜", "张伟", "刘洋", "杨帆", "黄静", "赵强", "吴婷"),
    *("孙丽", "马超", "朱琳", "胡军", "郭峰", "何欣"),
    *("Anna Weber", "Tom Okafor", "Maria Keller", "James Liu"),
)
"""Our sales team: 20 people, as many account managers and colleagues as a key-account team has."""
DAY = "2026-11-23"
"""The day the benchmarks judge dates as of: due dates fall around it."""


def _due(rng: random.Random) -> str:
    """A due date from six weeks before the benchmark's day to six weeks after."""
    import datetime as dt

    return (dt.date.fromisoformat(DAY) + dt.timedelta(days=rng.randint(-42, 42))).isoformat()


def follow_through(data: dict[str, Any], rng: random.Random) -> None:
    """Give an account the follow-through fields: owner, team and our attendees from TEAM, actions, and
    structured commitments in its done visits' records."""
    team = rng.sample(TEAM_NAMES, rng.randint(1, 4))
    data["owner"], data["team"] = team[0], team
    people = [p["id"] for p in data.get("people", [])]
    projects = [p["id"] for p in data.get("projects", [])]
    status = ["open"] * 6 + ["done"] * 3 + ["dropped"]
    actions = []
    for k in range(rng.choices([0, 2, 4, 8], weights=[2, 4, 3, 1])[0]):
        action: dict[str, Any] = {"id": f"step-{k + 1}", "what": f"准备第 {k + 1} 步的材料并发给客户"}
        helper = rng.choice(TEAM_NAMES) if rng.random() < 0.1 else rng.choice(team)  # people help across accounts
        if rng.random() < 0.95:
            action["owner"] = helper
        if rng.random() < 0.9:
            action["due"] = _due(rng)
        action["status"] = rng.choice(status)
        if projects and rng.random() < 0.6:
            action["project"] = rng.choice(projects)
        if people and rng.random() < 0.5:
            action["with"] = rng.sample(people, 1)
        actions.append(action)
    if actions:
        data["actions"] = actions
    for visit in data.get("visits", []):
        visit["ours"] = rng.sample(team, min(len(team), rng.randint(1, 2)))
        record = visit.get("record")
        if visit.get("status") != "done" or not isinstance(record, dict):
            continue
        commitments = []
        for k in range(rng.randint(0, 3)):
            item: dict[str, Any] = {"what": f"{visit['id']} 承诺事项 {k + 1}"}
            if people and rng.random() < 0.35:
                item["person"] = rng.choice(visit.get("theirs") or people)
            else:
                item["owner"] = rng.choice(visit["ours"])
            item["due"] = _due(rng)
            if rng.random() < 0.4:
                item["status"] = rng.choice(["done", "done", "dropped"])
            if rng.random() < 0.3:
                item["id"] = f"{visit['id']}-c{k + 1}"
            commitments.append(item)
        if commitments:
            record["commitments"] = commitments


def vary(template: dict[str, Any], index: int, rng: random.Random, hanzi: Hanzi | None = None) -> dict[str, Any]:
    """Return a new account made from a reference dossier (`hanzi`: the Chinese text source)."""
    data = _plain(template)
    chinese = _has_hanzi(data["name"])
    zh = (hanzi or Hanzi(0)) if chinese else None
    if zh is not None:
        data = _enrich(data, rng, zh)
        data["name"] = f"{rng.choice(CITIES)}{zh.text(rng, 2, 4)}{rng.choice(TRADES)}{index}"
        data["short_name"] = data["name"][:6]
    else:
        data["name"] = f"{rng.choice(EN_SURNAMES)} {rng.choice(EN_TRADES)} {index} Ltd."
        data["short_name"] = data["name"].removesuffix(" Ltd.")
    data["owner"] = _person_name(rng, zh)
    data["grade"] = rng.choice("ABC")
    for person in data.get("people", []):
        person["name"] = _person_name(rng, zh)
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
    _grow(data, rng, zh, index)
    return data


def generate(out: Path, accounts: int, seed: int = 1, *, with_follow_through: bool = False) -> list[Path]:
    """Write `accounts` dossiers into `out` and return their paths (with the follow-through fields if asked)."""
    rng = random.Random(seed)
    extra = random.Random(seed + 1_000_003)  # its own numbers: the accounts stay those of the plain corpus
    hanzi = Hanzi(seed)
    templates = [load_bytes(path.read_bytes()).data for path in TEMPLATES]
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(accounts):
        data = vary(templates[i % len(templates)], i, rng, hanzi)
        if with_follow_through:
            follow_through(data, extra)
        path = out / f"account-{i:05d}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--follow-through", action="store_true", help="Add actions, commitments and a team.")
    args = parser.parse_args()
    paths = generate(args.out, args.accounts, args.seed, with_follow_through=args.follow_through)
    print(f"wrote {len(paths)} dossiers to {args.out}")


if __name__ == "__main__":
    main()
