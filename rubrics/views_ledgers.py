"""Ledger imports of an assessment in the browser: the upload (queued as a Celery task), the page with its progress
bar (static/js/ledger.js polls `ledger_status`) and then its result — the counts, the rate, the item's points and the
rows, paginated and filtered by outcome, ID numbers masked —, the export of the rows (masked), applying it to the
item's facts, and restarting a stalled import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from portal.audit import AuditEvent, audit
from portal.exports import xlsx_response
from portal.pagination import paginate
from portal.permissions import get_object_for_user_or_404
from portal.queue import enqueue
from portal.transitions import Refused
from rubrics import ledger_uploads, tasks
from rubrics.assessment_sheet import line_score, rates
from rubrics.enums import EntryOutcome, LedgerStatus
from rubrics.models import Assessment, LedgerUpload

PER_PAGE = 50
EXPORT_HEADERS = (
    gettext_lazy("行号"), gettext_lazy("姓名"), gettext_lazy("身份证号码（已脱敏）"), gettext_lazy("登记日期"),
    gettext_lazy("状态/去向"), gettext_lazy("注销原因"), gettext_lazy("备注"), gettext_lazy("计入情况"), gettext_lazy("原因"),
)


def _upload(request, pk: int, upload_pk: int, action: str = "view") -> LedgerUpload:
    """The import, of an assessment the user may see ("view": its result and export) or change ("edit")."""
    assessment = get_object_for_user_or_404(request.user, Assessment, action, pk=pk)
    upload = get_object_or_404(assessment.ledgers.select_related("assessment__rubric"), pk=upload_pk)
    upload.assessment = assessment
    return upload


def _queue(upload: LedgerUpload) -> None:
    transaction.on_commit(lambda: enqueue(tasks.ledger_import, upload.pk, upload.attempt))


@login_required
@require_POST
def ledger_upload(request, pk: int):
    assessment = get_object_for_user_or_404(request.user, Assessment, "edit", pk=pk)
    uploaded, code = request.FILES.get("file"), request.POST.get("item", "")
    if uploaded is None:
        messages.error(request, _("请选择要导入的台账（.xlsx）。"))
        return redirect(f"{assessment.get_absolute_url()}#item-{code}")
    try:
        upload = ledger_uploads.ledger_start(assessment=assessment, item_code=code, uploaded=uploaded, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(f"{assessment.get_absolute_url()}#item-{code}")
    except Refused as error:
        messages.error(request, str(error))
        return redirect(assessment)
    _queue(upload)
    return redirect("rubrics:ledger", pk=assessment.pk, upload_pk=upload.pk)


def _outcome_filter(request) -> str:
    outcome = request.GET.get("outcome", "")
    return outcome if outcome in EntryOutcome.values else ""


def _result(upload: LedgerUpload) -> dict:
    """The item's points and rate had the import been applied (its other facts as they are)."""
    item = ledger_uploads.ledger_item(upload.assessment, upload.item_code)
    facts = {**upload.assessment.facts.get(upload.item_code, {}), **upload.facts()}
    state, points, error = line_score(item, False, {upload.item_code: facts})
    return {"item": item, "points": points, "error": error, "rates": rates(item, facts), "facts": upload.facts()}


@login_required
@require_safe
def ledger_detail(request, pk: int, upload_pk: int):
    upload = _upload(request, pk, upload_pk)
    context = {"assessment": upload.assessment, "upload": upload, "stalled": ledger_uploads.is_stalled(upload)}
    if upload.status == LedgerStatus.DONE:
        outcome = _outcome_filter(request)
        rows = upload.entries.filter(outcome=outcome) if outcome else upload.entries.all()
        context["page"], context["querystring"] = paginate(request, rows, PER_PAGE)
        context |= {"outcome": outcome, "outcomes": EntryOutcome.choices, "result": _result(upload)}
    else:
        context["item"] = ledger_uploads.ledger_item(upload.assessment, upload.item_code)
    return render(request, "rubrics/ledger.html", context)


@never_cache
@login_required
@require_safe
def ledger_status(request, pk: int, upload_pk: int):
    upload = _upload(request, pk, upload_pk)
    return JsonResponse({
        "status": upload.status, "status_label": upload.get_status_display(), "done": upload.done,
        "total": upload.total, "percent": upload.percent, "error": upload.error,
        "finished": upload.status in (LedgerStatus.DONE, LedgerStatus.FAILED),
        "stalled": ledger_uploads.is_stalled(upload),
    })


@login_required
@require_safe
def ledger_export(request, pk: int, upload_pk: int):
    """The rows (of one outcome, as filtered on the page) as .xlsx: ID numbers masked, as on the page."""
    upload = _upload(request, pk, upload_pk)
    outcome = _outcome_filter(request)
    rows = upload.entries.filter(outcome=outcome) if outcome else upload.entries.all()
    audit(AuditEvent.EXPORT, user=request.user, request=request, obj=upload.assessment,
          detail=f"ledger import #{upload.pk} rows exported ({outcome or 'all'})")
    labels = dict(EntryOutcome.choices)
    lines = (
        (e.row, e.name, e.id_masked, e.registered.isoformat() if e.registered else "", e.status, e.reason, e.note,
         str(labels[e.outcome]), e.why)
        for e in rows.iterator(chunk_size=2_000)
    )
    name = _("台账-%(code)s-%(subject)s.xlsx") % {"code": upload.item_code, "subject": upload.assessment.subject}
    return xlsx_response(filename=name, title=_("台账"), headers=EXPORT_HEADERS, rows=lines,
                         widths=(6, 10, 22, 14, 10, 24, 16, 14, 60))


@login_required
@require_POST
def ledger_apply(request, pk: int, upload_pk: int):
    upload = _upload(request, pk, upload_pk, "edit")
    try:
        assessment = ledger_uploads.ledger_apply(upload=upload, actor=request.user)
    except Refused as error:
        messages.error(request, str(error))
        return redirect("rubrics:ledger", pk=pk, upload_pk=upload_pk)
    messages.success(request, _("已按台账填写%(code)s的达成人数、总人数和剔除人数。") % {"code": upload.item_code})
    return redirect(f"{assessment.get_absolute_url()}#item-{upload.item_code}")


@login_required
@require_POST
def ledger_restart(request, pk: int, upload_pk: int):
    upload = _upload(request, pk, upload_pk, "edit")
    try:
        upload = ledger_uploads.ledger_restart(upload=upload, actor=request.user)
    except Refused as error:
        messages.error(request, str(error))
    else:
        _queue(upload)
        messages.success(request, _("已重新开始导入。"))
    return redirect("rubrics:ledger", pk=pk, upload_pk=upload_pk)
