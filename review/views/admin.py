"""The programme admin's review pages: plan, assignment and recusal, progress, ranking and shortlist."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.enums import Role
from portal.models import Round
from portal.permissions import get_object_for_user_or_404, role_required
from portal.titles import period_remaining, quota_remaining
from portal.transitions import Refused
from review import rubrics
from review.enums import AssignmentStatus, ReviewMethod
from review.forms import AssignmentAddForm, ReasonForm, ReviewPlanForm
from review.models import ReviewAssignment, ReviewPlan, ScoreSheet
from review.services import assignments as assignment_services
from review.services import plans, results, sheets

ADMINS = (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)


def _plan_or_redirect(request, round):
    plan = ReviewPlan.objects.filter(round=round).select_related("rubric").first()
    if plan is None:
        messages.info(request, _("请先制定评审方案。"))
    return plan


@role_required(*ADMINS)
def plan(request, round_pk: int):
    round = get_object_for_user_or_404(request.user, Round, "manage", pk=round_pk)
    instance = ReviewPlan.objects.filter(round=round).first()
    default = rubrics.programme_rubric(round.programme)
    initial = {"methods": [ReviewMethod.WRITTEN], "rubric": default, **plans.plan_defaults(round)}
    form = ReviewPlanForm(
        request.POST or None, instance=instance, initial=None if instance else initial,
        rubrics=rubrics.reviewable_rubrics(round.programme),
    )
    if request.method == "POST" and form.is_valid():
        try:
            plans.plan_save(round=round, actor=request.user, **form.cleaned_data)
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("评审方案已保存。"))
            return redirect("review:assignments", round_pk=round.pk)
    rubric = instance.rubric if instance else default
    context = {"round": round, "form": form, "rubric": rubric, "lines": rubrics.rubric_lines(rubric)}
    return render(request, "review/plan.html", context)


@role_required(*ADMINS)
def assignments(request, round_pk: int):
    round = get_object_for_user_or_404(request.user, Round, "manage", pk=round_pk)
    review_plan = _plan_or_redirect(request, round)
    if review_plan is None:
        return redirect("review:plan", round_pk=round.pk)
    departments = [pd.department for pd in round.programme.programme_departments.select_related("department")]
    applications = assignment_services.accepted_applications(round).order_by("institution_name")
    rows = ReviewAssignment.objects.filter(application__round=round).select_related("reviewer", "department", "sheet")
    by_cell = {}
    for assignment in rows:
        assignment.flags = assignment_services.conflict_flags(reviewer=assignment.reviewer, application=assignment.application) if assignment.status == AssignmentStatus.PROPOSED else []
        by_cell.setdefault((assignment.application_id, assignment.department_id), []).append(assignment)
    recusals = assignment_services.recusal_counts(round)
    table = [
        {"application": a, "recusals": recusals.get(a.pk, 0), "cells": [by_cell.get((a.pk, d.pk), []) for d in departments]}
        for a in applications
    ]
    context = {
        "round": round,
        "plan": review_plan,
        "departments": departments,
        "table": table,
        "proposed": rows.filter(status=AssignmentStatus.PROPOSED).count(),
        "add_form": AssignmentAddForm(applications=applications, departments=departments),
        "progress": sheets.department_progress(review_plan),
        "reason_form": ReasonForm(),
    }
    return render(request, "review/assignments.html", context)


@role_required(*ADMINS)
@require_POST
def assignments_propose(request, round_pk: int):
    round = get_object_for_user_or_404(request.user, Round, "manage", pk=round_pk)
    gaps = assignment_services.assignments_propose(round=round, actor=request.user)
    for gap in gaps:
        messages.warning(request, gap)
    messages.success(request, _("已生成分配建议，请核对后确认。"))
    return redirect("review:assignments", round_pk=round.pk)


@role_required(*ADMINS)
@require_POST
def assignments_confirm(request, round_pk: int):
    round = get_object_for_user_or_404(request.user, Round, "manage", pk=round_pk)
    count = assignment_services.assignments_confirm(round=round, actor=request.user)
    if count:
        messages.success(request, _("已确认%(count)d项分配，并已通知评审专家。") % {"count": count})
    else:  # confirmed a moment ago (a second click, another admin), or nothing proposed
        messages.info(request, _("没有待确认的分配。"))
    return redirect("review:assignments", round_pk=round.pk)


@role_required(*ADMINS)
@require_POST
def assignment_add(request, round_pk: int):
    round = get_object_for_user_or_404(request.user, Round, "manage", pk=round_pk)
    departments = [pd.department for pd in round.programme.programme_departments.select_related("department")]
    form = AssignmentAddForm(request.POST, applications=assignment_services.accepted_applications(round), departments=departments)
    if form.is_valid():
        try:
            assignment_services.assignment_create(
                application=form.cleaned_data["application"],
                reviewer=form.cleaned_data["reviewer"],
                actor=request.user,
                override=form.cleaned_data["override"],
            )
            messages.success(request, _("已添加分配（待确认）。"))
        except Refused as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("请选择申报和评审专家。"))
    return redirect("review:assignments", round_pk=round.pk)


def _managed_assignment(request, pk: int) -> ReviewAssignment:
    assignment = get_object_for_user_or_404(request.user, ReviewAssignment, "manage", pk=pk)
    return assignment


@role_required(*ADMINS)
@require_POST
def assignment_remove(request, pk: int):
    assignment = _managed_assignment(request, pk)
    try:
        assignment_services.assignment_remove(assignment=assignment, actor=request.user)
        messages.success(request, _("已删除该分配建议。"))
    except Refused as error:
        messages.error(request, str(error))
    return redirect("review:assignments", round_pk=assignment.application.round_id)


@role_required(*ADMINS)
@require_POST
def assignment_recuse(request, pk: int):
    assignment = _managed_assignment(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写回避原因。"))
    else:
        try:
            assignment_services.assignment_recuse(assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("%(name)s 已回避，请为该申报重新分配评审专家。") % {"name": assignment.reviewer})
        except Refused as error:
            messages.error(request, str(error))
    return redirect("review:assignments", round_pk=assignment.application.round_id)


@role_required(*ADMINS)
@require_POST
def sheet_reopen(request, pk: int):
    sheet = get_object_for_user_or_404(request.user, ScoreSheet, "manage", pk=pk)
    form = ReasonForm(request.POST)
    try:
        sheets.sheet_reopen(sheet=sheet, actor=request.user, reason=form.data.get("reason", ""))
        messages.success(request, _("评分表已退回该专家修改。"))
    except Refused as error:
        messages.error(request, str(error))
    return redirect("review:ranking", round_pk=sheet.assignment.application.round_id)


@role_required(*ADMINS)
@require_POST
def close_scoring(request, round_pk: int):
    round = get_object_for_user_or_404(request.user, Round, "manage", pk=round_pk)
    review_plan = get_object_or_404(ReviewPlan, round=round)
    try:
        sheets.plan_close_scoring(
            plan=review_plan, actor=request.user, reason=request.POST.get("reason", ""), request=request
        )
        messages.success(request, _("评分阶段已关闭。"))
    except Refused as error:
        messages.error(request, str(error))
    return redirect("review:ranking", round_pk=round.pk)


@role_required(*ADMINS)
def ranking(request, round_pk: int):
    round = get_object_for_user_or_404(request.user, Round, "manage", pk=round_pk)
    review_plan = _plan_or_redirect(request, round)
    if review_plan is None:
        return redirect("review:plan", round_pk=round.pk)
    ranked, ineligible, applications = results.round_ranking(round)
    unscored = sheets.unscored_applications(review_plan)
    shortlist = getattr(round, "shortlist", None)
    chosen = set(shortlist.entries.values_list("application_id", flat=True)) if shortlist else set()
    skips = dict(shortlist.skips.values_list("application_id", "reason")) if shortlist else {}
    departments = {pd.department_id: pd.department for pd in round.programme.programme_departments.select_related("department")}
    rows = [
        {"row": row, "application": applications[row.application_id], "chosen": row.application_id in chosen, "skip": skips.get(row.application_id, ""),
         "departments": [(departments.get(d.department_id), d) for d in row.departments]}
        for row in ranked
    ]
    ties = {}
    for item in rows:
        if item["row"].tie_group is not None:
            ties.setdefault(item["row"].tie_group, []).append(item)
    context = {
        "round": round,
        "plan": review_plan,
        "rows": rows,
        "ties": ties,
        "ineligible": [{"row": row, "application": applications[row.application_id]} for row in ineligible],
        "shortlist": shortlist,
        "limit": quota_remaining(round),
        "period_remaining": period_remaining(round),
        "progress": sheets.department_progress(review_plan),
        "close_blockers": [] if review_plan.is_closed else sheets.scoring_close_blockers(review_plan, unscored=unscored),
        "unscored": unscored,
    }
    return render(request, "review/ranking.html", context)


def _form_int(text: str) -> int | None:
    """A position or id typed in a form, or None: "²" passes isdigit() but not int(), and a 5,000-digit number
    neither int() nor the database takes (docs/security.md 12)."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


@role_required(*ADMINS)
@require_POST
def tie_break(request, round_pk: int):
    round = get_object_for_user_or_404(request.user, Round, "manage", pk=round_pk)
    positions = []
    for key, value in request.POST.items():
        position, pk = _form_int(value), _form_int(key[4:])
        if key.startswith("pos_") and position is not None and pk is not None:
            positions.append((position, pk))
    order = [pk for _position, pk in sorted(positions)]
    try:
        results.tie_break_record(round=round, order=order, reason=request.POST.get("reason", ""), actor=request.user)
        messages.success(request, _("并列排序已记录。"))
    except Refused as error:
        messages.error(request, str(error))
    return redirect("review:ranking", round_pk=round.pk)


@role_required(*ADMINS)
@require_POST
def shortlist(request, round_pk: int):
    round = get_object_for_user_or_404(request.user, Round, "manage", pk=round_pk)
    chosen = [pk for pk in map(_form_int, request.POST.getlist("application")) if pk is not None]
    reasons = {_form_int(k[5:]): v for k, v in request.POST.items() if k.startswith("skip_") and _form_int(k[5:]) is not None}
    try:
        saved = results.shortlist_save(round=round, application_ids=chosen, skip_reasons=reasons, actor=request.user)
        messages.success(request, _("拟评定名单已保存（%(count)d家）。") % {"count": saved.entries.count()})
    except Refused as error:
        messages.error(request, str(error))
    return redirect("review:ranking", round_pk=round.pk)
