"""Setting a campaign up through the pages (issue 15 point 2): the district's year with the plan's dates as defaults
(communities.milestones), the rubric it is scored on (one of the programme's, or the shipped standard of its kind
installed then), the towns of its region and their tasks, and the creation list (附件2) a town draws up — what it may
still add and what it may still take off. The writes of communities.services are used as they are; this adds several
entries at once and `entry_remove`.

Who draws up a town's list: the town's staff (its own town only) and the programme's admins (any town of the
programme's region); a campaign's whole list, its towns' tasks and its milestones are the admins' alone.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from communities import services
from communities.enums import EntryStatus
from communities.models import Campaign, Entry, Evaluation
from communities.selectors import is_district
from portal import read_caches
from portal.enums import ProgrammeKind, RegionLevel, Role, Settlement
from portal.models import Programme, Region
from portal.permissions import remit, sees_everything, visible
from portal.transitions import Refused
from rubrics.models import Rubric
from rubrics.services import rubric_install
from rubrics.standards import STANDARDS

# The shipped standard each title is scored on (seed 002 附件3 and 附件4).
STANDARD_OF_KIND = {ProgrammeKind.QUALITY_VILLAGE: "gz_village_2024", ProgrammeKind.FULL_EMPLOYMENT: "gz_community_2024"}
STANDARD = "standard:"  # a rubric choice naming a shipped standard to install, e.g. "standard:gz_village_2024"
NOT_A_CAMPAIGN = services.NOT_A_CAMPAIGN  # refused before the service is called: the rubric is chosen first
# A town's task: the number of titles, the rate of its communities, the rate of its villages (建设任务, seed 002 一). A
# 高质量就业村 campaign lists villages only: a rate of communities means nothing there.
TARGET_COLUMNS = {
    ProgrammeKind.QUALITY_VILLAGE: ("count", "village_rate"),
    ProgrammeKind.FULL_EMPLOYMENT: ("count", "community_rate", "village_rate"),
}


def default_dates(year: int, *, first_year: bool) -> dict[str, date]:
    """The plan's dates for `year` (communities.milestones): data from 1 October of the year before to 30 September;
    the plan's first year checked by 11月10日 (self-evaluations by 10月15日, the towns by 31 October), a later year from
    December to the next March (「以后年度12月至下年3月」: self-evaluations by 20 December, the towns by 31 January, the
    district by 31 March)."""
    window = {"data_from": date(year - 1, 10, 1), "data_to": date(year, 9, 30)}
    if first_year:
        return window | {"self_due": date(year, 10, 15), "town_due": date(year, 10, 31), "district_due": date(year, 11, 10)}
    return window | {"self_due": date(year, 12, 20), "town_due": date(year + 1, 1, 31), "district_due": date(year + 1, 3, 31)}


def setup_programmes(user) -> QuerySet[Programme]:
    """The programmes the user manages whose title runs as yearly campaigns (not the benchmark institutions')."""
    programmes = visible(user, Programme, "manage").exclude(kind=ProgrammeKind.BENCHMARK).order_by("region__code", "name")
    return programmes.filter(region=user.region_id) if user.region_id else programmes  # the district's (is_district)


def suggested_year(programme: Programme, today: date) -> int:
    """This year, or the year after the programme's last campaign when that one is set up already."""
    last = programme.campaigns.aggregate(last=Max("year"))["last"]
    return today.year if last is None else max(today.year, last + 1)


def rubric_choices(programme: Programme) -> list[tuple[str, str]]:
    """The rubrics the campaign may be scored on: the programme's stored ones, newest first; without any, the shipped
    standard of the programme's kind, to install."""
    rubrics = Rubric.objects.filter(programme=programme).order_by("-created_at")
    if rubrics:
        return [(str(rubric.pk), _("%(rubric)s（已启用）") % {"rubric": rubric} if rubric.is_frozen else str(rubric))
                for rubric in rubrics]
    slug = STANDARD_OF_KIND.get(programme.kind)
    if slug is None:
        return []
    data = STANDARDS[slug]
    return [(STANDARD + slug, _("安装随系统提供的标准：%(name)s（%(version)s）") % {
        "name": data["name"], "version": data.get("version", "")})]


def _rubric(programme: Programme, choice: str, actor) -> Rubric:
    if choice.startswith(STANDARD):
        slug = choice.removeprefix(STANDARD)
        if STANDARD_OF_KIND.get(programme.kind) != slug:
            raise Refused(_("该标准不适用于本项目。"))
        return rubric_install(STANDARDS[slug], standard=slug, programme=programme, actor=actor)
    rubric = Rubric.objects.filter(programme=programme, pk=int(choice) if choice.isdigit() else None).first()
    if rubric is None:
        raise Refused(_("请选择本项目的评分标准。"))
    return rubric


@transaction.atomic
def campaign_setup(*, programme: Programme, year: int, rubric: str, actor, first_year: bool, **dates) -> Campaign:
    """The district's campaign of `year` (services.campaign_create: its refusals stand), scored on `rubric`: the id of
    one of the programme's rubrics, or STANDARD + the slug of the kind's shipped standard, installed for the
    programme now (and gone again if the campaign is refused)."""
    if programme.kind == ProgrammeKind.BENCHMARK:
        raise Refused(str(NOT_A_CAMPAIGN))
    chosen = _rubric(programme, rubric, actor)
    return services.campaign_create(programme=programme, year=year, rubric=chosen, actor=actor, first_year=first_year,
                                    **dates)


# --- towns and their tasks ---------------------------------------------------------------------------------------------


def _ancestors(region: Region | None) -> list[int]:
    found = []
    while region is not None:
        found.append(region.pk)
        region = region.parent
    return found


@remit(Campaign, "draw_up")
def campaigns_drawn_up_by(user) -> QuerySet[Campaign]:
    """The campaigns whose creation list the user may draw up (in part): a town's staff, those of the programmes over
    its town; a programme admin, those of the programmes it manages."""
    campaigns = Campaign.objects.select_related("programme__region", "rubric")
    if sees_everything(user):
        return campaigns
    if user.role == Role.TOWN_STAFF and user.region_id:
        return campaigns.filter(programme__region__in=_ancestors(user.region))
    if user.role == Role.PROGRAMME_ADMIN:
        managed = read_caches.managed_programme_ids(user)
        return campaigns if managed is None else campaigns.filter(programme__in=managed)
    return campaigns.none()


def towns_for(user, campaign: Campaign) -> QuerySet[Region]:
    """The towns of the campaign's region whose list the user draws up: all for the programme's admins, a town's staff
    its own; with the number of their communities and of their villages in the region tree, and of those listed."""
    towns = Region.objects.filter(level=RegionLevel.TOWN, code__startswith=campaign.programme.region.code_prefix)
    if not is_district(user, campaign.programme):
        towns = towns.filter(pk=user.region_id) if user.role == Role.TOWN_STAFF and user.region_id else towns.none()
    places = Q(children__level=RegionLevel.COMMUNITY)
    listed = campaign.entries.filter(town=OuterRef("pk")).values("town").annotate(n=Count("pk")).values("n")
    return towns.annotate(
        communities=Count("children", filter=places & Q(children__settlement=Settlement.COMMUNITY)),
        villages=Count("children", filter=places & Q(children__settlement=Settlement.VILLAGE)),
        listed=Coalesce(Subquery(listed), 0),
    ).order_by("code")


def target_values(campaign: Campaign) -> dict[int, dict]:
    """The towns' tasks as stored, by town id: {"count": …, "community_rate": …, "village_rate": …}."""
    return {target.town_id: {"count": target.count, "community_rate": target.community_rate,
                             "village_rate": target.village_rate} for target in campaign.targets.all()}


@transaction.atomic
def targets_save(*, campaign: Campaign, rows: dict[Region, dict], actor) -> list[Region]:
    """Save the tasks of the towns whose values changed (services.target_set, a history row each); a town's task
    emptied keeps its row with nothing in it. Returns the towns changed."""
    stored = target_values(campaign)
    changed = []
    for town, values in rows.items():
        values = {"count": None, "community_rate": None, "village_rate": None} | values
        before = stored.get(town.pk, dict.fromkeys(values))
        if all(_same(values[key], before[key]) for key in values):
            continue
        services.target_set(campaign=campaign, town=town, actor=actor, **values)
        changed.append(town)
    return changed


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return Decimal(a) == Decimal(b)


# --- the creation list ---------------------------------------------------------------------------------------------------


def list_closed(campaign: Campaign) -> str:
    """Why the list may no longer change ("" while it may): the district has published its notice."""
    if campaign.notice_id or campaign.announced_at:
        return _("公示已发布，创建名单不能再变动。")
    return ""


def town_entries(campaign: Campaign, town: Region) -> list[Entry]:
    """The town's part of the list in its order, each with `started`: whether any evaluation of it has begun."""
    started = Exists(Evaluation.objects.filter(entry=OuterRef("pk")))
    return list(campaign.entries.filter(town=town).select_related("community").annotate(started=started)
                .order_by("order", "pk"))


def places_offered(campaign: Campaign, town: Region) -> QuerySet[Region]:
    """The town's communities and villages not yet on the list (villages only for 高质量就业村), in code order."""
    places = Region.objects.filter(level=RegionLevel.COMMUNITY, parent=town).exclude(
        pk__in=campaign.entries.values("community"))
    if campaign.programme.kind == ProgrammeKind.QUALITY_VILLAGE:
        places = places.filter(settlement=Settlement.VILLAGE)
    return places.order_by("code")


@transaction.atomic
def entries_add(*, campaign: Campaign, town: Region, picked: list[tuple[Region, bool, str]], actor) -> list[Entry]:
    """Put several communities and villages of one town on the list (services.entry_add each), numbered after the
    town's last one; `picked`: (place, 是否就业驿站建设点, 备注). All or none: the first refusal stops them all."""
    closed = list_closed(campaign)
    if closed:
        raise Refused(closed)
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # one numbering at a time
    last = campaign.entries.filter(town=town).aggregate(last=Max("order"))["last"] or 0
    added = []
    for place, is_station, note in picked:
        if place.parent_id != town.pk:
            raise Refused(_("“%(name)s”不属于%(town)s。") % {"name": place, "town": town})
        added.append(services.entry_add(campaign=campaign, community=place, actor=actor, is_station=is_station,
                                        note=note.strip(), order=last + len(added) + 1))
    return added


@transaction.atomic
def entry_remove(*, entry: Entry, actor) -> None:
    """Take a community or village off the list while its self-evaluation has not begun (status 创建中 and no
    evaluation); the history keeps the entry as it was, who took it off and why."""
    entry = Entry.objects.select_for_update().select_related("campaign", "community").get(pk=entry.pk)
    closed = list_closed(entry.campaign)
    if closed:
        raise Refused(closed)
    if entry.status != EntryStatus.LISTED or entry.evaluations.exists():
        raise Refused(_("“%(name)s”已开始自评，不能移出创建名单。") % {"name": entry.community})
    entry._change_reason = _("移出创建名单")
    entry._history_user = actor
    entry.delete()
