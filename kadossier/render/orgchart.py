"""Lay out the decision chain as organization charts: boxes and connectors for the chart templates.

A chart is a tidy tree over `reports_to` (several small trees side by side, each parent centred over its
children), bounded so that it stays readable when it is scaled to a page: at most `COLUMNS` boxes wide and
`ROWS` boxes tall. A level wider than that wraps into rows under its parent; a tree deeper than that, or too
wide to wrap, continues in further charts, each starting from the person whose reports it shows (their box
in the earlier chart says where they continue). Everyone appears in some chart.

Colour is not the only sign of a person's attitude: each box names it, and its border has a style per
attitude that survives greyscale printing (the templates' CSS). Who reports to whom is also given as text
(`reporting_lines`): the charts' text alternative for screen readers and for text extraction.

The site draws the charts as SVG (`templates/shared/orgchart.svg`); the PDFs draw the same layout as HTML
(`templates/pdf/orgchart.html`), because WeasyPrint draws SVG text without the bidirectional algorithm or
shaping, and Arabic or Hebrew names would print with their letters reversed.
"""

from __future__ import annotations

import math
import unicodedata
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from kadossier.dossier.model import Person
from kadossier.dossier.vocab import Level, Role

BOX_W, BOX_H = 168, 88
GAP_X, GAP_Y = 14, 36
MARGIN = 8
COLUMNS = 4
"""Most boxes side by side in one chart: a chart this wide fits an A4 page at over 90% of its size."""
ROWS = 4
"""Most rows of boxes in one chart."""


@dataclass(slots=True)
class Box:
    """One person's box in one chart, with its text already fitted to the box."""

    person: Person
    x: float
    y: float
    name: str
    title: str
    children: list[Box] = field(default_factory=list)
    more: int = 0
    """How many of the person's direct reports this chart leaves out (they are in chart `continued_in`)."""
    continued_in: int = 0
    """The number (from 1) of the chart that shows the person's reports, if this one leaves them out."""
    wrapped: bool = False
    """Whether the children are wrapped into rows (connected along a trunk on their left)."""


@dataclass(slots=True)
class Chart:
    """A laid-out chart: its boxes, its connectors (as polyline points) and its size."""

    boxes: list[Box]
    links: list[list[tuple[float, float]]]
    width: float
    height: float
    number: int = 1
    """The chart's number, from 1."""
    continues: Person | None = None
    """The person whose reports this chart continues, if it continues an earlier chart."""
    box_w: int = BOX_W
    box_h: int = BOX_H


@dataclass(slots=True)
class _Block:
    """A subtree's place in a chart, in columns and rows of boxes, before coordinates are given."""

    person: Person
    columns: int
    rows: int
    kids: list[_Block]
    cut: list[Person]
    wrapped: bool = False


def charts(people: list[Person]) -> list[Chart]:
    """Lay out everyone in as many bounded charts as it takes: small trees share a chart, big ones split."""
    children, roots = _tree(people)
    queue: deque[tuple[Person, Person | None]] = deque((root, None) for root in roots)
    groups: list[tuple[list[_Block], Person | None]] = []
    shared: list[_Block] = []  # whole small trees, side by side in the first chart
    while queue:
        root, continues = queue.popleft()
        parts = _split(root, children)
        for part in parts:
            queue.extend((person, person) for person in _cut(part))
        whole = len(parts) == 1 and not any(True for _ in _cut(parts[0]))
        if continues is None and whole and sum(b.columns for b in shared) + parts[0].columns <= COLUMNS:
            shared.append(parts[0])
        else:
            groups += [([part], continues if i == 0 else root) for i, part in enumerate(parts)]
    if shared:
        groups.insert(0, (shared, None))
    return _number([_place(blocks, continues) for blocks, continues in groups])


def _tree(people: list[Person]) -> tuple[dict[str, list[Person]], list[Person]]:
    """Everyone's direct reports, and the people who start a tree (no known boss, or a cycle's first)."""
    ids = {p.id for p in people}
    children: dict[str, list[Person]] = {p.id: [] for p in people}
    roots = []
    for person in people:
        if person.reports_to in ids and person.reports_to != person.id:
            children[str(person.reports_to)].append(person)
        else:
            roots.append(person)
    reached = {p.id for p in _walk(roots, children)}
    for person in people:  # a reports_to cycle (an error elsewhere) still shows its people
        if person.id not in reached:
            roots.append(person)
            reached |= {p.id for p in _walk([person], children)}
    return children, roots


def _walk(roots: list[Person], children: dict[str, list[Person]]) -> Iterator[Person]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        person = stack.pop()
        if person.id not in seen:
            seen.add(person.id)
            yield person
            stack += children[person.id]


def _split(root: Person, children: dict[str, list[Person]]) -> list[_Block]:
    """The first chart(s) of `root`'s tree: as many levels as fit; else its reports in pages of rows."""
    for levels in range(ROWS, 1, -1):
        block = _block(root, children, levels, ROWS)
        if block is not None:
            return [block]
    kids = children[root.id]
    page = COLUMNS * (ROWS - 1)
    parts = []
    for start in range(0, len(kids), page):
        chunk = kids[start : start + page]
        leaves = [_Block(k, 1, 1, [], children[k.id]) for k in chunk]
        parts.append(_Block(root, COLUMNS, 1 + math.ceil(len(chunk) / COLUMNS), leaves, [], wrapped=True))
    return parts


def _block(person: Person, children: dict[str, list[Person]], levels: int, rows: int) -> _Block | None:
    """`person`'s subtree in at most `levels` levels and `rows` rows and `COLUMNS` columns, or None."""
    kids = children[person.id]
    if not kids or levels == 1:
        return _Block(person, 1, 1, [], list(kids))
    blocks = [_block(k, children, levels - 1, rows - 1) for k in kids]
    if any(b is None for b in blocks):
        return None
    placed = [b for b in blocks if b is not None]
    columns = sum(b.columns for b in placed)
    if columns <= COLUMNS:
        return _Block(person, max(1, columns), 1 + max(b.rows for b in placed), placed, [])
    lines = math.ceil(len(placed) / COLUMNS)
    if all(b.columns == 1 and b.rows == 1 for b in placed) and 1 + lines <= rows:
        return _Block(person, COLUMNS, 1 + lines, placed, [], wrapped=True)
    return None


def _cut(block: _Block) -> Iterator[Person]:
    """The people in `block` whose reports it leaves out."""
    if block.cut:
        yield block.person
    for kid in block.kids:
        yield from _cut(kid)


def _place(group: list[_Block], continues: Person | None) -> Chart:
    """Give a group of blocks (side by side) their coordinates."""
    boxes: list[Box] = []
    links: list[list[tuple[float, float]]] = []
    column = 0
    for block in group:
        _coordinates(block, column, 0, boxes, links)
        column += block.columns
    width = column * (BOX_W + GAP_X) - GAP_X + 2 * MARGIN
    rows = max(b.rows for b in group)
    height = (
        rows * (BOX_H + GAP_Y) - GAP_Y + 2 * MARGIN + (GAP_Y // 2 if any(True for b in group for _ in _cut(b)) else 0)
    )
    return Chart(sorted(boxes, key=lambda b: (b.y, b.x)), links, width, height, continues=continues)


def _coordinates(block: _Block, column: int, row: int, boxes: list[Box], links: list[list[tuple[float, float]]]) -> Box:
    step_x, step_y = BOX_W + GAP_X, BOX_H + GAP_Y
    if block.wrapped:
        kids = [
            _coordinates(k, column + i % COLUMNS, row + 1 + i // COLUMNS, boxes, links)
            for i, k in enumerate(block.kids)
        ]
        x = MARGIN + column * step_x + (min(len(kids), COLUMNS) - 1) * step_x / 2
    else:
        kids, at = [], column
        for kid in block.kids:
            kids.append(_coordinates(kid, at, row + 1, boxes, links))
            at += kid.columns
        x = (kids[0].x + kids[-1].x) / 2 if kids else MARGIN + column * step_x
    person = block.person
    box = Box(person, x, MARGIN + row * step_y, fit(person.name, BOX_W - 16, 13),
              fit(person.title or "", BOX_W - 16, 11), kids, len(block.cut), wrapped=block.wrapped)  # fmt: skip
    boxes.append(box)
    links += [_connector(box, kid) for kid in kids]
    return box


def _connector(parent: Box, child: Box) -> list[tuple[float, float]]:
    x1, y1 = parent.x + BOX_W / 2, parent.y + BOX_H
    x2, y2 = child.x + BOX_W / 2, child.y
    if not parent.wrapped or child.y - y1 <= GAP_Y:
        middle = y1 + GAP_Y / 2
        return [(x1, y1), (x1, middle), (x2, middle), (x2, y2)]
    # a wrapped row below the first: down a trunk in the gap left of the rows, then along the row's gap
    trunk = min(b.x for b in parent.children) - GAP_X / 2
    return [(x1, y1), (x1, y1 + GAP_Y / 2), (trunk, y1 + GAP_Y / 2), (trunk, y2 - GAP_Y / 2),
            (x2, y2 - GAP_Y / 2), (x2, y2)]  # fmt: skip


def _number(laid_out: list[Chart]) -> list[Chart]:
    """Number the charts and tell each box whose reports are left out which chart shows them."""
    where: dict[str, int] = {}
    for number, chart in enumerate(laid_out, 1):
        chart.number = number
        if chart.continues is not None:
            where.setdefault(chart.continues.id, number)
    for chart in laid_out:
        for box in chart.boxes:
            if box.more:
                box.continued_in = where.get(box.person.id, 0)
    return laid_out


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


def reporting_lines(people: list[Person]) -> list[tuple[Person, Person | None]]:
    """Everyone once, with the person they report to (None: no one in the dossier), tree by tree and each
    boss before their reports, as the charts show them: the charts' text alternative."""
    children, roots = _tree(people)
    by_id = {p.id: p for p in people}
    lines: list[tuple[Person, Person | None]] = []
    seen: set[str] = set()
    stack = list(reversed(roots))
    while stack:
        person = stack.pop()
        if person.id not in seen:
            seen.add(person.id)
            boss = by_id.get(person.reports_to) if person.reports_to and person.reports_to != person.id else None
            lines.append((person, boss))
            stack += reversed(children[person.id])
    return lines


def role_level_matrix(people: list[Person]) -> list[tuple[Level | None, dict[Role, list[Person]]]]:
    """People by level (executive first) and buying role; the level None collects people without one."""
    levels: list[Level | None] = [Level.EXECUTIVE, Level.MANAGEMENT, Level.OPERATING, None]
    rows = []
    for level in levels:
        at_level = [p for p in people if p.level == level]
        if at_level or level is not None:
            rows.append((level, {role: [p for p in at_level if role in p.roles] for role in Role}))
    return rows
