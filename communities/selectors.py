"""Who sees what of a campaign (docs/security.md 6): each level its own jurisdiction. A community or village's staff
sees its own entries, a town's staff the entries of its communities and villages, the district's programme admins the
entries of the programmes they manage, a viewer those in its region, the system administrator all; everyone else gets
a 404. The evaluations' assessments (rubrics) follow: seen by who sees the entry once submitted (or at the viewer's own
level while a draft), changed only at the user's own level and only while not submitted. A titled community's
re-checks: seen by the same jurisdictions (the community once concluded), conducted by its town and the district."""

from django.db.models import Q, QuerySet

from communities.enums import STARTS_AT, EntryStatus, Level
from communities.models import Campaign, Entry, Milestone, Recheck
from portal import read_caches
from portal.enums import Role
from portal.models import Title, User
from portal.permissions import manages_programme, remit, sees_everything
from portal.selectors import programme_admins
from rubrics import selectors as rubric_access

OWN_LEVEL = {Role.COMMUNITY_STAFF: Level.SELF, Role.TOWN_STAFF: Level.TOWN, Role.PROGRAMME_ADMIN: Level.DISTRICT}


def _jurisdiction(user, *, community: str, town: str, programme: str) -> Q | None:
    """The rows of the user's jurisdiction as a filter, reading a row's community, its town and its programme by
    the paths given; None for all of them, Q(pk=None) for none."""
    if sees_everything(user):
        return None
    if user.role == Role.COMMUNITY_STAFF:
        return Q(**{community: user.region_id})
    if user.role == Role.TOWN_STAFF:
        return Q(**{town: user.region_id})
    if user.role == Role.PROGRAMME_ADMIN:
        managed = read_caches.managed_programme_ids(user)
        return None if managed is None else Q(**{f"{programme}__in": managed})
    if user.role == Role.VIEWER and user.region_id:
        return Q(**{f"{community}__code__startswith": user.region.code_prefix})
    return Q(pk=None)


def _scope(user) -> Q | None:
    """The entries of the user's jurisdiction."""
    return _jurisdiction(user, community="community", town="town", programme="campaign__programme")


@remit(Entry)
def entries_for(user) -> QuerySet[Entry]:
    entries = Entry.objects.select_related("campaign__programme", "community", "town")
    scope = _scope(user)
    return entries if scope is None else entries.filter(scope)


@remit(Campaign)
def campaigns_for(user) -> QuerySet[Campaign]:
    """The campaigns with an entry in the user's jurisdiction, and those of the programmes it manages."""
    campaigns = Campaign.objects.select_related("programme", "rubric")
    scope = _scope(user)
    if scope is None:
        return campaigns
    managed = read_caches.managed_programme_ids(user) if user.role == Role.PROGRAMME_ADMIN else frozenset()
    listed = Entry.objects.filter(scope).values("campaign")
    return campaigns.filter(Q(pk__in=listed) | Q(programme__in=managed or ())).distinct()


def own_level(user) -> str | None:
    return OWN_LEVEL.get(user.role)


def _recheck_scope(user) -> Q | None:
    """The re-checks of the titles in the user's jurisdiction (read through the title's community)."""
    return _jurisdiction(user, community="title__region", town="title__region__parent", programme="title__programme")


@remit(Recheck)
def rechecks_for(user) -> QuerySet[Recheck]:
    rechecks = Recheck.objects.select_related("title__programme", "title__region__parent", "assessment")
    scope = _recheck_scope(user)
    return rechecks if scope is None else rechecks.filter(scope)


# Who conducts a re-check, and so changes its assessment while it is open: the town, the district's admins.
RECHECKERS = (Role.TOWN_STAFF, Role.PROGRAMME_ADMIN)


def _assessments_seen(user) -> Q:
    entries = entries_for(user).values("pk")
    seen = Q(community_evaluation__entry__in=entries) & Q(community_evaluation__submitted_at__isnull=False)
    level = own_level(user)
    if level:
        seen |= Q(community_evaluation__entry__in=entries, community_evaluation__level=level)
    rechecks = Q(community_recheck__in=rechecks_for(user).values("pk"))
    return seen | (rechecks if user.role in RECHECKERS else rechecks & Q(locked_at__isnull=False))


def _assessments_changed(user) -> Q:
    level = own_level(user)
    changed = Q(pk=None) if level is None else Q(
        community_evaluation__entry__in=entries_for(user).values("pk"), community_evaluation__level=level)
    if user.role in RECHECKERS:
        changed |= Q(community_recheck__in=rechecks_for(user).values("pk"))
    return changed


rubric_access.VIEW_GRANTS.append(_assessments_seen)
rubric_access.CLAIMS.append(lambda: Q(community_evaluation__isnull=False) | Q(community_recheck__isnull=False))
rubric_access.EDIT_GRANTS.append(_assessments_changed)


def next_level_users(entry: Entry) -> list[User]:
    """Who acts next on the entry: its town's staff once the self-evaluation is in, the district's programme admins
    once the town has recommended; the town and the community hear of the district's decision."""
    active = User.objects.filter(is_active=True)
    if entry.status == EntryStatus.SELF_SUBMITTED:
        return list(active.filter(role=Role.TOWN_STAFF, region=entry.town_id))
    if entry.status == EntryStatus.RECOMMENDED:
        return programme_admins(entry.campaign.programme)
    return local_staff(entry.community_id, entry.town_id)


def is_district(user, programme) -> bool:
    """An admin of the programme at the district itself (or the system administrator, of no region): it verifies,
    publishes, re-checks and removes; the city's admin, granted the programme, only announces."""
    return (user.role != Role.TOWN_STAFF and manages_programme(user, programme)
            and (user.region_id is None or user.region_id == programme.region_id))


def local_staff(community_id: int, town_id: int) -> list[User]:
    """The active staff of a community or village and of its town."""
    return list(User.objects.filter(Q(role=Role.COMMUNITY_STAFF, region=community_id) | Q(role=Role.TOWN_STAFF, region=town_id),
                                    is_active=True))


def home_context(user) -> dict:
    """A community's or town's home: what waits for its own level (nearest deadline first), every entry of its
    jurisdiction, and the plan's steps it owes that are not done."""
    level = own_level(user)
    entries = list(entries_for(user).select_related("campaign__programme").order_by("-campaign__year", "community__code"))
    waiting = [e for e in entries if level and e.status == STARTS_AT[level]]
    owner = {Level.SELF: "community", Level.TOWN: "town"}.get(level)
    steps = Milestone.objects.filter(campaign__in={e.campaign_id for e in entries}, owner=owner, done_on__isnull=True)
    return {
        "todo": sorted(waiting, key=lambda e: e.campaign.self_due if level == Level.SELF else e.campaign.town_due),
        "entries": entries,
        "milestones": steps.select_related("campaign__programme").order_by("due_on")[:10],
    }


def titles_for(user):
    """The communities' titles of the user's jurisdiction (for the staff's list of titles and their re-checks)."""
    titles = Title.objects.filter(region__isnull=False).select_related("programme", "region__parent")
    scope = _jurisdiction(user, community="region", town="region__parent", programme="programme")
    return titles if scope is None else titles.filter(scope)
