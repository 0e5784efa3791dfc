"""Where a staff account works (its jurisdiction, 辖区) and what it sets up there: the programmes of its level and the
departments that issue them (issue 16 point 1).

A programme admin's jurisdiction is its own region (`User.region`), else its department's: the admin of a county's
人社局 works for the county. It creates programmes of that jurisdiction only, at the level the jurisdiction has (a
county's are 县级, a city's 市级, a province's 省级: seed 001's three levels), and keeps the departments of that
region. The system administrator does both for any region (`portal.permissions.sees_everything`).
"""

from django.db.models import QuerySet

from portal.enums import Level, RegionLevel, Role
from portal.models import Department, Region
from portal.permissions import remit, sees_everything

# The level of the programmes a region runs; towns and communities run none (their titles are the communities app's).
PROGRAMME_LEVEL = {RegionLevel.COUNTY: Level.COUNTY, RegionLevel.CITY: Level.CITY, RegionLevel.PROVINCE: Level.PROVINCE}


def jurisdiction_of(user) -> Region | None:
    """The user's region, else its department's region; None for an account with neither (or a visitor). The one
    reading of 辖区 that the programmes, the targets (levels) and the upward reports (reporting) share."""
    if not user.is_authenticated:
        return None
    if user.region_id:
        return user.region
    if user.department_id:
        return user.department.region
    return None


def jurisdiction_id_of(user) -> int | None:
    """The id of `jurisdiction_of(user)`, without loading the region."""
    if not user.is_authenticated:
        return None
    if user.region_id:
        return user.region_id
    return user.department.region_id if user.department_id else None


def programme_level(region: Region) -> Level | None:
    """The level of the programmes `region` runs (None for a town or a community)."""
    return PROGRAMME_LEVEL.get(region.level)


def admin_jurisdiction(user) -> Region | None:
    """The region whose programmes and departments a programme admin sets up: its jurisdiction, when that is a county,
    a city or a province; None for anyone else (the system administrator chooses a region each time)."""
    if not (user.is_authenticated and user.is_active and user.role == Role.PROGRAMME_ADMIN):
        return None
    region = jurisdiction_of(user)
    return region if region is not None and programme_level(region) is not None else None


def may_create_programmes(user) -> bool:
    return sees_everything(user) or admin_jurisdiction(user) is not None


def programme_regions() -> QuerySet[Region]:
    """The regions a programme may be run for (the system administrator's choice)."""
    return Region.objects.filter(level__in=list(PROGRAMME_LEVEL)).order_by("code")


@remit(Department, "manage")
def departments_managed_by(user) -> QuerySet[Department]:
    """The departments a user keeps: those of a programme admin's jurisdiction, or all (sees_everything)."""
    base = Department.objects.select_related("region")
    if sees_everything(user):
        return base
    region = admin_jurisdiction(user)
    return base.filter(region=region) if region is not None else base.none()
