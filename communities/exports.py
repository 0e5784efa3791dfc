"""The record of an entry's evaluations (issue 15, 4): per item, each level's points and facts and, where a level
changed the one below, its reason; for the file (存档)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from communities import chain
from communities.enums import Level
from portal.exports import xlsx_response


def _points(value) -> str:
    return "" if value is None else f"{value.normalize():f}"


def comparison_xlsx(entry):
    rows, levels = chain.comparison(entry)
    headers = [_("编号"), _("指标"), _("分值")]
    for level in levels:
        label = Level(level).label
        headers += [_("%(level)s得分") % {"level": label}, _("%(level)s事实") % {"level": label},
                    _("%(level)s改动理由或说明") % {"level": label}]

    def lines():
        for row in rows:
            line = [row.code, row.title, _points(row.maximum)]
            for cell in row.cells:
                line += [_points(cell.points), cell.facts, cell.reason]
            yield line

    name = f"{entry.community.name}-{entry.campaign.year}-{_('评估对照')}-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(filename=name, title=_("评估对照"), headers=headers, rows=lines(),
                         widths=[8, 40, 8] + [10, 40, 40] * len(levels))
