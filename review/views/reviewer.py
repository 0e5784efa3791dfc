"""The reviewer's task page (declare, then score) and the department lead's opinion page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Application
from applications.selectors import self_check_rows
from portal.enums import Role
from portal.permissions import get_object_for_user_or_404, role_required, visible
from portal.transitions import Refused
from review.enums import AssignmentStatus, SheetStatus
from review.forms import DeclarationForm, OpinionForm
from review.forms_score import ScoreSheetForm
from review.models import DepartmentOpinion, ReviewAssignment, ScoreSheet
from review.services import assignments as assignment_services
from review.services import results, sheets
from rubrics.engine import FactsError


@role_required(Role.REVIEWER)
def assignment(request, pk: int):
    assignment = get_object_for_user_or_404(request.user, ReviewAssignment, "review", pk=pk)
    if assignment.status == AssignmentStatus.AWAITING_DECLARATION:
        # Nothing of the application's material is shown before the declaration (issue 5 §3).
        return render(request, "review/declare.html", {"assignment": assignment, "form": DeclarationForm()})
    sheet, _created = ScoreSheet.objects.get_or_create(assignment=assignment)
    application = assignment.application
    scores = {s.item_id: s for s in sheet.scores.all()}
    has_priority = application.priority_items.exists()  # no priority item claimed: no bonus (sheets._check_priority)
    form = ScoreSheetForm(
        request.POST or None,
        lines=sheets.sheet_lines(sheet),
        scores=scores,
        justification=sheet.justification,
        bonus_allowed=has_priority or not sheet.is_editable,  # a locked sheet shows what was saved, as it was
    )
    unsaved = request.method == "POST"  # the page shows what was posted: not saved, unless the save went through
    if request.method == "POST":
        if form.is_valid():
            try:
                sheets.sheet_save(sheet=sheet, actor=request.user, values=form.values(), justification=form.cleaned_data["justification"])
                unsaved = False  # saved; only the submission may still be refused
                if request.POST.get("action") == "submit":
                    sheets.sheet_submit(sheet=sheet, actor=request.user)
                    messages.success(request, _("评分已提交并锁定。"))
                else:
                    messages.success(request, _("评分草稿已保存。"))
                return redirect("review:assignment", pk=assignment.pk)
            except Refused as error:
                messages.error(request, str(error))
        else:
            messages.error(request, _("评分未保存：请按提示修改标出的内容。"))
    return render(request, "review/score.html", _sheet_context(request, sheet, form, unsaved=unsaved, scored=bool(scores)))


def _sheet_context(request, sheet: ScoreSheet, form, *, unsaved: bool, scored: bool) -> dict:
    """The score page's context: the sheet's result on the engine, other reviewers' totals once the stage is closed,
    the defense and inspection records, and the application's own material where the reviewer may see it."""
    assignment, application = sheet.assignment, sheet.assignment.application
    review_plan = application.round.review_plan
    result, missing = None, []
    if scored:
        try:
            result, missing = sheets.sheet_result(sheet, lines=form.lines)
        except FactsError:  # a saved line over a maximum lowered since in the rubric: no total until it is fixed
            result = None
    others = []
    if review_plan.is_closed:  # other reviewers' scores only once the stage is closed (issue 5 §4)
        others = ScoreSheet.objects.filter(
            assignment__application=application, status=SheetStatus.SUBMITTED, assignment__status=AssignmentStatus.ACTIVE
        ).exclude(pk=sheet.pk).select_related("assignment__reviewer", "assignment__department")
    context = {
        "assignment": assignment,
        "application": application,
        "plan": review_plan,
        "sheet": sheet,
        "form": form,
        "total": result.total if result else None,
        "not_met": result.excluded_by if result else [],
        "missing": missing,
        "others": others,
        "defense_slots": application.defense_slots.select_related("session"),
        "inspections": application.field_inspections.prefetch_related("inspectors", "photos"),
        "bonus_cap": review_plan.rubric.bonus_cap,
        "unsaved": unsaved,
    }
    # The application's own material beside the sheet: only what its detail page would show this reviewer, under the
    # same remit (an active assignment whose reviewer declared no conflict holds it; a recusal withdraws it).
    if visible(request.user, Application).filter(pk=application.pk).exists():
        context["materials"] = {
            "answers": [row for row in self_check_rows(application) if row.answer or not row.applies],
            "priority_items": application.priority_items.select_related("proof"),
            "attachments": application.attachments.select_related("condition"),
        }
    return context



@role_required(Role.REVIEWER)
@require_POST
def declare(request, pk: int):
    assignment = get_object_for_user_or_404(request.user, ReviewAssignment, "review", pk=pk)
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        return render(request, "review/declare.html", {"assignment": assignment, "form": form})
    try:
        assignment_services.conflict_declare(
            assignment=assignment, actor=request.user, kind=form.cleaned_data["kind"], detail=form.cleaned_data["detail"]
        )
    except Refused as error:
        messages.error(request, str(error))
        return redirect("review:assignment", pk=assignment.pk)
    assignment.refresh_from_db()
    if assignment.status == AssignmentStatus.RECUSED:
        messages.success(request, _("已记录您的利益冲突声明，您已回避该申报的评审。管理员将另行分配。"))
        return redirect("home")
    messages.success(request, _("已声明无利益冲突，现在可以查看材料并评分。"))
    return redirect("review:assignment", pk=assignment.pk)


@role_required(Role.DEPARTMENT_LEAD)
def opinion(request, application_pk: int):
    application = get_object_for_user_or_404(request.user, Application, pk=application_pk)
    department = request.user.department
    existing = DepartmentOpinion.objects.filter(application=application, department=department).first()
    initial = {"signed_on": timezone.localdate()}
    if existing:
        initial = {"verdict": existing.verdict, "text": existing.text, "signed_on": existing.signed_on}
    form = OpinionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            results.opinion_sign(application=application, actor=request.user, **form.cleaned_data)
            messages.success(request, _("部门意见已签署，并已填入申报表。"))
            return redirect("review:opinion", application_pk=application.pk)
        except Refused as error:
            messages.error(request, str(error))
    department_sheets = ScoreSheet.objects.filter(
        assignment__application=application,
        assignment__department=department,
        assignment__status=AssignmentStatus.ACTIVE,
        status=SheetStatus.SUBMITTED,
    ).select_related("assignment__reviewer")
    context = {
        "application": application,
        "department": department,
        "existing": existing,
        "form": form,
        "department_sheets": department_sheets,
    }
    return render(request, "review/opinion.html", context)
