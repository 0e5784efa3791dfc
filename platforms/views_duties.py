"""The quarterly duties of a platform (platforms/duties.py): the year's table, a duty's record, its file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from platforms import duties, poster, selectors
from platforms.forms import DutyForm
from platforms.models import Duty, DutyKind, ServicePoint
from platforms.views import may_edit, platform_for
from portal.permissions import get_object_for_user_or_404
from portal.transitions import Refused


def year_of(request) -> int:
    try:
        return max(2000, min(2100, int(request.GET.get("year", ""))))
    except ValueError:
        return timezone.localdate().year


@login_required
def duties_page(request, institution_id):
    institution = platform_for(request, institution_id)
    year = year_of(request)
    cells = selectors.duty_table([institution], year)[institution.pk]
    return render(request, "platforms/duties.html", {
        "institution": institution, "year": year, "cells": cells, "editable": may_edit(request.user, institution),
        "today": timezone.localdate(), "years": [year - 1, year + 1],
    })


@login_required
def duty_record(request, institution_id, year, quarter, kind):
    institution = platform_for(request, institution_id, edit=True)
    if kind not in DutyKind.values or quarter not in (1, 2, 3, 4):
        raise Http404("no such duty")
    existing = Duty.objects.filter(institution=institution, year=year, quarter=quarter, kind=kind).first()
    initial = {"done_on": existing.done_on, "summary": existing.summary} if existing and existing.done_on else {}
    form = DutyForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            duties.duty_record(
                institution=institution, year=year, quarter=quarter, kind=kind, actor=request.user, request=request,
                done_on=form.cleaned_data["done_on"], summary=form.cleaned_data["summary"],
                uploaded=form.cleaned_data["file"],
            )
        except (Refused, ValidationError) as refusal:
            form.add_error(None, refusal.messages[0] if isinstance(refusal, ValidationError) else str(refusal))
        else:
            messages.success(request, _("已记录完成。"))
            return redirect(reverse("platforms:duties", args=[institution.pk]) + f"?year={year}")
    title = _("%(year)d年第%(quarter)d季度 · %(kind)s") % {"year": year, "quarter": quarter, "kind": DutyKind(kind).label}
    return render(request, "platforms/duty_form.html", {
        "institution": institution, "form": form, "title": title, "existing": existing, "year": year,
    })


@login_required
def duty_file(request, pk):
    institution_ids = selectors.platforms_visible_to(request.user).values("pk")
    duty = Duty.objects.filter(pk=pk, institution__in=institution_ids).exclude(file="").first()
    if duty is None:
        raise Http404("no such file")
    response = FileResponse(duty.file.open("rb"), as_attachment=True, filename=duty.original_name or "file")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def window_poster(request, pk):
    window = get_object_for_user_or_404(request.user, ServicePoint, "view", pk=pk)
    response = HttpResponse(poster.poster_pdf(window), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-{window.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
