"""The admin's pages of the review stages: on-site defense sessions with their minutes, and field inspections.

Issue 5 §5. Their files (minutes, photos) go to the round's admins and to reviewers whose assignment is ACTIVE
(declared no conflict, not recused); anyone else gets a 404, as for any object they may not see.
"""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.enums import Role
from portal.models import Round
from portal.permissions import get_object_for_user_or_404, role_required
from portal.transitions import AlreadyExists, Refused
from review.enums import ReviewMethod
from review.forms_stages import DefenseMinutesForm, DefenseSessionForm, FieldInspectionForm
from review.models import DefenseSession, DefenseSlot, FieldInspection, InspectionPhoto, ReviewPlan
from review.services.assignments import accepted_applications
from review.services.stages import (
    MINUTES_TYPES,
    defense_minutes_upload,
    defense_session_create,
    field_inspection_record,
)

ADMINS = (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)


def _method_missing(round, method) -> bool:
    """Whether the round's review plan exists and leaves this stage out (the page then says so)."""
    plan = ReviewPlan.objects.filter(round=round).first()
    return plan is not None and method not in plan.methods


@role_required(*ADMINS)
@require_http_methods(["GET", "POST"])
def defense(request, round_pk: int):
    """The round's defense sessions with their slots; the form schedules a new session and notifies institutions."""
    round = get_object_for_user_or_404(request.user, Round, "manage", pk=round_pk)
    institutions = accepted_applications(round).count()
    form = DefenseSessionForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and not institutions:
        messages.error(request, _("本批次还没有已受理的申报，无法安排答辩。"))
    elif request.method == "POST" and form.is_valid():
        try:
            session = defense_session_create(round=round, actor=request.user, **form.cleaned_data)
        except AlreadyExists as error:  # the same form sent twice
            messages.info(request, str(error))
            return redirect("review:defense", round_pk=round.pk)
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("已安排%(date)s的现场答辩（%(count)d家机构），并已通知各申报机构。")
                % {"date": dateformat.format(session.starts_on, "Y年n月j日"), "count": session.slots.count()},
            )
            return redirect("review:defense", round_pk=round.pk)
    slots = DefenseSlot.objects.select_related("application__institution")
    sessions = list(round.defense_sessions.prefetch_related(Prefetch("slots", queryset=slots)))
    for session in sessions:  # one upload form per session, with ids of its own
        session.minutes_form = DefenseMinutesForm(auto_id=f"id_minutes{session.pk}_%s")
    context = {
        "round": round,
        "sessions": sessions,
        "form": form,
        "institutions": institutions,
        "not_in_plan": _method_missing(round, ReviewMethod.DEFENSE),
    }
    return render(request, "review/defense.html", context)


@role_required(*ADMINS)
@require_POST
def defense_minutes(request, pk: int):
    """Upload (or replace) the minutes of a session, checked like any evidence file."""
    session = get_object_for_user_or_404(request.user, DefenseSession, "manage", pk=pk)
    form = DefenseMinutesForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
        return redirect("review:defense", round_pk=session.round_id)
    try:
        defense_minutes_upload(session=session, uploaded=form.cleaned_data["minutes"], actor=request.user)
        messages.success(request, _("已上传答辩纪要“%(name)s”。") % {"name": session.minutes_name})
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("review:defense", round_pk=session.round_id)


def _private_file(field, *, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download that no browser renders or caches (as attachment_download does)."""
    response = FileResponse(field.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def defense_minutes_file(request, pk: int):
    """The minutes, for the round's admins and its reviewers with an active assignment; a 404 for anyone else.

    The minutes cover every institution of the session, so a reviewer recused from any one of them is refused too.
    """
    session = get_object_for_user_or_404(request.user, DefenseSession, "view", pk=pk)
    if not session.minutes:
        raise Http404
    content_type = MINUTES_TYPES.get(PurePath(session.minutes.name).suffix.lower(), "application/octet-stream")
    return _private_file(session.minutes, filename=session.minutes_name, content_type=content_type)


@role_required(*ADMINS)
@require_http_methods(["GET", "POST"])
def inspections(request, round_pk: int):
    """The round's field inspections; the form records one, with its inspectors and photos."""
    round = get_object_for_user_or_404(request.user, Round, "manage", pk=round_pk)
    applications = accepted_applications(round).order_by("institution_name", "pk")
    form = FieldInspectionForm(request.POST or None, request.FILES or None, applications=applications, programme=round.programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = field_inspection_record(actor=request.user, **data)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("已登记对“%(name)s”的实地考察（照片%(count)d张）。")
                % {"name": inspection.application.institution_name, "count": len(data["photos"])},
            )
            return redirect("review:inspections", round_pk=round.pk)
    rows = (
        FieldInspection.objects.filter(application__round=round)
        .select_related("application")
        .prefetch_related("inspectors", "photos")
        .order_by("-inspected_on", "-pk")
    )
    context = {
        "round": round,
        "inspections": rows,
        "form": form,
        "institutions": applications.count(),
        "not_in_plan": _method_missing(round, ReviewMethod.FIELD),
    }
    return render(request, "review/inspections.html", context)


@login_required
@require_GET
def inspection_photo(request, pk: int):
    """One photo, for the round's admins and the reviewers actively assigned to that application; else a 404."""
    photo = get_object_for_user_or_404(request.user, InspectionPhoto, "view", pk=pk)
    return _private_file(photo.file, filename=photo.original_name, content_type=photo.content_type)
