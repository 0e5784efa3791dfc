"""The dashboard's figures as an Excel sheet (docs/security.md 16 through portal.exports): the scope's targets per
level, each child region's, and each year's titles, one row each, for a bureau's year-end report."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from levels.selectors import Cell, Dashboard
from portal.exports import xlsx_response

HEADERS = (
    gettext_lazy("分组"), gettext_lazy("区划或年度"), gettext_lazy("层级"), gettext_lazy("目标（家）"),
    gettext_lazy("有效称号"), gettext_lazy("已撤销"), gettext_lazy("完成率"), gettext_lazy("完成期限"),
    gettext_lazy("完成情况"),
)


def _line(group: str, name: str, cell: Cell, *, with_target: bool = True) -> list:
    if not with_target:
        return [group, name, str(cell.level.label), "", cell.valid, cell.revoked, "", "", ""]
    deadline = cell.target.deadline.isoformat() if cell.target else ""
    return [group, name, str(cell.level.label), cell.count if cell.count is not None else "", cell.valid, cell.revoked,
            cell.rate, deadline, cell.state]


def dashboard_xlsx(board: Dashboard):
    scope = board.scope.name if board.scope else _("全部辖区")

    def lines():
        for cell in board.totals:
            yield _line(_("本辖区"), scope, cell)
        for row in board.children:
            name = row.region.name if row.region else _("本级（%(name)s）") % {"name": row.label}
            for cell in row.cells:
                yield _line(_("下级区划"), name, cell, with_target=row.region is not None)
        for row in board.years:
            for cell in row.in_order:
                yield _line(_("年度"), _("%(year)d年") % {"year": row.year}, cell, with_target=False)

    name = f"{scope}-{_('十百千目标进度')}-{board.period.name.replace('“', '').replace('”', '')}-{board.today:%Y%m%d}.xlsx"
    return xlsx_response(filename=name, title=_("十百千目标进度"), headers=HEADERS, rows=lines(),
                         widths=[10, 22, 8, 10, 10, 8, 10, 12, 14])
