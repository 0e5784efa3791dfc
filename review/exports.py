"""Excel exports of a round's review (issue 5 §9): score sheets, per-department results and the ranking.

Admin-only (the view checks): these show every reviewer's scores. Scores are written as text: two places via
`scoring.fmt2` for people, and the exact Decimal as a string beside it, so nothing is rounded by a spreadsheet.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from portal.exports import xlsx_response
from portal.models import Department, User
from review import rubrics, scoring
from review.enums import AssignmentStatus
from review.models import ReviewPlan, ScoreSheet
from review.services.results import round_ranking
from rubrics import engine


def _filename(round, what: str) -> str:
    return f"{round.programme.name}-{round.name}-{what}-{timezone.localdate():%Y%m%d}.xlsx"


def _points(value) -> str:
    return "" if value is None else scoring.fmt2(value)


def _items(round) -> list:
    try:
        plan = round.review_plan
    except ReviewPlan.DoesNotExist:
        return []
    return list(plan.rubric.items.order_by("order", "pk"))


def _department_order(round) -> dict[int, int]:
    """Department id → its place in the programme (the lead first), for a stable column of departments."""
    ids = round.programme.programme_departments.order_by("order", "pk").values_list("department_id", flat=True)
    return {department_id: place for place, department_id in enumerate(ids)}


def _gate_mark(passed) -> str:
    return {True: _("符合"), False: _("不符合")}.get(passed, "")


def _sheets_in_order(round) -> list[ScoreSheet]:
    """The active reviewers' sheets of the round, by institution, department order, reviewer."""
    order = _department_order(round)
    sheets = (
        ScoreSheet.objects.filter(assignment__application__round=round, assignment__status=AssignmentStatus.ACTIVE)
        .select_related("assignment__application__institution", "assignment__department", "assignment__reviewer")
        .prefetch_related("scores")
    )
    return sorted(
        sheets,
        key=lambda s: (
            s.assignment.application.institution_name,
            s.assignment.application_id,
            order.get(s.assignment.department_id, len(order)),
            s.assignment.reviewer.full_name,
            s.pk,
        ),
    )


def _value(item, score, applicable: bool) -> tuple[str, str, str]:
    """(满分, 是否符合, 得分) of one item on one sheet: 不适用 where it does not bind the institution; 符合/不符合 for a
    required item; points for a judged one (county conditions 2–4 are both)."""
    if not applicable:
        return "", _("不适用"), ""
    mark = _gate_mark(score.passed if score else None) if engine.is_required(item.spec) else ""
    if item.spec.get("kind") != "judged":
        return "", mark, ""
    return _points(item.max_points), mark, _points(score.points if score else None)


def _sheet_lines(sheets, items):
    """One row per sheet × item, numbered from 1."""
    number = 0
    for sheet in sheets:
        scores = {score.item_id: score for score in sheet.scores.all()}
        about = rubrics.subject(sheet.assignment.application)
        for item in items:
            score = scores.get(item.pk)
            number += 1
            maximum, mark, value = _value(item, score, engine.applies(item.spec, about))
            yield [
                number,
                sheet.assignment.application.institution_name,
                sheet.assignment.department.name,
                sheet.assignment.reviewer.full_name,
                sheet.get_status_display(),
                item.code,
                item.title,
                maximum,
                mark,
                value,
                score.comment if score else "",
                _points(sheet.total),
                sheet.justification,
            ]


def score_sheets_xlsx(round):
    """One row per score sheet × item, drafts included; sheets of recused reviewers are left out."""
    headers = [
        _("序号"), _("申报机构"), _("部门"), _("评审专家"), _("状态"), _("指标编号"), _("指标"),
        _("满分"), _("是否符合"), _("得分"), _("评语"), _("总分"), _("偏离说明"),
    ]  # fmt: skip
    rows = _sheet_lines(_sheets_in_order(round), _items(round))
    return xlsx_response(
        filename=_filename(round, _("评分明细")),
        title=_("评分明细"),
        headers=headers,
        rows=rows,
        widths=[6, 36, 24, 12, 12, 8, 30, 8, 10, 10, 40, 10, 40],
    )


def _ranking(round):
    """(ranked, ineligible, application by id with its institution): one query for the names and codes."""
    ranked, ineligible, _accepted = round_ranking(round)
    # Fetched here, not taken from round_ranking: its dict holds accepted applications only, without institutions.
    ids = [row.application_id for row in (*ranked, *ineligible)]
    applications = Application.objects.select_related("institution").in_bulk(ids)
    return ranked, ineligible, applications


def department_results_xlsx(round):
    """One row per application × department: sheets counted, who was dropped, the mean (shown and exact), weight."""
    ranked, ineligible, applications = _ranking(round)
    order = _department_order(round)
    weights = dict(round.programme.programme_departments.values_list("department_id", "weight"))
    results = [result for row in (*ranked, *ineligible) for result in row.departments]
    departments = Department.objects.in_bulk({result.department_id for result in results})
    reviewers = User.objects.in_bulk({pk for result in results for pk in result.dropped})
    headers = [_("申报机构"), _("部门"), _("有效评分表数"), _("去掉的最高最低分"), _("部门平均分"), _("精确值"), _("权重")]

    def dropped(result) -> str:
        if not result.dropped:
            return ""
        lowest, highest = (reviewers[pk].full_name for pk in result.dropped)
        return _("最低分：%(lowest)s；最高分：%(highest)s") % {"lowest": lowest, "highest": highest}

    def lines():
        for row in (*ranked, *ineligible):
            for result in sorted(row.departments, key=lambda d: (order.get(d.department_id, len(order)), d.department_id)):
                weight = weights.get(result.department_id)
                yield [
                    applications[row.application_id].institution_name,
                    departments[result.department_id].name,
                    result.sheet_count,
                    dropped(result),
                    scoring.fmt2(result.mean),
                    str(result.mean),
                    "" if weight is None else str(weight),
                ]

    return xlsx_response(
        filename=_filename(round, _("部门评分")),
        title=_("部门评分"),
        headers=headers,
        rows=lines(),
        widths=[36, 24, 12, 36, 12, 32, 8],
    )


def ranking_xlsx(round):
    """The ranking, then (after an empty row and a title row) the ineligible applications with their failed gates."""
    ranked, ineligible, applications = _ranking(round)
    titles = {item.code: item.title for item in _items(round)}
    headers = [
        _("排名"), _("申报机构"), _("统一社会信用代码"), _("机构类型"), _("综合得分"), _("精确得分"),
        _("优先评定"), _("并列"), _("未通过的必备条件"),
    ]  # fmt: skip

    def line(row, rank, gates):
        application = applications[row.application_id]
        return [
            rank,
            application.institution_name,
            application.institution.uscc,
            application.institution.get_kind_display(),
            scoring.fmt2(row.overall),
            str(row.overall),
            _("是") if row.has_priority else _("否"),
            "" if row.tie_group is None else row.tie_group,
            gates,
        ]

    def lines():
        for row in ranked:
            yield line(row, row.rank, "")
        if ineligible:
            yield []
            yield [_("不符合必备条件（不参与排名）")]
            for row in ineligible:
                yield line(row, "", "、".join(f"{code} {titles.get(code, '')}".strip() for code in row.ineligible_reasons))

    return xlsx_response(
        filename=_filename(round, _("综合排名")),
        title=_("综合排名"),
        headers=headers,
        rows=lines(),
        widths=[8, 36, 22, 24, 10, 32, 10, 6, 40],
    )
