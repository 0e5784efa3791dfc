"""A town reports its progress to the district (创建进度上报); the district acknowledges it. Within the remits of
communities.selectors: a campaign the user sees; the town only its own, the district's admins any of the programme."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities import progress
from communities.models import Campaign, ProgressReport
from portal.enums import Role
from portal.permissions import get_object_for_user_or_404, manages_programme
from portal.transitions import Refused


@login_required
@require_POST
def report(request, pk: int):
    campaign = get_object_for_user_or_404(request.user, Campaign, pk=pk)
    if request.user.role != Role.TOWN_STAFF:
        raise Http404
    try:
        progress.progress_report(campaign=campaign, town=request.user.region, actor=request.user,
                                 note=request.POST.get("note", "")[:2000])
    except Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已向区人社局上报本镇创建进度。"))
    return redirect(f"{campaign.get_absolute_url()}#reports")


@login_required
@require_POST
def report_receive(request, pk: int):
    found = get_object_or_404(ProgressReport.objects.select_related("campaign__programme"), pk=pk)
    if not manages_programme(request.user, found.campaign.programme) or request.user.role == Role.TOWN_STAFF:
        raise Http404
    progress.report_receive(report=found, actor=request.user)
    messages.success(request, _("已签收%(town)s的上报。") % {"town": found.town.name})
    return redirect(f"{found.campaign.get_absolute_url()}#reports")
