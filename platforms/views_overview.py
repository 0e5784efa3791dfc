"""The supervising admin's overviews of every grassroots platform in its jurisdiction (the system administrator: all):
the staffing ratios with those falling short flagged, and who has done which quarterly duty."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from platforms import selectors
from platforms.models import DutyKind
from platforms.views import STAFF_ROLES
from platforms.views_duties import year_of
from portal.audit import AuditEvent, audit
from portal.exports import xlsx_response
from portal.permissions import role_required


@login_required
@role_required(*STAFF_ROLES)
def overview_staffing(request):
    rows = selectors.staffing_overview(request.user)
    return render(request, "platforms/overview_staffing.html", {
        "rows": rows, "short": sum(1 for _platform, figures in rows if not figures.meets),
    })


def staffing_rows(rows) -> list[list]:
    out = []
    for number, (platform, figures) in enumerate(rows, start=1):
        assistant, guide = figures.ratios
        out.append([
            number, platform.name, platform.region.name, figures.total, assistant.count, assistant.percent, guide.count,
            guide.percent, _("达标") if figures.meets else _("不达标"), "；".join(figures.shortfalls),
        ])
    return out


@login_required
@role_required(*STAFF_ROLES)
def overview_staffing_export(request):
    rows = selectors.staffing_overview(request.user)
    audit(AuditEvent.EXPORT, request=request, detail=f"platform staffing overview, {len(rows)} platforms")
    headers = [_("序号"), _("平台"), _("区划"), _("在岗人数"), _("劳动保障协理员"), _("协理员占比"), _("职业指导师"),
               _("指导师占比"), _("配备比例"), _("缺口")]
    return xlsx_response(filename="基层平台人员配备.xlsx", title=_("人员配备"), headers=headers, rows=staffing_rows(rows),
                         widths=[6, 36, 16, 10, 14, 12, 12, 12, 10, 40])


@login_required
@role_required(*STAFF_ROLES)
def overview_duties(request):
    year = year_of(request)
    platforms = list(selectors.supervised_by(request.user).filter(kind__in=selectors.PLATFORM_KINDS).order_by("region__code", "name"))
    table = selectors.duty_table(platforms, year)
    rows = [(platform, table[platform.pk]) for platform in platforms]
    return render(request, "platforms/overview_duties.html", {
        "rows": rows, "year": year, "years": [year - 1, year + 1], "kinds": DutyKind.choices,
        "overdue": sum(1 for _p, cells in rows for cell in cells if cell.overdue), "today": timezone.localdate(),
    })
