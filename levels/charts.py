"""The dashboard's bar charts, laid out here and drawn by templates/levels/_chart.html as inline SVG: no script, no
library, nothing fetched. Printed in black and white they still read: each series has its own fill (hatched, solid
dark, light grey, dotted), named in the legend, and every bar carries its number in words (「目标 8」)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from levels.selectors import Dashboard

# In viewBox units: the chart is as wide as the page's panel (width="100%") and scales with it, about 1:1.2 on a
# desktop; a group of two bars is 42 high, so 16 cities fit in about 850 pixels.
WIDTH = 960
LABEL_WIDTH = 150  # the region's or year's name, right-aligned before the bars
TEXT_ROOM = 110  # after the longest bar, for its label
TOP = 36  # the legend
BAR, GAP, GROUP_GAP = 14, 2, 10
# Fills by series, in order: told apart by pattern and grey level, not by colour alone.
STYLES = ("hatch", "solid", "light", "dots")
SOLID, LIGHT, INK = "#1f3f6b", "#c9ced6", "#222222"


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    fill: str
    text: str
    text_x: int
    text_y: int
    height: int = BAR


@dataclass(frozen=True)
class Group:
    label: str
    label_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class Legend:
    x: int
    fill: str
    label: str


@dataclass(frozen=True)
class Chart:
    uid: str
    title: str
    height: int
    groups: list[Group]
    legend: list[Legend]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH


def _fill(uid: str, style: str) -> str:
    return {"hatch": f"url(#{uid}-hatch)", "solid": SOLID, "light": LIGHT, "dots": f"url(#{uid}-dots)"}[style]


def bar_chart(*, uid: str, title: str, series: list[str], groups: list[tuple[str, list[int | None]]],
              styles: tuple[str, ...] = STYLES) -> Chart:
    """A horizontal bar chart: per group (a region, a year) one bar per series, with its number; None draws no bar
    and says 「未下达」. `styles`: the series' fills in order (hatched is the targets' in every chart)."""
    top = max([value or 0 for _label, values in groups for value in values] + [1])
    room = WIDTH - LABEL_WIDTH - TEXT_ROOM
    fills = [_fill(uid, styles[index % len(styles)]) for index in range(len(series))]
    laid, y = [], TOP
    for label, values in groups:
        bars = []
        for index, value in enumerate(values):
            width = round(room * (value or 0) / top)
            text = f"{series[index]} {value}" if value is not None else f"{series[index]} {_('未下达')}"
            bars.append(Bar(LABEL_WIDTH, y, width, fills[index], text, LABEL_WIDTH + width + 6, y + BAR - 2))
            y += BAR + GAP
        laid.append(Group(label, y - (BAR + GAP) * len(values) // 2 + 4, bars))
        y += GROUP_GAP
    legend = [Legend(LABEL_WIDTH + index * 140, fills[index], name) for index, name in enumerate(series)]
    return Chart(uid=uid, title=title, height=y, groups=laid, legend=legend)


def child_charts(board: Dashboard) -> list[Chart]:
    """Per level handed down: each child's target against its valid titles."""
    charts = []
    for position, level in enumerate(board.handed_down):
        groups = []
        for row in board.children:
            cell = row.cells[position]
            name = row.region.name if row.region is not None else _("本级（%(name)s）") % {"name": row.label}
            groups.append((name, [cell.count, cell.valid]))
        charts.append(bar_chart(
            uid=f"chart-children-{level}", series=[_("目标"), _("有效")], groups=groups,
            title=_("%(level)s：各下级区划目标与有效称号") % {"level": level.label},
        ))
    return charts


def year_chart(board: Dashboard) -> Chart:
    """Per year of award: the valid titles of each level."""
    groups = [(_("%(year)d年") % {"year": row.year}, [cell.valid for cell in row.in_order]) for row in board.years]
    return bar_chart(uid="chart-years", title=_("各年度授予且有效的称号"), groups=groups,
                     series=[level.label for level in board.levels], styles=("solid", "light", "dots"))
