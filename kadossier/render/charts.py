"""Charts as static SVG, drawn by matplotlib: readable without JavaScript, in the page and in the PDF.

The drawing functions take plain data (days, series, the words and the number formats to show) and return
SVG text. Text stays text (`svg.fonttype: none`), so Chinese labels are drawn by the browser or WeasyPrint
with the page's fonts; every text names the CJK families first (`FONT_FAMILY`). The SVG scales to its
container (a viewBox, width 100%), and says what it shows to a screen reader (`role="img"`, a label, and a
`<title>`). Only matplotlib's Agg/SVG machinery is used, with `matplotlib.figure.Figure` directly and
the settings in a context: no GUI, and nothing of matplotlib's global state changes.

`Charts` binds them to a presenter: the labels of the workspace's language and its money formats, for the
pipeline over time (kadossier.history.trends).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from kadossier.history.trends import Trends
    from kadossier.render.present import Presenter

FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
"""The fonts every text of a chart asks for (the reader's own, by name): CJK-capable ones first."""
_LAYOUT_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "DejaVu Sans")
"""The fonts matplotlib may measure text with, the first installed one (the SVG then names FONT_FAMILY)."""
COLORS = ("#3f51b5", "#26a69a", "#ffa726", "#ef5350", "#8d6e63", "#78909c")
"""The series' colours: the site's indigo first, then colours told apart also in grey."""
STAGE_COLORS = ("#cfd8dc", "#90caf9", "#42a5f5", "#3f51b5", "#ffb300", "#43a047")
"""The funnel's stages, from interest (light) through the blues to commit (amber) and use (green)."""

Format = Callable[[float], str]


@cache
def _families() -> list[str]:
    """The fonts of _LAYOUT_FAMILIES that matplotlib finds on this machine (asking for a missing one logs)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [f for f in _LAYOUT_FAMILIES if f in installed] or ["DejaVu Sans"]


def _settings() -> Any:
    return {
        "svg.fonttype": "none",  # text stays text: the reader's fonts draw it, Chinese included
        "svg.hashsalt": "kadossier",  # the same chart gives the same SVG (ids are hashes otherwise random)
        "font.family": _families(),
        "font.size": 9,
        "axes.edgecolor": "#9e9e9e",
        "axes.labelcolor": "#424242",
        "xtick.color": "#616161",
        "ytick.color": "#616161",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "grid.color": "#e0e0e0",
        "legend.frameon": False,
    }


def line_chart(
    days: Sequence[dt.date],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    description: str,
    day_label: Callable[[dt.date], str],
    number: Format,
    size: tuple[float, float] = (8.0, 3.0),
    legend: bool = True,
    font: str = FONT_FAMILY,
) -> str:
    """Lines over the days, the first one filled below: (label, values) per series; SVG text."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    with matplotlib.rc_context(_settings()), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a glyph the layout font lacks: the reader's font draws it
        figure = Figure(figsize=size, layout="constrained")
        axes = figure.add_subplot()
        x = list(range(len(days)))
        for i, (label, values) in enumerate(series):
            color = COLORS[i % len(COLORS)]
            axes.plot(x, values, color=color, linewidth=2 if i == 0 else 1.5, linestyle="-" if i == 0 else "--")
            axes.lines[-1].set_label(label)
            if i == 0:
                axes.fill_between(x, values, color=color, alpha=0.08, linewidth=0)
            if len(x) == 1:
                axes.plot(x, values, marker="o", color=color)
        axes.set_ylim(bottom=0)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v)))
        _day_ticks(axes, days, day_label)
        if legend and series:
            # above the plot, where no line runs
            axes.legend(
                loc="lower left",
                bbox_to_anchor=(0.0, 1.0),
                ncols=1,  # one entry a row: the reader's font may draw a label wider than matplotlib measured it
                fontsize=8,
                borderaxespad=0.2,
            )
        _pad(figure)
        return _svg(figure, description, font)


def stacked_chart(
    days: Sequence[dt.date],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    description: str,
    day_label: Callable[[dt.date], str],
    colors: Sequence[str] = STAGE_COLORS,
    size: tuple[float, float] = (8.0, 3.2),
    font: str = FONT_FAMILY,
) -> str:
    """Stacked areas over the days: (label, counts) per series, the first at the bottom; SVG text."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with matplotlib.rc_context(_settings()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figure = Figure(figsize=size, layout="constrained")
        axes = figure.add_subplot()
        x = list(range(len(days)))
        if series:
            axes.stackplot(
                x,
                *[values for _, values in series],
                labels=[label for label, _ in series],
                colors=[colors[i % len(colors)] for i in range(len(series))],
                edgecolor="white",
                linewidth=0.4,
            )
        axes.set_ylim(bottom=0)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        _day_ticks(axes, days, day_label)
        if series:
            # the legend reads top to bottom as the stack does, beside the chart
            handles, labels = axes.get_legend_handles_labels()
            axes.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        _pad(figure)
        return _svg(figure, description, font)


def _pad(figure: Any) -> None:
    """Room around the plot for labels that the reader's font draws wider than matplotlib measured them."""
    figure.get_layout_engine().set(w_pad=0.25, h_pad=0.08)


def _day_ticks(axes: object, days: Sequence[dt.date], day_label: Callable[[dt.date], str]) -> None:
    """At most 7 ticks on the x axis, on the first week of a month, labelled by `day_label`."""
    firsts = [i for i, d in enumerate(days) if i == 0 or d.month != days[i - 1].month]
    step = max(1, -(-len(firsts) // 7))
    ticks = firsts[::step] if len(days) > 1 else [0]
    axes.set_xticks(ticks, [day_label(days[i]) for i in ticks])  # type: ignore[attr-defined]
    axes.set_xlim(0, max(len(days) - 1, 1))  # type: ignore[attr-defined]
    axes.margins(x=0)  # type: ignore[attr-defined]


_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_STYLESHEET = re.compile(r"\s*<defs>\s*<style[^>]*>(.*?)</style>\s*</defs>", re.DOTALL)
_SIZE = re.compile(r'<svg\b([^>]*?)\swidth="[^"]*"\s+height="[^"]*"')
_STYLE = re.compile(r'style="([^"]*)"')


def _svg(figure: object, description: str, font: str) -> str:
    """The figure as SVG for inline use: no XML prologue, scaled to its container, described (its size is the
    figure's, laid out by matplotlib's constrained layout: charts of one page are the same height).

    matplotlib styles elements with CSS (`style` attributes, and a `<style>` sheet for `*`); inline in a page,
    that sheet would apply to the whole page, and WeasyPrint's CSS does not know SVG's properties. So every
    declaration becomes the presentation attribute of the same name, which browsers and WeasyPrint both read,
    and the font family is ours (`font`)."""
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})  # type: ignore[attr-defined]
    text = _METADATA.sub("", _PROLOGUE.sub("", out.getvalue(), count=1), count=1)
    sheet = _STYLESHEET.search(text)
    inherited = _attributes(sheet[1].strip().removeprefix("*").strip("{} \n"), font) if sheet else ""
    text = _STYLESHEET.sub("", text, count=1)
    text = _STYLE.sub(lambda m: _attributes(m[1], font).strip(), text)
    label = str(escape(description))
    text = _SIZE.sub(
        lambda m: f'<svg{m[1]} width="100%" role="img" aria-label="{label}" class="kad-chart-svg"{inherited}',
        text,
        count=1,
    )
    return re.sub(r"(<svg\b[^>]*>)", lambda m: f"{m[1]}<title>{label}</title>", text, count=1)


def _attributes(style: str, font: str) -> str:
    """CSS declarations as SVG presentation attributes (` name="value"` each), the font family replaced."""
    found = []
    for rule in style.split(";"):
        name, _, value = rule.partition(":")
        if name.strip() and value.strip():
            value = font if name.strip() == "font-family" else value.strip()
            found.append(f' {name.strip()}="{escape(value)}"')
    return "".join(found)


class Charts:
    """The charts of the pipeline over time, in a presenter's language and money formats; `font` is the CSS
    font family list their text asks for (the PDFs name their own font)."""

    def __init__(self, presenter: Presenter, font: str = FONT_FAMILY) -> None:
        self.P = presenter
        self.font = font

    def _day(self, day: dt.date) -> str:
        return self.P.month(day)

    def _money(self, currency: str) -> Format:
        return lambda v: self.P.amount(v, currency, compact=True) if v else "0"

    def pipeline(self, trends: Trends, currency: str, *, small: bool = False) -> Markup:
        """The open and the weighted pipeline in `currency`, week by week."""
        ui = self.P.ui
        description = ui["trend_pipeline_chart"].format(currency=currency, weeks=len(trends.weeks))
        series = [(ui["open_pipeline"], trends.value(currency)), (ui["weighted_pipeline"], trends.weighted(currency))]
        size = (6.0, 2.2) if small else (8.0, 3.0)
        return self._lines(trends, series, description, currency, size)

    def stages(self, trends: Trends) -> Markup:
        """The number of open projects per stage, week by week, stacked."""
        series = [(self.P.label("stage", stage), counts) for stage, counts in trends.stage_counts().items()]
        description = self.P.ui["trend_stages_chart"].format(weeks=len(trends.weeks))
        return Markup(stacked_chart(trends.days, series, description=description, day_label=self._day, font=self.font))

    def account(self, trends: Trends | None, account_id: str) -> Markup:
        """One account's open pipeline per currency, week by week (small, for its PDF pack); nothing without two
        weeks of history or a value in them."""
        values = trends.account(account_id) if trends is not None else {}
        if trends is None or len(trends.weeks) < 2 or not any(any(v) for v in values.values()):
            return Markup("")
        series = [(self.P.ui["trend_account_series"].format(currency=code), v) for code, v in values.items()]
        description = self.P.ui["trend_account_chart"].format(weeks=len(trends.weeks))
        currency = next(iter(values), self.P.currency)
        return self._lines(trends, series, description, currency, (6.5, 2.0))

    def _lines(
        self,
        trends: Trends,
        series: list[tuple[str, list[float]]],
        description: str,
        currency: str,
        size: tuple[float, float],
    ) -> Markup:
        """Amounts in `currency` week by week, one line a series."""
        chart = line_chart(
            trends.days,
            series,
            description=description,
            day_label=self._day,
            number=self._money(currency),
            size=size,
            font=self.font,
        )
        return Markup(chart)
