"""Setting a campaign up (issue 15 point 2): the district sets up the year's campaign of a programme it manages, gives
its towns their tasks and marks the plan's milestones done; a town (or the district for any of its towns) draws up its
part of the creation list. Every object is fetched within the user's remit (a 404 outside); a role that takes no part
gets a 403 (portal.permissions.role_required)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from communities import setup
from communities.forms_setup import CampaignSetupForm, EntriesAddForm, TargetsForm
from communities.milestones import milestone_done
from communities.models import Campaign, Entry
from communities.selectors import is_district
from portal.enums import ProgrammeKind, Role
from portal.models import Programme
from portal.pagination import paginate
from portal.permissions import get_object_for_user_or_404, role_required, visible
from portal.transitions import Refused

MANAGERS = (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)
LIST_MAKERS = (*MANAGERS, Role.TOWN_STAFF)


def _managed(user, pk: int) -> Campaign:
    """A campaign whose programme the user administers (the district), or a 404."""
    campaign = get_object_for_user_or_404(user, Campaign, pk=pk)
    if not is_district(user, campaign.programme):
        raise Http404
    return campaign


def _list_url(campaign_pk: int, town_pk: int) -> str:
    return reverse("communities:setup_list", args=[campaign_pk, town_pk])


@role_required(*MANAGERS)
@require_safe
def setup_programmes(request):
    """设立年度创建, first step: the programmes of a community title the user manages, with their campaigns so far."""
    programmes = setup.setup_programmes(request.user).select_related("region").prefetch_related("campaigns")
    return render(request, "communities/setup_programmes.html", {"programmes": programmes})


@role_required(*MANAGERS)
def setup_campaign(request, pk: int):
    """设立年度创建 of one programme: a refusal of the service is shown above the form, as typed."""
    programme = get_object_for_user_or_404(request.user, Programme, "manage", pk=pk)
    if not is_district(request.user, programme):  # the city's admin announces; the district sets the year up
        raise Http404
    context = {"programme": programme, "campaigns": programme.campaigns.order_by("-year")}
    if programme.kind == ProgrammeKind.BENCHMARK:
        return render(request, "communities/setup_campaign.html", context | {"refusal": setup.NOT_A_CAMPAIGN})
    if request.method == "POST" and "defaults" in request.POST:
        form = _with_defaults(request, programme)
    else:
        form = CampaignSetupForm(request.POST or None, programme=programme, initial=_initial(programme))
        if form.is_bound and form.is_valid():
            try:
                campaign = setup.campaign_setup(programme=programme, actor=request.user, **form.cleaned_data)
            except Refused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("%(campaign)s已设立，请下达各镇（街道）的建设任务。") % {"campaign": campaign})
                return redirect("communities:setup_targets", campaign.pk)
    return render(request, "communities/setup_campaign.html", context | {"form": form},
                  status=400 if form.errors else 200)


def _initial(programme: Programme) -> dict:
    year = setup.suggested_year(programme, timezone.localdate())
    first_year = not programme.campaigns.exists()
    choices = setup.rubric_choices(programme)
    return {"year": year, "first_year": "1" if first_year else "0", "rubric": choices[0][0] if len(choices) == 1 else "",
            **setup.default_dates(year, first_year=first_year)}


def _with_defaults(request, programme: Programme) -> CampaignSetupForm:
    """The form as typed, its dates replaced by the plan's for the year typed (「按年度填入默认日期」), not saved."""
    typed = request.POST.dict()
    try:
        year = int(typed.get("year", ""))
        dates = setup.default_dates(year, first_year=typed.get("first_year") != "0")
    except ValueError:
        messages.error(request, _("请先填写有效的年度（如2025）。"))
    else:
        typed |= {name: value.isoformat() for name, value in dates.items()}
        messages.info(request, _("已按%(year)d年填入默认日期，请核对后设立。") % {"year": year})
    return CampaignSetupForm(initial=typed, programme=programme)


@role_required(*MANAGERS)
def setup_targets(request, pk: int):
    """建设任务: a row per town of the programme's region; the towns whose values changed are saved."""
    campaign = _managed(request.user, pk)
    towns = setup.towns_for(request.user, campaign)
    columns = setup.TARGET_COLUMNS[campaign.programme.kind]
    form = TargetsForm(request.POST or None, towns=towns, columns=columns, stored=setup.target_values(campaign))
    if request.method == "POST" and form.is_valid():
        changed = setup.targets_save(campaign=campaign, rows=form.values(), actor=request.user)
        if changed:
            messages.success(request, _("已保存%(towns)s的建设任务。") % {"towns": "、".join(town.name for town in changed)})
        else:
            messages.info(request, _("建设任务没有改动。"))
        return redirect("communities:setup_targets", campaign.pk)
    return render(request, "communities/setup_targets.html", {"campaign": campaign, "form": form},
                  status=400 if form.errors else 200)


@role_required(*LIST_MAKERS)
@require_safe
def setup_lists(request):
    """The campaigns whose creation list the user draws up: a town's, to reach a campaign before anything of it is
    listed (the campaign page shows a town only the campaigns it has entries in)."""
    campaigns = visible(request.user, Campaign, "draw_up").order_by("-year", "programme__name")
    page, querystring = paginate(request, campaigns)
    town = request.user.region if request.user.role == Role.TOWN_STAFF else None
    return render(request, "communities/setup_lists.html", {"page": page, "querystring": querystring, "town": town})


@role_required(*LIST_MAKERS)
def setup_list(request, pk: int, town_pk: int):
    """A town's part of the creation list: what is listed (each removable until its self-evaluation begins) and its
    communities and villages not yet listed, to tick several at once."""
    campaign = get_object_for_user_or_404(request.user, Campaign, "draw_up", pk=pk)
    town = get_object_or_404(setup.towns_for(request.user, campaign), pk=town_pk)
    form = EntriesAddForm(request.POST or None, places=setup.places_offered(campaign, town))
    if request.method == "POST" and form.is_valid():
        try:
            added = setup.entries_add(campaign=campaign, town=town, picked=form.picked(), actor=request.user)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已列入创建名单：%(names)s。") % {"names": "、".join(e.community.name for e in added)})
            return redirect(_list_url(campaign.pk, town.pk))
    context = {
        "campaign": campaign, "town": town, "form": form, "entries": setup.town_entries(campaign, town),
        "closed": setup.list_closed(campaign), "manages": is_district(request.user, campaign.programme),
    }
    return render(request, "communities/setup_list.html", context, status=400 if form.errors else 200)


@role_required(*LIST_MAKERS)
@require_POST
def setup_entry_remove(request, pk: int):
    entry = get_object_for_user_or_404(request.user, Entry, pk=pk)
    if not setup.towns_for(request.user, entry.campaign).filter(pk=entry.town_id).exists():
        raise Http404
    try:
        setup.entry_remove(entry=entry, actor=request.user)
    except Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已将“%(name)s”移出创建名单。") % {"name": entry.community.name})
    return redirect(_list_url(entry.campaign_id, entry.town_id))


@role_required(*MANAGERS)
@require_POST
def setup_milestone_done(request, pk: int, milestone_pk: int):
    campaign = _managed(request.user, pk)
    milestone = get_object_or_404(campaign.milestones, pk=milestone_pk)
    if milestone.done_on is not None:
        messages.info(request, _("“%(title)s”已标记完成。") % {"title": milestone.title})
    else:
        milestone_done(milestone=milestone, actor=request.user)
        messages.success(request, _("“%(title)s”已标记完成。") % {"title": milestone.title})
    return redirect(campaign.get_absolute_url() + "#milestones")

