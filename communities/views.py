"""The campaign pages: the campaigns of the user's jurisdiction, a campaign's towns and creation list, an entry's chain
(start and submit the user's own level), and the side-by-side of the levels with its Excel export. Each object is
fetched within the user's remit (communities.selectors), a 404 otherwise."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from communities import chain, exports, progress, publication, services, setup
from communities.enums import Level
from communities.forms import AnnounceForm, PublishForm, SubmitForm
from communities.models import Campaign, Entry
from communities.selectors import entries_for, is_district, own_level
from portal.enums import Role
from portal.pagination import paginate
from portal.permissions import get_object_for_user_or_404, manages_programme, visible
from portal.transitions import Refused


@login_required
@require_safe
def campaign_list(request):
    campaigns = visible(request.user, Campaign).order_by("-year", "programme__name")
    page, querystring = paginate(request, campaigns)
    may_set_up = setup.setup_programmes(request.user).exists() if request.user.role != Role.TOWN_STAFF else False
    return render(request, "communities/campaign_list.html",
                  {"page": page, "querystring": querystring, "may_set_up": may_set_up})


@login_required
@require_safe
def campaign_detail(request, pk: int):
    campaign = get_object_for_user_or_404(request.user, Campaign, pk=pk)
    entries = list(entries_for(request.user).filter(campaign=campaign).select_related("community", "town"))
    rows = own_towns(request.user, chain.town_progress(campaign, entries))
    towns = [row.town for row in rows] if request.user.role != Role.COMMUNITY_STAFF else []
    context = {
        "campaign": campaign,
        "reporting": progress.reporting(campaign, towns),
        "manages": manages_programme(request.user, campaign.programme),
        "may_announce": publication.may_announce(request.user, campaign),
        "district": is_district(request.user, campaign.programme),
        "blockers": publication.announcement_blockers(campaign),
        "publish_blockers": publication.publish_blockers(campaign),
        "announce_form": AnnounceForm(),
        "entries": entries,
        "progress": rows,
        "milestones": campaign.milestones.all(),
        "today": timezone.localdate(),
    }
    return render(request, "communities/campaign.html", context)


def own_towns(user, rows: list) -> list:
    """The towns' rows a user may see: a town its own, a community its town's, the district's admins all."""
    if user.role == Role.TOWN_STAFF:
        return [row for row in rows if row.town.pk == user.region_id]
    if user.role == Role.COMMUNITY_STAFF:
        return [row for row in rows if row.town.pk == user.region.parent_id]
    return rows


def _managed(request, pk: int) -> Campaign:
    """A campaign the user administers (its programme's admins: the district), or a 404."""
    campaign = get_object_for_user_or_404(request.user, Campaign, pk=pk)
    if not manages_programme(request.user, campaign.programme):
        raise Http404
    return campaign


@login_required
def campaign_publish(request, pk: int):
    campaign = _managed(request, pk)
    form = PublishForm(request.POST or None, initial=publication.notice_draft(campaign))
    if request.method == "POST" and form.is_valid():
        try:
            publication.campaign_publish(campaign=campaign, actor=request.user, request=request, **form.cleaned_data)
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("公示已发布。"))
            return redirect(campaign)
    return render(request, "communities/publish.html", {"campaign": campaign, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def campaign_announce(request, pk: int):
    campaign = _managed(request, pk)  # the city's admin is granted the programme: it manages it too
    form = AnnounceForm(request.POST)
    try:
        if not form.is_valid():
            raise Refused(_("请填写公布文号。"))
        publication.campaign_announce(campaign=campaign, actor=request.user, **form.cleaned_data)
    except Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("认定结果已公布，称号已登记。"))
    return redirect(campaign)


@login_required
@require_safe
def entry_detail(request, pk: int):
    entry = get_object_for_user_or_404(request.user, Entry, pk=pk)
    context = {"entry": entry, "steps": chain.steps(entry, request.user), "form": SubmitForm(level=own_level(request.user))}
    return render(request, "communities/entry.html", context)


@login_required
@require_POST
def entry_start(request, pk: int):
    entry = get_object_for_user_or_404(request.user, Entry, pk=pk)
    level = own_level(request.user)
    if level is None:
        messages.error(request, _("您的账号不参与评估。"))
        return redirect(entry)
    try:
        evaluation = services.evaluation_start(entry=entry, level=level, actor=request.user)
    except Refused as error:
        messages.error(request, str(error))
        return redirect(entry)
    if level != Level.SELF:
        messages.success(request, _("已按下一级的评估生成本级评估，请逐项确认；改动的评分项请在“说明”中写明理由。"))
    return redirect(evaluation.assessment)


@login_required
@require_POST
def entry_submit(request, pk: int):
    entry = get_object_for_user_or_404(request.user, Entry, pk=pk)
    level = own_level(request.user)
    evaluation = entry.evaluations.filter(level=level).first() if level else None
    form = SubmitForm(request.POST, level=level)
    if evaluation is None or not form.is_valid():
        messages.error(request, _("请先开始本级评估，并按提示填写结论。"))
        return redirect(entry)
    try:
        services.evaluation_submit(evaluation=evaluation, actor=request.user, **form.cleaned_data)
    except Refused as error:
        messages.error(request, str(error))
        return redirect(entry)
    messages.success(request, _("%(level)s已提交。") % {"level": evaluation.get_level_display()})
    return redirect(entry)


@login_required
@require_safe
def entry_compare(request, pk: int):
    entry = get_object_for_user_or_404(request.user, Entry, pk=pk)
    rows, levels = chain.comparison(entry)
    return render(request, "communities/compare.html",
                  {"entry": entry, "rows": rows, "levels": [Level(level).label for level in levels]})


@login_required
@require_safe
def entry_compare_xlsx(request, pk: int):
    entry = get_object_for_user_or_404(request.user, Entry, pk=pk)
    return exports.comparison_xlsx(entry)


@login_required
@require_safe
def campaign_progress_xlsx(request, pk: int):
    campaign = get_object_for_user_or_404(request.user, Campaign, pk=pk)
    entries = list(entries_for(request.user).filter(campaign=campaign).select_related("community", "town"))
    return exports.progress_xlsx(campaign, entries, rows=own_towns(request.user, chain.town_progress(campaign, entries)))
