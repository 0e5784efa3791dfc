"""Staff pages: the results of a quarter (an institution's own, a jurisdiction's ranked), a case and its steps, the
Excel export, and the publication of a region's ranking. Access through portal.permissions: outsiders get a 404.

The rater's phone is masked everywhere (portal.display.mask_phone); the institution's users see it in clear for
the call-back by asking for it (an audited POST), never in a list or an export.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from portal.audit import AuditEvent, audit
from portal.display import mask_phone
from portal.enums import Role
from portal.exports import xlsx_response
from portal.models import Institution
from portal.permissions import get_object_for_user_or_404, role_required, visible
from portal.transitions import Refused
from satisfaction import selectors, services
from satisfaction.enums import INDICATORS, CaseStatus, Grade
from satisfaction.forms import CallbackForm, PublishForm, RectifyForm, ReplyForm, VerifyForm
from satisfaction.models import Case
from satisfaction.quarters import Quarter, current_quarter

STAFF = (Role.APPLICANT, Role.PROGRAMME_ADMIN, Role.VIEWER, Role.SYSTEM_ADMIN)
STEPS = {
    "verify": (VerifyForm, lambda case, actor, data, request: services.case_verify(case=case, actor=actor, request=request, **data)),
    "rectify": (RectifyForm, lambda case, actor, data, request: services.case_rectify(case=case, actor=actor, request=request, **data)),
    "callback": (CallbackForm, lambda case, actor, data, request: services.case_callback(case=case, actor=actor, request=request, **data)),
    "reply": (ReplyForm, lambda case, actor, data, request: services.case_reply(case=case, actor=actor, request=request, **data)),
}  # fmt: skip


def _quarter(request) -> Quarter:
    return Quarter.parse(request.GET.get("q"), current_quarter())


@login_required
@role_required(*STAFF)
@require_safe
def results(request):
    """The quarter's institutions, best 满意率 first, with the total of them all."""
    quarter = _quarter(request)
    institutions = visible(request.user, Institution, "satisfaction")
    if request.user.role == Role.APPLICANT and request.user.institution_id:
        return redirect("satisfaction:institution", pk=request.user.institution_id)
    rows = selectors.ranked(institutions, quarter.first_day, quarter.last_day)
    context = {
        "quarter": quarter, "rows": rows, "total": selectors.region_total(rows),
        "open_cases": selectors.open_cases(institutions).count(), "may_publish": selectors.regions_publishable_by(request.user).exists(),
    }  # fmt: skip
    return render(request, "satisfaction/staff/results.html", context)


@login_required
@role_required(*STAFF)
@require_safe
def institution(request, pk: int):
    """One institution's quarter: counts per level and indicator, the rates, and its cases."""
    found = get_object_for_user_or_404(request.user, Institution, "satisfaction", pk=pk)
    quarter = _quarter(request)
    tally = selectors.satisfaction_counts(found, quarter.first_day, quarter.last_day)
    since, until = quarter.bounds()
    cases = Case.objects.filter(institution=found, rating__rated_at__gte=since, rating__rated_at__lt=until)
    context = {
        "institution": found, "quarter": quarter, "tally": tally, "today": timezone.localdate(),
        "levels": [(grade.label, tally.levels[grade.value]) for grade in Grade],
        "indicators": [(label, tally.indicators[name], tally.indicator_rate(name)) for name, label in INDICATORS.items()],
        "cases": cases.select_related("rating__service_point").order_by("-rating__rated_at"),
    }  # fmt: skip
    return render(request, "satisfaction/staff/institution.html", context)


def _case_page(request, case, *, forms=None, phone=None, status=200):
    may_handle = selectors.cases_handled_by(request.user).filter(pk=case.pk).exists()
    forms = forms or {}
    if may_handle:
        forms = {**{name: STEPS[name][0](prefix=name) for name in _steps_open(case)}, **forms}
    context = {
        "case": case, "rating": case.rating, "may_handle": may_handle, "forms": forms, "today": timezone.localdate(),
        "masked_phone": mask_phone(case.rating.phone), "phone": phone,
    }  # fmt: skip
    return render(request, "satisfaction/staff/case.html", context, status=status)


def _steps_open(case) -> list[str]:
    """The steps the case's page offers now."""
    steps = {CaseStatus.PENDING: ["verify"], CaseStatus.RECTIFYING: ["rectify"], CaseStatus.ANSWERING: ["reply"]}
    found = list(steps.get(case.status, []))
    if case.status != CaseStatus.PENDING and case.rating.phone and case.callback_on is None:
        found.append("callback")
    return found


@login_required
@role_required(*STAFF)
@require_safe
def case_detail(request, pk: int):
    case = get_object_for_user_or_404(request.user, Case, "view", pk=pk)
    return _case_page(request, case)


@login_required
@role_required(Role.APPLICANT, Role.SYSTEM_ADMIN)
@require_POST
def case_step(request, pk: int, step: str):
    case = get_object_for_user_or_404(request.user, Case, "handle", pk=pk)
    if step not in STEPS:
        return redirect(case)
    form_class, do = STEPS[step]
    form = form_class(request.POST, prefix=step)
    if form.is_valid():
        try:
            do(case, request.user, form.cleaned_data, request)
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("已保存。"))
            return redirect(case)
    return _case_page(request, case, forms={step: form}, status=400)


@login_required
@role_required(Role.APPLICANT, Role.SYSTEM_ADMIN)
@require_POST
def case_phone(request, pk: int):
    """The phone in clear for the call-back, to the institution's own users, audited."""
    case = get_object_for_user_or_404(request.user, Case, "handle", pk=pk)
    phone = services.phone_reveal(case=case, actor=request.user, request=request)
    response = _case_page(request, case, phone=phone)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@role_required(*STAFF)
@require_safe
def export(request):
    """The quarter's results of the institutions the user reads, as Excel: names, counts and rates; no personal data."""
    quarter = _quarter(request)
    rows = selectors.ranked(visible(request.user, Institution, "satisfaction"), quarter.first_day, quarter.last_day)
    headers = [_("序号"), _("机构"), _("评价数"), *[g.label for g in Grade], _("满意率(%)")]
    headers += [_("%(name)s满意率(%%)") % {"name": label} for label in INDICATORS.values()]
    headers += [_("差评数"), _("差评整改率(%)"), _("回访率(%)"), _("回复率(%)")]
    body = [
        [rank, inst.name, t.total, *[t.levels[g.value] for g in Grade], _rate(t.satisfaction_rate),
         *[_rate(t.indicator_rate(name)) for name in INDICATORS], t.cases, _rate(t.rectification_rate),
         _rate(t.callback_rate), _rate(t.reply_rate)]
        for rank, (inst, t) in enumerate(rows, 1)
    ]  # fmt: skip
    audit(AuditEvent.EXPORT, user=request.user, request=request, detail=f"satisfaction results {quarter}")
    return xlsx_response(filename=f"满意度评价结果-{quarter}.xlsx", title=quarter.label, headers=headers, rows=body)


def _rate(value) -> str:
    return "" if value is None else f"{value}"


@login_required
@role_required(Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)
def publish(request):
    """Freeze a quarter's ranking of a region as a public page (a confirmation names what will be public)."""
    regions = selectors.regions_publishable_by(request.user)
    initial = {"quarter": str(current_quarter().previous())}
    form = PublishForm(request.POST or None, regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        quarter = Quarter.parse(form.cleaned_data["quarter"], current_quarter())
        try:
            ranking = services.ranking_publish(
                region=form.cleaned_data["region"], quarter=quarter, actor=request.user, request=request
            )
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("排名已发布。"))
            return redirect(ranking)
    return render(request, "satisfaction/staff/publish.html", {"form": form})
