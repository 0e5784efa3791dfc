"""Services and tasks of the shared core: inactive accounts, role groups, programme admins, the demo seed."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.utils import timezone, translation
from guardian.shortcuts import get_objects_for_user

from applications.enums import ApplicationStatus
from applications.models import Application
from awards.models import Announcement, Award, Revocation
from awards.services import announcement_blockers as award_blockers
from config.management.commands import seed_demo
from portal import services, tasks
from portal.enums import Role
from portal.models import Department, Institution, Programme, Round, User
from portal.validators import validate_uscc
from publicity.enums import ObjectionStatus
from publicity.models import NoticeEntry, Objection, PublicityNotice
from review.enums import AssignmentStatus
from review.models import ReviewAssignment, Shortlist
from tests.factories import ApplicantFactory, ProgrammeFactory, UserFactory
from tests.portal.helpers import at

NOW = at(2026, 6, 1, 9)
LIMIT = 90

ADMIN_GROUPS = ["审计管理员", "安全管理员", "系统管理员"]
# The table in services is the specification; the test pins that each group holds exactly it, nothing more.
SYSTEM_CODENAMES = {perm.split(".")[1] for perm in services.ADMIN_GROUP_PERMISSIONS[Role.SYSTEM_ADMIN]}


def _user(*, last_login_days_ago=None, joined_days_ago=400, **fields):
    return UserFactory(
        last_login=None if last_login_days_ago is None else NOW - timedelta(days=last_login_days_ago),
        date_joined=NOW - timedelta(days=joined_days_ago),
        **fields,
    )


# --- users_flag_inactive -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_users_flag_inactive_flags_only_stale_logins():
    stale = _user(last_login_days_ago=91)
    recent = _user(last_login_days_ago=89)
    on_limit = _user(last_login_days_ago=LIMIT)

    count = services.users_flag_inactive(days=LIMIT, now=NOW)

    assert count == 1
    assert User.objects.get(pk=stale.pk).inactive_flagged_at == NOW
    assert User.objects.get(pk=recent.pk).inactive_flagged_at is None
    assert User.objects.get(pk=on_limit.pk).inactive_flagged_at is None


@pytest.mark.django_db
def test_users_flag_inactive_flags_never_logged_in_only_after_limit():
    old_account = _user(joined_days_ago=120)
    new_account = _user(joined_days_ago=10)

    count = services.users_flag_inactive(days=LIMIT, now=NOW)

    assert count == 1
    assert User.objects.get(pk=old_account.pk).inactive_flagged_at == NOW
    assert User.objects.get(pk=new_account.pk).inactive_flagged_at is None


@pytest.mark.django_db
def test_users_flag_inactive_skips_disabled_accounts():
    disabled = _user(last_login_days_ago=200, is_active=False)

    count = services.users_flag_inactive(days=LIMIT, now=NOW)

    assert count == 0
    assert User.objects.get(pk=disabled.pk).inactive_flagged_at is None


@pytest.mark.django_db
def test_users_flag_inactive_is_idempotent_and_keeps_first_flag_time():
    stale = _user(last_login_days_ago=91)
    services.users_flag_inactive(days=LIMIT, now=NOW)

    second = services.users_flag_inactive(days=LIMIT, now=NOW + timedelta(days=1))

    assert second == 0
    assert User.objects.get(pk=stale.pk).inactive_flagged_at == NOW


@pytest.mark.django_db
def test_clear_expired_sessions_deletes_only_expired_ones():
    from django.contrib.sessions.models import Session

    Session.objects.create(session_key="expired", session_data="", expire_date=timezone.now() - timedelta(minutes=1))
    Session.objects.create(session_key="live", session_data="", expire_date=timezone.now() + timedelta(minutes=29))

    tasks.clear_expired_sessions()

    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


@pytest.mark.history
@pytest.mark.django_db
def test_users_flag_inactive_records_history():
    stale = _user(last_login_days_ago=91)

    services.users_flag_inactive(days=LIMIT, now=NOW)

    assert stale.history.latest().inactive_flagged_at == NOW


@pytest.mark.django_db
def test_flag_inactive_accounts_task_uses_setting(settings):
    settings.ACCOUNT_INACTIVE_DAYS = 30
    stale = UserFactory(last_login=timezone.now() - timedelta(days=31))
    fresh = UserFactory(last_login=timezone.now() - timedelta(days=29))

    count = tasks.flag_inactive_accounts()

    assert count == 1
    assert User.objects.get(pk=stale.pk).inactive_flagged_at is not None
    assert User.objects.get(pk=fresh.pk).inactive_flagged_at is None


# --- role groups -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_role_groups_ensure_creates_the_administrators_groups_with_exact_permissions():

    services.role_groups_ensure()

    group = Group.objects.get(name="系统管理员")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == SYSTEM_CODENAMES
    assert {"change_round", "change_institution", "add_workdayoverride", "add_plaquefont"} <= codenames
    assert not {"delete_programme", "delete_institution", "view_auditrecord", "unlock_account"} & codenames


@pytest.mark.django_db
def test_role_groups_ensure_is_idempotent_and_repairs_permissions():
    services.role_groups_ensure()
    group = Group.objects.get(name="系统管理员")
    group.permissions.clear()

    services.role_groups_ensure()

    assert Group.objects.filter(name="系统管理员").count() == 1
    assert set(group.permissions.values_list("codename", flat=True)) == SYSTEM_CODENAMES


@pytest.mark.django_db
def test_role_groups_ensure_names_groups_in_chinese_whatever_the_language():
    Group.objects.all().delete()

    with translation.override("en"):
        services.role_groups_ensure()

    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(ADMIN_GROUPS)


@pytest.mark.django_db
def test_user_role_group_sync_puts_a_system_admin_in_its_group_and_makes_it_staff():
    sysadmin = UserFactory(role=Role.SYSTEM_ADMIN)

    services.user_role_group_sync(user=sysadmin)

    sysadmin = User.objects.get(pk=sysadmin.pk)
    assert list(sysadmin.groups.values_list("name", flat=True)) == ["系统管理员"]
    assert sysadmin.is_staff is True
    assert sysadmin.has_perm("portal.change_round")


@pytest.mark.django_db
def test_user_role_group_sync_gives_a_programme_admin_no_group_and_no_admin_site():
    admin = UserFactory(is_staff=True)

    services.user_role_group_sync(user=admin)

    admin = User.objects.get(pk=admin.pk)
    assert admin.groups.count() == 0
    assert admin.is_staff is False
    assert not admin.has_perm("portal.change_round")


@pytest.mark.django_db
def test_user_role_group_sync_moves_the_group_with_the_role_and_keeps_other_groups():
    other = Group.objects.create(name="培训班")
    user = UserFactory(role=Role.SECURITY_ADMIN)
    user.groups.add(other)
    services.user_role_group_sync(user=user)
    user.role = Role.AUDIT_ADMIN
    user.save()

    services.user_role_group_sync(user=user)

    assert sorted(user.groups.values_list("name", flat=True)) == ["培训班", "审计管理员"]


@pytest.mark.django_db
def test_user_role_group_sync_gives_applicant_no_group():
    applicant = ApplicantFactory()

    services.user_role_group_sync(user=applicant)

    assert applicant.groups.count() == 0


# --- programme admins and passwords ----------------------------------------------------------------


@pytest.mark.django_db
def test_programme_admin_grant_covers_that_programme_only():
    granted, other = ProgrammeFactory(), ProgrammeFactory()
    admin = UserFactory()

    services.programme_admin_grant(programme=granted, user=admin)

    assert admin.has_perm("portal.manage_programme", granted)
    assert not admin.has_perm("portal.manage_programme", other)
    assert list(get_objects_for_user(admin, "portal.manage_programme", klass=Programme)) == [granted]


@pytest.mark.django_db
def test_programme_admin_revoke_removes_permission():
    programme = ProgrammeFactory()
    admin = UserFactory()
    services.programme_admin_grant(programme=programme, user=admin)

    services.programme_admin_revoke(programme=programme, user=admin)

    assert not User.objects.get(pk=admin.pk).has_perm("portal.manage_programme", programme)


@pytest.mark.django_db
def test_user_password_changed_clears_flag_and_stamps_time():
    user = UserFactory(must_change_password=True)
    before = timezone.now()

    services.user_password_changed(user=user)

    user.refresh_from_db()
    assert user.must_change_password is False
    assert before <= user.password_changed_at <= timezone.now()


# --- seed_demo ---------------------------------------------------------------------------------------


@pytest.fixture
def credentials_file(tmp_path, monkeypatch):
    path = tmp_path / "demo-credentials.json"
    monkeypatch.setattr(seed_demo, "CREDENTIALS_FILE", path)
    monkeypatch.setattr(seed_demo, "TOKENS_FILE", tmp_path / "demo-second-factor.json")
    return path


def _seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.pdf
@pytest.mark.django_db
def test_seed_demo_twice_creates_demo_data_once(credentials_file):
    # One test for the whole command: a run renders demo PDFs (seconds), so the suite runs it only twice.
    _seed()
    first_passwords = json.loads(credentials_file.read_text())

    output = _seed()

    usccs = list(Institution.objects.values_list("uscc", flat=True))
    assert len(usccs) == 8 + 29  # the county's eight, and the holders of the 「十百千」 titles across 山东省 (levels.demo)
    for uscc in usccs:
        validate_uscc(uscc)  # raises ValidationError on a bad code
    assert any(uscc.startswith("N2") for uscc in usccs)  # village collective (docs/security.md 11)
    # the county's three, the city's three, 从化区's HR bureau; the province's four and the other cities' and
    # counties' bureaus of levels.demo and reporting.demo
    assert Department.objects.count() == 7 + 16
    # the county's two periods, the city's two, 从化区's two titles of communities and villages; the programmes of the
    # other levels and regions of 山东省 (levels.demo)
    assert Programme.objects.count() == 6 + 9
    assert Round.objects.count() == 6
    assert set(Application.objects.values_list("status", flat=True)) == set(ApplicationStatus.values)
    assert Shortlist.objects.filter(round__name="2022年度").get().entries.count() == 1
    assert ReviewAssignment.objects.filter(status=AssignmentStatus.RECUSED).count() == 1
    # publicity: the 2022 notice ended; the 2026 first batch disqualified one and has its adjusted list open;
    # the city's 2026 notice ended without objections
    assert PublicityNotice.objects.count() == 5 + 2  # and 从化区's two notices of 2024 (seed 002)
    assert [n.is_open() for n in PublicityNotice.objects.order_by("published_at")] == [False] * 6 + [True]
    # results: the 2022 award valid, the city's 2023 award revoked, the city's 2026 draft ready to be issued
    assert Announcement.objects.filter(status="issued").count() == 2
    ready = Announcement.objects.get(status="draft")
    assert (ready.document_number, award_blockers(ready)) == ("淄人社字〔2026〕35号", [])
    assert sorted(a.revoked_at is None for a in Award.objects.all()) == [False, True]
    assert Revocation.objects.get().award.programme.level == "city"
    assert set(Objection.objects.values_list("status", flat=True)) == set(ObjectionStatus.values)
    assert NoticeEntry.objects.filter(disqualified_at__isnull=False).count() == 1
    # The demo's accounts, and one per community or village of 良口镇 its town opened (no password: nobody signs in)
    demo = User.objects.filter(username__in=[row[0] for row in seed_demo.DEMO_USERS])
    assert demo.count() == len(seed_demo.DEMO_USERS)
    opened = User.objects.exclude(pk__in=demo)
    reporters = opened.filter(role=Role.PROGRAMME_ADMIN)  # who submitted two counties' upward reports (reporting.demo)
    assert sorted(reporters.values_list("username", flat=True)) == ["reporter_370321", "reporter_370323"]
    opened = opened.exclude(pk__in=reporters)
    assert opened.count() == 22 and set(opened.values_list("role", flat=True)) == {Role.COMMUNITY_STAFF}
    assert not any(user.has_usable_password() for user in opened | reporters)
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert all(user.has_usable_password() and user.is_active for user in demo)
    assert not User.objects.filter(is_superuser=True).exists()  # daily work never needs a superuser
    assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == ["sysadmin"]
    assert {
        username: list(User.objects.get(username=username).groups.values_list("name", flat=True))
        for username in ("sysadmin", "secadmin", "auditor")
    } == {"sysadmin": ["系统管理员"], "secadmin": ["安全管理员"], "auditor": ["审计管理员"]}
    assert User.objects.get(username="viewer").region.code == "370300"
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(ADMIN_GROUPS)
    assert "演示数据已加载。" in output
    # the credentials survive the second run, are private, and each password passes the portal's rules
    assert json.loads(credentials_file.read_text()) == first_passwords
    assert set(first_passwords) == {username for username, *_ in seed_demo.DEMO_USERS}
    assert credentials_file.stat().st_mode & 0o777 == 0o600
    for username, password in first_passwords.items():
        user = User.objects.get(username=username)
        assert user.check_password(password), username
        validate_password(password, user)
    # the demo programme admin manages the two county programmes, not the city one
    admin = User.objects.get(username="admin")
    managed = get_objects_for_user(admin, "portal.manage_programme", klass=Programme).values_list("name", flat=True)
    assert set(managed) == {
        "高青县就业服务质量县级标杆机构评定（“十四五”时期）",
        "高青县就业服务质量县级标杆机构评定（“十五五”时期）",
    }
    assert (admin.groups.count(), admin.is_staff) == (0, False)  # programme admins work in the portal only
    city_admin = User.objects.get(username="admin_city")
    managed = get_objects_for_user(city_admin, "portal.manage_programme", klass=Programme).values_list("name", flat=True)
    assert set(managed) == {
        "淄博市就业服务质量市级标杆机构评定（“十四五”时期）",
        "淄博市就业服务质量市级标杆机构评定（“十五五”时期）",
    }
