"""Assessments in the browser (评估记录): a new assessment of a rubric, its page of facts and points, evidence files per
item, and the rubric's Excel template downloaded and uploaded back with a preview of what it changes.

An assessment is seen and edited by its creator and by the admins who may edit its rubric (rubrics.selectors);
everyone else gets a 404.
"""

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from portal.permissions import get_object_for_user_or_404, role_required, visible
from portal.transitions import Refused
from rubrics import assessments, excel, uploads
from rubrics.assessment_forms import AssessmentForm, EvidenceForm, FactsForm, WorkbookForm
from rubrics.assessment_sheet import build_sheet
from rubrics.enums import EVENT_LEVELS
from rubrics.ledger import LedgerError
from rubrics.models import Assessment, Rubric
from rubrics.services import rubric_data
from rubrics.views import ADMINS

TEMPLATE_SALT = "rubrics.assessment.template"
TEMPLATE_MAX_AGE = 60 * 60  # a preview is applied within the hour, or uploaded again


def _assessment(request, pk: int, action: str = "edit") -> Assessment:
    """The assessment, if the user may see it ("view") or change it ("edit": not locked, not another app's to keep)."""
    return get_object_for_user_or_404(request.user, Assessment, action, pk=pk)


def _editable(user, assessment: Assessment) -> bool:
    return visible(user, Assessment, "edit").filter(pk=assessment.pk).exists()


@role_required(*ADMINS)
def assessment_new(request, pk: int):
    rubric = get_object_or_404(Rubric, pk=pk)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment = assessments.assessment_create(rubric=rubric, actor=request.user, **form.cleaned_data)
        messages.success(request, _("已新建评估记录“%(name)s”，请逐项填写。") % {"name": assessment})
        return redirect(assessment)
    return render(request, "rubrics/assessment_new.html", {"rubric": rubric, "form": form},
                  status=400 if form.errors else 200)


def _page(request, assessment: Assessment, form: FactsForm, data: dict, status: int = 200, editable: bool = True):
    ledgers = {}
    for upload in assessment.ledgers.order_by("-created_at", "-pk"):
        ledgers.setdefault(upload.item_code, upload)
    evidence = {}
    for row in assessment.evidence.all():
        evidence.setdefault(row.item_code, []).append(row)
    sheet = build_sheet(data, assessment.facts, form)
    for section in sheet.sections:
        for line in section.lines:
            line.ledger, line.evidence = ledgers.get(line.code), evidence.get(line.code, [])
            line.source = assessment.sources.get(line.code)
    context = {"assessment": assessment, "rubric": assessment.rubric, "form": form, "sheet": sheet,
               "levels": EVENT_LEVELS, "editable": editable}
    return render(request, "rubrics/assessment.html", context, status=status)


@login_required
def assessment_detail(request, pk: int):
    """The facts and points; read only once the assessment is locked (submitted) or for who may only see it."""
    assessment = _assessment(request, pk, "view")
    editable = _editable(request.user, assessment)
    data = rubric_data(assessment.rubric)
    form = FactsForm((request.POST or None) if editable else None, rubric_data=data, assessment=assessment)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    if request.method != "POST":
        return _page(request, assessment, form, data, editable=editable)
    if not editable:
        messages.error(request, _("该评估已提交，不能修改。") if assessment.locked_at else _("您只能查看该评估。"))
        return redirect(assessment)
    if not form.is_valid():
        messages.error(request, _("有填写不正确的地方，未保存；请按提示修改后再保存。"))
        return _page(request, assessment, form, data, status=400)
    assessments.assessment_record(
        assessment=assessment, facts=form.facts(), notes=form.notes(), events=form.events(), actor=request.user
    )
    if assessment.score is None:
        messages.success(request, _("已保存。还有评分项未填写或有误，总分待定。"))
    else:
        messages.success(request, _("已保存，总分%(total)s分。") % {"total": assessment.total.normalize()})
    return redirect(assessment)


# --- evidence --------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_upload(request, pk: int):
    assessment = _assessment(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的佐证材料。"))
        return redirect(assessment)
    try:
        evidence = assessments.evidence_add(
            assessment=assessment, item_code=form.cleaned_data["item"], uploaded=form.cleaned_data["file"],
            note=form.cleaned_data["note"], actor=request.user,
        )
    except (ValidationError, Refused) as error:
        messages.error(request, error.messages[0] if isinstance(error, ValidationError) else str(error))
        return redirect(assessment)
    messages.success(request, _("已上传佐证材料“%(name)s”。") % {"name": evidence.original_name})
    return redirect(f"{assessment.get_absolute_url()}#item-{evidence.item_code}")


@login_required
@require_safe
def evidence_download(request, pk: int, evidence_pk: int):
    """One evidence file, to who may see the assessment, always as a download."""
    evidence = get_object_or_404(_assessment(request, pk, "view").evidence, pk=evidence_pk)
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_delete(request, pk: int, evidence_pk: int):
    assessment = _assessment(request, pk)
    evidence = get_object_or_404(assessment.evidence, pk=evidence_pk)
    assessments.evidence_delete(evidence=evidence, actor=request.user)
    messages.success(request, _("已删除佐证材料“%(name)s”。") % {"name": evidence.original_name})
    return redirect(f"{assessment.get_absolute_url()}#item-{evidence.item_code}")


# --- the Excel template ----------------------------------------------------------------------------------------------


def _template_response(rubric: Rubric) -> HttpResponse:
    data = rubric_data(rubric) | {"slug": rubric.standard}
    response = HttpResponse(excel.facts_template(data), content_type=uploads.XLSX)
    name = _("%(name)s-Excel模板.xlsx") % {"name": rubric.name}
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*ADMINS)
@require_safe
def rubric_template(request, pk: int):
    return _template_response(get_object_or_404(Rubric, pk=pk))


@login_required
@require_safe
def assessment_template(request, pk: int):
    return _template_response(_assessment(request, pk, "view").rubric)


@login_required
@require_POST
def template_upload(request, pk: int):
    """Read a filled template and show what applying it would change (nothing is saved yet)."""
    assessment = _assessment(request, pk)
    form = WorkbookForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择填好的Excel模板。"))
        return redirect(assessment)
    uploaded = form.cleaned_data["file"]
    data = rubric_data(assessment.rubric)
    try:
        uploads.inspect(uploaded, limits=uploads.EXCEL_LIMITS, allowed=uploads.EXCEL_TYPES)
        facts = excel.read_facts_template(uploaded.read(), data)
    except ValidationError as error:
        return _template_refused(request, assessment, error.messages)
    except excel.TemplateError as error:
        return _template_refused(request, assessment, error.problems)
    except LedgerError as error:
        return _template_refused(request, assessment, [str(error)])
    token = signing.dumps({"a": assessment.pk, "v": _version(assessment), "f": facts,
                           "n": uploaded.name[:200]}, salt=TEMPLATE_SALT, compress=True)
    context = {"assessment": assessment, "changes": assessments.template_changes(assessment, facts, data),
               "file_name": uploaded.name, "token": token, "items": sorted(facts)}
    return render(request, "rubrics/template_preview.html", context)


def _version(assessment: Assessment) -> str:
    """What a preview was made against: the facts as they were (changed since, the preview is stale)."""
    return hashlib.sha256(json.dumps(assessment.facts, sort_keys=True).encode()).hexdigest()[:16]


def _template_refused(request, assessment: Assessment, problems: list[str]):
    context = {"assessment": assessment, "problems": problems}
    return render(request, "rubrics/template_preview.html", context, status=400)


@login_required
@require_POST
def template_apply(request, pk: int):
    assessment = _assessment(request, pk)
    try:
        preview = signing.loads(request.POST.get("token", ""), salt=TEMPLATE_SALT, max_age=TEMPLATE_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("预览已过期，请重新上传Excel模板。"))
        return redirect(assessment)
    if preview["a"] != assessment.pk or preview["v"] != _version(assessment):
        messages.error(request, _("评估记录在预览之后已有修改，请重新上传Excel模板。"))
        return redirect(assessment)
    assessments.template_apply(assessment=assessment, facts=preview["f"], file_name=preview["n"], actor=request.user)
    messages.success(request, _("已按Excel模板更新%(count)s个评分项。") % {"count": len(preview["f"])})
    return redirect(assessment)
