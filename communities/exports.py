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


def progress_xlsx(campaign, entries, rows=None):
    """创建进度 of the towns in the user's jurisdiction, for the year-end assessment (纳入年度就业工作考核)."""
    headers = [_("镇（街道）"), _("列入创建"), _("社区数"), _("村数"), _("建设数量任务"), _("社区建设率任务（%）"),
               _("村建设率任务（%）"), _("已推荐、核定或认定的社区"), _("已推荐、核定或认定的村"), _("完成情况")]

    def lines():
        for row in rows if rows is not None else chain.town_progress(campaign, entries):
            met = "" if row.met is None else (_("已完成") if row.met else _("未完成"))
            yield [row.town.name, row.listed, row.communities, row.villages, row.target_count,
                   _points(row.target_community_rate), _points(row.target_village_rate), row.advanced_communities,
                   row.advanced_villages, met]

    name = f"{campaign}-{_('创建进度')}-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(filename=name, title=_("创建进度"), headers=headers, rows=lines(),
                         widths=[16, 10, 8, 8, 12, 16, 16, 18, 16, 10])
