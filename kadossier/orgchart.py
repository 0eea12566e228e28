"""Lay out the decision chain as an organization chart: boxes and connectors for an SVG template.

The layout is a tidy tree over `reports_to` (several roots side by side, each parent centred over its
children). Drawing lives in `templates/shared/orgchart.svg`, so the site and the PDFs show the same chart.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from kadossier.model import Person
from kadossier.vocab import Level, Role

BOX_W, BOX_H = 168, 74
GAP_X, GAP_Y = 14, 36
MARGIN = 8
FONT_PX = 12
BOX_STYLE = {  # attitude -> (fill, stroke, stroke width): drawn as SVG attributes, which CSS may override
    "champion": ("#c8e6c9", "#2e7d32", 2),
    "supporter": ("#e8f5e9", "#81c784", 2),
    "neutral": ("#eceff1", "#90a4ae", 1),
    "skeptic": ("#fff3e0", "#ffb74d", 2),
    "opponent": ("#ffebee", "#e57373", 2),
    "unknown": ("#fafafa", "#78909c", 1),
}
"""How a person's box looks in the PDFs, by attitude: WeasyPrint does not apply the page's stylesheet to
inline SVG, so the PDFs' chart carries its colours as attributes (the site's CSS has the same ones)."""


@dataclass(slots=True)
class Box:
    """One person's box, with its text already fitted to the box."""

    person: Person
    x: float
    y: float
    name: str
    title: str
    children: list[Box] = field(default_factory=list)


@dataclass(slots=True)
class Chart:
    """A laid-out chart: its boxes, its connectors (as polyline points) and its size."""

    boxes: list[Box]
    links: list[list[tuple[float, float]]]
    width: float
    height: float
    box_w: int = BOX_W
    box_h: int = BOX_H


def layout(people: list[Person]) -> Chart:
    """Place every person; people whose `reports_to` is unknown or absent start a tree of their own."""
    ids = {p.id for p in people}
    children: dict[str, list[Person]] = {p.id: [] for p in people}
    roots = []
    for person in people:
        if person.reports_to in ids and person.reports_to != person.id:
            children[person.reports_to].append(person)
        else:
            roots.append(person)
    boxes: list[Box] = []
    next_x = [MARGIN]

    def place(person: Person, depth: int, seen: frozenset[str]) -> Box:
        kids = [place(c, depth + 1, seen | {person.id}) for c in children[person.id] if c.id not in seen]
        if kids:
            x = (kids[0].x + kids[-1].x) / 2
        else:
            x = next_x[0]
            next_x[0] += BOX_W + GAP_X
        box = Box(
            person,
            x,
            MARGIN + depth * (BOX_H + GAP_Y),
            fit(person.name, BOX_W - 16, 13),
            fit(person.title or "", BOX_W - 16, 11),
            kids,
        )
        boxes.append(box)
        return box

    for root in roots:
        place(root, 0, frozenset())
    links = [_connector(parent, child) for parent in boxes for child in parent.children]
    width = max((b.x for b in boxes), default=0) + BOX_W + MARGIN
    height = max((b.y for b in boxes), default=0) + BOX_H + MARGIN
    return Chart(sorted(boxes, key=lambda b: (b.y, b.x)), links, width, height)


def _connector(parent: Box, child: Box) -> list[tuple[float, float]]:
    x1, y1 = parent.x + BOX_W / 2, parent.y + BOX_H
    x2, y2 = child.x + BOX_W / 2, child.y
    middle = y1 + GAP_Y / 2
    return [(x1, y1), (x1, middle), (x2, middle), (x2, y2)]


def text_width(text: str, font_px: float) -> float:
    """Estimate the width of `text`: wide (CJK) characters take a full em, others about 0.6 em."""
    return sum(font_px if unicodedata.east_asian_width(ch) in "WF" else font_px * 0.6 for ch in text)


def fit(text: str, width: float, font_px: float) -> str:
    """Shorten `text` with an ellipsis so that it fits `width` pixels."""
    if text_width(text, font_px) <= width:
        return text
    while text and text_width(text + "…", font_px) > width:
        text = text[:-1]
    return text + "…"


def role_level_matrix(people: list[Person]) -> list[tuple[Level | None, dict[Role, list[Person]]]]:
    """People by level (executive first) and buying role; the level None collects people without one."""
    levels: list[Level | None] = [Level.EXECUTIVE, Level.MANAGEMENT, Level.OPERATING, None]
    rows = []
    for level in levels:
        at_level = [p for p in people if p.level == level]
        if at_level or level is not None:
            rows.append((level, {role: [p for p in at_level if role in p.roles] for role in Role}))
    return rows
