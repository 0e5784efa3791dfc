"""The year's grades as an Excel sheet (portal.exports.xlsx_response)."""

from django.utils.translation import gettext as _

from appraisal import scoring, selectors
from appraisal.models import Appraisal
from portal.exports import xlsx_response


def grade_rows(appraisal: Appraisal) -> list[list]:
    rows = []
    for number, line in enumerate(selectors.lines(appraisal), start=1):
        member = line.member
        marks = [str(mark.quantize(scoring.CENT)) for mark in line.dimension_list] or ["—"] * len(scoring.dimensions())
        rows.append([
            number, member.name, member.position, member.staff_number, *marks,
            str(line.score.total) if line.score else _("未评分"), line.complaints, line.grade_label or "—",
            line.reason or "—", selectors.dismiss_text() if line.dismiss else "",
        ])
    return rows


def grades_response(appraisal: Appraisal):
    headers = [
        _("序号"), _("姓名"), _("岗位"), _("工号"),
        *[_("%(title)s（百分制）") % {"title": title} for _code, title, _points in scoring.dimensions()],
        _("总分"), _("当年查实投诉次数"), _("等级"), _("评定依据"), _("处理提示"),
    ]
    return xlsx_response(
        filename=f"{appraisal.institution.name}{appraisal.year}年度考核.xlsx", title=_("%(year)d年度考核") % {"year": appraisal.year},
        headers=headers, rows=grade_rows(appraisal), widths=[6, 10, 14, 8, 10, 10, 10, 10, 8, 10, 10, 36, 10],
    )
