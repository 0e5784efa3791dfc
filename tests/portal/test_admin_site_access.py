"""The admin site is the system administrator's (issue 11 item 1, docs/security.md 6–8): every other role, programme
admins included, is kept out of every admin URL; every change made there is audited; the three administrator
groups hold disjoint permissions, and the system administrator cannot reach the other two's accounts."""

from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from portal.enums import AuditEvent, Role
from portal.models import AuditRecord, Round, WorkdayOverride
from portal.services import ADMIN_GROUP_PERMISSIONS, programme_admin_grant, role_group_name
from tests.applications.factories import ApplicationFactory
from tests.factories import (
    ApplicantFactory,
    AuditAdminFactory,
    DepartmentLeadFactory,
    ProgrammeFactory,
    ReviewerFactory,
    RoundFactory,
    SecurityAdminFactory,
    SystemAdminFactory,
    UserFactory,
    ViewerFactory,
)
from tests.portal.helpers import text

pytestmark = pytest.mark.django_db

OUTSIDERS = {
    "programme_admin": lambda: UserFactory(role=Role.PROGRAMME_ADMIN),
    "applicant": ApplicantFactory,
    "reviewer": ReviewerFactory,
    "dept_lead": DepartmentLeadFactory,
    "viewer": ViewerFactory,
    "security_admin": SecurityAdminFactory,
    "audit_admin": AuditAdminFactory,
    "programme_admin_marked_staff": lambda: UserFactory(role=Role.PROGRAMME_ADMIN, is_staff=True),
}


def _admin_urls(objects):
    """Every page of every registered model: list, add, and change/history/delete of a real row where one exists."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse(f"{prefix}_changelist")
        yield reverse(f"{prefix}_add")
        row = objects.get(model) or model._default_manager.order_by("pk").first()
        if row is not None:
            for view in ("change", "history", "delete"):
                yield reverse(f"{prefix}_{view}", args=[row.pk])
    yield reverse("admin:index")


@pytest.fixture
def world():
    application = ApplicationFactory()
    city_round = RoundFactory(quota=3)
    return {Round: city_round, type(application): application}


@pytest.mark.parametrize("role", sorted(OUTSIDERS))
def test_admin_sweep_shows_no_object_to_anyone_but_the_system_administrator(login, world, role):
    client = login(OUTSIDERS[role]())
    urls = list(_admin_urls(world))

    answers = {url: client.get(url) for url in urls}

    assert reverse("admin:portal_round_change", args=[world[Round].pk]) in urls
    assert len(urls) >= 60
    leaked = {url: r.status_code for url, r in answers.items() if r.status_code not in (302, 403, 404)}
    assert leaked == {}
    assert {r["Location"].split("?")[0] for r in answers.values() if r.status_code == 302} == {"/admin/login/"}
    assert all(world[Round].name not in text(r) for r in answers.values())


def test_admin_sweep_anonymous_is_sent_to_the_login(client, world):
    answers = [client.get(url) for url in _admin_urls(world)]

    assert {r.status_code for r in answers} == {302}


def test_county_admin_cannot_change_the_city_rounds_quota(login, world):
    city_round = world[Round]
    county_admin = UserFactory(role=Role.PROGRAMME_ADMIN, is_staff=True)
    programme_admin_grant(programme=ProgrammeFactory(), user=county_admin)
    url = reverse("admin:portal_round_change", args=[city_round.pk])

    response = login(county_admin).post(url, {"name": city_round.name, "quota": 12})

    city_round.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert city_round.quota == 3


def test_system_admin_change_writes_an_audit_record(login, world):
    city_round = world[Round]
    sysadmin = SystemAdminFactory(username="ops")
    client = login(sysadmin)
    url = reverse("admin:portal_round_change", args=[city_round.pk])
    form = client.get(url).context["adminform"].form
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields)}
    data |= {
        "quota": 2,
        "opens_at_0": timezone.localtime(city_round.opens_at).strftime("%Y-%m-%d"),
        "opens_at_1": timezone.localtime(city_round.opens_at).strftime("%H:%M:%S"),
        "closes_at_0": timezone.localtime(city_round.closes_at).strftime("%Y-%m-%d"),
        "closes_at_1": timezone.localtime(city_round.closes_at).strftime("%H:%M:%S"),
    }
    data = {k: ("" if v is None else v) for k, v in data.items()}

    response = client.post(url, data)

    city_round.refresh_from_db()
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert city_round.quota == 2
    record = AuditRecord.objects.get(event=AuditEvent.ADMIN_CHANGE)
    assert (record.username, record.object_type, record.object_id) == ("ops", "portal.round", str(city_round.pk))
    assert record.detail.startswith(f"admin change portal.round «{city_round}»: ")
    assert "本批次名额" in record.detail


def test_system_admin_deletion_writes_an_audit_record_per_row(login):
    days = [WorkdayOverride.objects.create(date=date(2031, 1, 1) + timedelta(days=n), is_working_day=False) for n in range(2)]
    client = login(SystemAdminFactory())

    response = client.post(
        reverse("admin:portal_workdayoverride_changelist"),
        {"action": "delete_selected", "_selected_action": [d.pk for d in days], "post": "yes"},
    )

    assert response.status_code == 302
    assert not WorkdayOverride.objects.exists()
    records = AuditRecord.objects.filter(event=AuditEvent.ADMIN_CHANGE).order_by("id")
    assert [r.object_id for r in records] == [str(d.pk) for d in days]
    assert all(r.detail.startswith("admin delete portal.workdayoverride") for r in records)


# --- separation of duties ----------------------------------------------------------------------------


def test_the_three_administrator_groups_hold_disjoint_permissions():
    held = {
        role: set(Group.objects.get(name=role_group_name(role)).permissions.values_list("content_type__app_label", "codename"))
        for role in ADMIN_GROUP_PERMISSIONS
    }

    system, security, audit = held[Role.SYSTEM_ADMIN], held[Role.SECURITY_ADMIN], held[Role.AUDIT_ADMIN]
    assert len(system) == len(ADMIN_GROUP_PERMISSIONS[Role.SYSTEM_ADMIN])  # every listed permission exists
    assert len(security) == 4 and len(audit) == 3
    assert system & security == system & audit == security & audit == set()
    assert not any(codename in {"change_auditrecord", "delete_auditrecord"} for _app, codename in system | security | audit)
    assert not any(app == "auth" for app, _codename in system)  # nobody edits groups or permissions in the admin


@pytest.mark.parametrize(
    ("factory", "perm", "held"),
    [
        (SystemAdminFactory, "portal.view_auditrecord", False),
        (SystemAdminFactory, "portal.unlock_account", False),
        (SystemAdminFactory, "publicity.approve_identity_access", False),
        (SecurityAdminFactory, "portal.unlock_account", True),
        (SecurityAdminFactory, "portal.view_auditrecord", False),
        (SecurityAdminFactory, "portal.change_user", False),
        (AuditAdminFactory, "portal.view_auditrecord", True),
        (AuditAdminFactory, "portal.unlock_account", False),
        (AuditAdminFactory, "portal.change_user", False),
    ],
)
def test_each_administrator_holds_only_its_groups_rights(factory, perm, held):
    user = factory()

    assert user.has_perm(perm) is held
    assert user.is_superuser is False


def test_only_the_system_administrator_is_staff():
    users = [factory() for factory in (SystemAdminFactory, SecurityAdminFactory, AuditAdminFactory)]

    assert [u.is_staff for u in users] == [True, False, False]


def test_system_admin_cannot_open_or_create_the_other_administrators_accounts(login):
    auditor = AuditAdminFactory(username="auditor")
    client = login(SystemAdminFactory())

    listing = client.get(reverse("admin:portal_user_changelist"))
    change = client.get(reverse("admin:portal_user_change", args=[auditor.pk]), follow=True)
    add_form = client.get(reverse("admin:portal_user_add"))

    assert "auditor" not in text(listing)
    assert change.redirect_chain[-1][0] == "/admin/"
    role_choices = [value for value, _label in add_form.context["adminform"].form.fields["role"].choices]
    assert Role.AUDIT_ADMIN not in role_choices and Role.SECURITY_ADMIN not in role_choices
    assert Role.SYSTEM_ADMIN not in role_choices
    assert Role.PROGRAMME_ADMIN in role_choices


def test_admin_site_has_no_group_or_lockout_pages(login):
    client = login(SystemAdminFactory())

    index = text(client.get(reverse("admin:index")))

    assert "/admin/auth/group/" not in index
    assert "/admin/axes/" not in index
