"""The yearly staff assessment's pages: the institution's users open a year, score their staff and conclude; the
supervising admins and the system administrator read and export (appraisal/selectors.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import exports, scoring, selectors, services
from appraisal.enums import Source
from appraisal.forms import OpenForm, ScoreForm, SettingsForm
from appraisal.models import Appraisal
from platforms.models import StaffMember
from platforms.selectors import platforms_kept_by
from portal.audit import AuditEvent, audit
from portal.permissions import get_object_for_user_or_404
from portal.transitions import AlreadyExists, Refused


def _editable(user, appraisal) -> bool:
    return appraisal.is_draft and selectors.appraisals_kept_by(user).filter(pk=appraisal.pk).exists()


@login_required
def index(request):
    appraisals = selectors.appraisals_visible_to(request.user).order_by("-year", "institution__name")
    kept = platforms_kept_by(request.user).first()
    return render(request, "appraisal/index.html", {
        "appraisals": appraisals, "kept": kept, "form": OpenForm() if kept else None,
    })


@login_required
@require_POST
def open_year(request):
    institution = platforms_kept_by(request.user).first()
    form = OpenForm(request.POST)
    if institution is None or not form.is_valid():
        messages.error(request, _("请填写正确的考核年度。") if institution else _("只有机构本身的用户可以发起考核。"))
        return redirect("appraisal:index")
    try:
        appraisal = services.appraisal_open(institution=institution, year=form.cleaned_data["year"], actor=request.user)
    except AlreadyExists as error:
        messages.info(request, str(error))
        return redirect(error.existing)
    messages.success(request, _("已发起%(year)d年度考核。") % {"year": appraisal.year})
    return redirect(appraisal)


@login_required
def detail(request, pk):
    appraisal = get_object_for_user_or_404(request.user, Appraisal, "view", pk=pk)
    dimensions = scoring.dimensions()
    lines = [(line, line.dimension_cells(dimensions)) for line in selectors.lines(appraisal)]
    return render(request, "appraisal/detail.html", {
        "appraisal": appraisal, "lines": lines, "dimensions": dimensions,
        "editable": _editable(request.user, appraisal), "standard": scoring.standard(),
    })


@login_required
def settings_edit(request, pk):
    appraisal = get_object_for_user_or_404(request.user, Appraisal, "edit", pk=pk)
    form = SettingsForm(request.POST or None, instance=Appraisal.objects.get(pk=appraisal.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.appraisal_configure(appraisal=appraisal, actor=request.user, **form.cleaned_data)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存权重和分数线。"))
            return redirect(appraisal)
    return render(request, "appraisal/form.html", {"appraisal": appraisal, "form": form, "title": _("权重和分数线")})


@login_required
def score_edit(request, pk, member_id):
    appraisal = get_object_for_user_or_404(request.user, Appraisal, "edit", pk=pk)
    member = get_object_for_user_or_404(request.user, StaffMember, "edit", pk=member_id, institution=appraisal.institution)
    score = appraisal.scores.filter(staff_member=member).first()
    form = ScoreForm(request.POST or None, marks=score.marks if score else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_save(appraisal=appraisal, member=member, marks=services.marks_of(form.cleaned_data), actor=request.user)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存 %(name)s 的评分。") % {"name": member.name})
            return redirect(appraisal)
    title = _("评分：%(name)s") % {"name": member.name}
    return render(request, "appraisal/form.html", {"appraisal": appraisal, "form": form, "title": title, "sources": Source.choices})


@login_required
@require_POST
def conclude(request, pk):
    appraisal = get_object_for_user_or_404(request.user, Appraisal, "edit", pk=pk)
    try:
        services.appraisal_conclude(appraisal=appraisal, actor=request.user, request=request)
    except Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(year)d年度考核已完成。") % {"year": appraisal.year})
    return redirect(appraisal)


@login_required
def export(request, pk):
    appraisal = get_object_for_user_or_404(request.user, Appraisal, "view", pk=pk)
    audit(AuditEvent.EXPORT, request=request, obj=appraisal, detail="appraisal grades")
    return exports.grades_response(appraisal)
