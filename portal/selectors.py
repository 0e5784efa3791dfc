"""Read-only queries of the shared core."""


from django.db.models import Q, QuerySet
from django.utils import timezone

from portal import read_caches
from portal.enums import InstitutionStatus, Role
from portal.models import AuditRecord, Institution, Programme, Region, Round, User
from portal.permissions import remit, sees_everything


@remit(Programme, "view")
def programme_list_for_user(user) -> QuerySet[Programme]:
    """Programmes a user may see: the admin's own, a viewer's jurisdiction and below, or all (sees_everything)."""
    base = Programme.objects.select_related("region", "lead_department").order_by("-period_start", "name")
    if sees_everything(user):
        return base
    if user.role == Role.VIEWER:  # a viewer without a region oversees every jurisdiction, as its home page says
        return base.filter(region__code__startswith=user.region.code_prefix) if user.region_id else base
    if user.role == Role.PROGRAMME_ADMIN:
        return _granted(user, base)
    return base.none()


def _granted(user, programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    """The programmes on which the user holds manage_programme (a global grant: all), from its cached grants."""
    ids = read_caches.managed_programme_ids(user)
    return programmes if ids is None else programmes.filter(pk__in=ids)


@remit(Programme, "manage")
def programmes_managed_by(user) -> QuerySet[Programme]:
    """Programmes the user administers (a global manage_programme covers every one)."""
    base = Programme.objects.select_related("region", "lead_department")
    if sees_everything(user):
        return base
    return _granted(user, base)


@remit(Round, "manage", answers_cached=True)  # by the user's role, flags and grants, and the round's programme
def rounds_managed_by(user) -> QuerySet[Round]:
    base = Round.objects.select_related("programme__region")
    if sees_everything(user):
        return base
    ids = read_caches.managed_programme_ids(user)
    return base if ids is None else base.filter(programme_id__in=ids)


@remit(Institution, "manage")
def institutions_managed_by(user) -> QuerySet[Institution]:
    """Institutions registered in the jurisdictions of the programmes the user administers."""
    if sees_everything(user):
        return Institution.objects.select_related("region")
    programmes = programmes_managed_by(user).select_related("region")
    return institutions_in_jurisdictions(programmes).select_related("region")


def programme_admins(programme) -> list[User]:
    """The programme's own active admins (who hold manage_programme on it). Not everyone whose jurisdiction contains
    an institution: a city programme's admins may not see a county round."""
    from guardian.shortcuts import get_users_with_perms

    admins = get_users_with_perms(programme, only_with_perms_in=["manage_programme"], with_superusers=False)
    return [user for user in admins if user.is_active]


def round_list_open_now() -> QuerySet[Round]:
    return Round.objects.open_at(timezone.now()).select_related("programme", "programme__region")


def round_list_open_for(user) -> QuerySet[Round]:
    """The open rounds a home page lists (issue 13: each list only the user's jurisdiction): those of the programmes
    an administrator manages; for an applicant, those its institution may apply to (its region lies in the
    programme's); for a viewer, those of its region; none for anyone else."""
    rounds = round_list_open_now()
    if user.role in (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN) or user.is_superuser:
        return rounds if sees_everything(user) else rounds.filter(programme__in=programmes_managed_by(user))
    if user.role == Role.APPLICANT and user.institution_id:
        return rounds.filter(pk__in=[r.pk for r in rounds if r.programme.region.contains(user.institution.region)])
    if user.role == Role.VIEWER and user.region_id:
        return rounds.filter(programme__region__code__startswith=user.region.code_prefix)
    return rounds.none()


def next_round_deadline(programmes) -> Round | None:
    return (
        Round.objects.filter(programme__in=programmes, closes_at__gt=timezone.now())
        .select_related("programme")
        .order_by("closes_at")
        .first()
    )


def _in_jurisdictions(programmes, code_field: str) -> Q:
    """Rows whose region code (`code_field`) lies in the jurisdiction of any of these programmes; none without any."""
    condition = Q(pk__in=[])
    for prefix in {programme.region.code_prefix for programme in programmes}:
        condition |= Q(**{f"{code_field}__startswith": prefix})
    return condition


def institutions_in_jurisdictions(programmes) -> QuerySet[Institution]:
    """Institutions whose region lies in the jurisdiction of any of these programmes (none when there are none)."""
    return Institution.objects.filter(_in_jurisdictions(programmes, "region__code"))


def regions_in_jurisdictions(programmes) -> QuerySet[Region]:
    """The regions of these programmes' jurisdictions, each with its subdivisions (none when there are none)."""
    return Region.objects.filter(_in_jurisdictions(programmes, "code")).order_by("code")


def institutions_pending_count(programmes) -> int:
    """Institutions registered in the admin's jurisdictions that still wait for verification."""
    return institutions_in_jurisdictions(programmes).filter(status=InstitutionStatus.PENDING).count()


def audit_overview(now=None) -> dict:
    """The audit administrator's home: the log's size, today's failures and the last verification (3 queries)."""
    from portal.enums import AuditEvent

    now = now or timezone.now()
    since = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "audit_total": AuditRecord.objects.count(),
        "audit_failures_today": AuditRecord.objects.filter(created_at__gte=since, success=False).count(),
        "last_verification": AuditRecord.objects.filter(event=AuditEvent.AUDIT_VERIFY).order_by("-id").first(),
    }


def programmes_without_admin_count() -> int:
    """Programmes nobody may administer yet (the security administrator's home): no user holds manage_programme."""
    from guardian.models import UserObjectPermission

    held = UserObjectPermission.objects.filter(
        permission__codename="manage_programme", permission__content_type__app_label="portal"
    ).values_list("object_pk", flat=True)
    return Programme.objects.exclude(pk__in=[int(pk) for pk in held]).count()
