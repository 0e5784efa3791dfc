"""Access to an objector's identity: asked by a programme admin, decided by a security administrator (issue 11
item 3; docs/security.md 7, 18): a programme admin can no longer grant itself, every step is audited."""

import copy

import pytest
from django.urls import reverse

from portal.enums import AuditEvent
from portal.models import AuditRecord, Notification
from portal.transitions import Refused
from publicity import services
from publicity.identity_access import identity_access_decide, identity_access_request, identity_access_revoke
from tests.factories import AuditAdminFactory, SecurityAdminFactory, SystemAdminFactory, UserFactory
from tests.portal.helpers import messages_of, text
from tests.publicity.publicity_builders import at, file, listed_round, publish
from tests.worlds import built_once

pytestmark = pytest.mark.django_db


def build_objection():
    listed = listed_round(names=("甲",))
    publish(listed, at(2026, 9, 28, 10))
    objection, _token = file(listed, at(2026, 9, 29, 15))
    objection.listed = listed
    return objection


@pytest.fixture(scope="module")
def _objection(django_db_setup, django_db_blocker):
    """An objection of 29 Sep 2026 on a notice of 28 Sep, built once for the module (tests/worlds.py). On the real
    clock, as these tests always ran: they stand on no day of their own, so none is frozen for them."""
    yield from built_once(django_db_blocker, build_objection)


@pytest.fixture
def objection(_objection, db):
    """Each test's own copy of the objection and its listed round (`objection.listed`)."""
    return copy.deepcopy(_objection)


def _ask(objection, grantee=None, reason="需电话核实"):
    listed = objection.listed
    return identity_access_request(objection=objection, grantee=grantee or listed.lead, actor=listed.admin, reason=reason)


def test_programme_admin_asking_for_itself_does_not_see_the_identity(login, objection):
    admin = objection.listed.admin
    client = login(admin)

    response = client.post(
        reverse("publicity:objection_grant", args=[objection.pk]), {"user": admin.pk, "reason": "我要看"}
    )

    assert response.status_code == 302
    assert messages_of(response) == ["查看异议人身份的申请已提交，待安全管理员审批。"]
    assert services.may_see_identity(admin, objection) is False
    assert client.post(reverse("publicity:objection_identity", args=[objection.pk])).status_code == 403
    assert objection.identity_requests.get().status == "pending"


def test_security_admin_approves_and_the_grantee_sees_it(login, objection, django_capture_on_commit_callbacks):
    security = SecurityAdminFactory(username="sec")
    with django_capture_on_commit_callbacks(execute=True):
        access = _ask(objection)
    assert Notification.objects.filter(user=security).count() == 1  # the security administrators are told

    with django_capture_on_commit_callbacks(execute=True):
        response = login(security).post(
            reverse("publicity:identity_request_decide", args=[access.pk]), {"decision": "approve", "note": ""}
        )

    access.refresh_from_db()
    assert response.status_code == 302
    assert (access.status, access.decided_by) == ("approved", security)
    assert services.may_see_identity(objection.listed.lead, objection) is True
    grant = AuditRecord.objects.filter(event=AuditEvent.PERMISSION_CHANGE).order_by("id").last()
    assert (grant.username, grant.object_id) == ("sec", str(objection.pk))
    assert grant.detail.startswith(f"grant publicity.view_objector_identity to {objection.listed.lead.username}")
    told = set(Notification.objects.filter(text__startswith="已批准").values_list("user__username", flat=True))
    assert told == {objection.listed.admin.username, objection.listed.lead.username}


def test_refusal_needs_a_reason_and_grants_nothing(objection):
    access = _ask(objection)
    security = SecurityAdminFactory()

    with pytest.raises(Refused) as refused:
        identity_access_decide(access_request=access, approve=False, actor=security, note=" ")
    decided = identity_access_decide(access_request=access, approve=False, actor=security, note="理由不充分")

    assert str(refused.value) == "不予批准须说明理由。"
    assert decided.status == "refused"
    assert services.may_see_identity(objection.listed.lead, objection) is False
    with pytest.raises(Refused):
        identity_access_decide(access_request=decided, approve=True, actor=security)


@pytest.mark.parametrize("who", ["programme_admin", "system_admin", "audit_admin"])
def test_only_a_security_administrator_decides(objection, who):
    access = _ask(objection)
    actor = {
        "programme_admin": objection.listed.admin,
        "system_admin": SystemAdminFactory(),
        "audit_admin": AuditAdminFactory(),
    }[who]

    with pytest.raises(Refused) as refused:
        identity_access_decide(access_request=access, approve=True, actor=actor)

    assert str(refused.value) == "只有安全管理员可以审批查看异议人身份的申请。"
    assert services.may_see_identity(objection.listed.lead, objection) is False


def test_nobody_approves_a_request_of_their_own(objection):
    superuser = UserFactory(is_superuser=True, role="")
    access = identity_access_request(
        objection=objection, grantee=objection.listed.admin, actor=superuser, reason="紧急核查"
    )

    with pytest.raises(Refused) as refused:
        identity_access_decide(access_request=access, approve=True, actor=superuser)

    assert str(refused.value) == "不能审批自己提出或授权给自己的申请，须由另一名安全管理员审批。"


@pytest.mark.parametrize("role", ["programme_admin", "dept_lead", "system_admin", "audit_admin"])
def test_security_pages_refuse_other_roles(login, objection, role):
    access = _ask(objection)
    user = {
        "programme_admin": objection.listed.admin,
        "dept_lead": objection.listed.lead,
        "system_admin": SystemAdminFactory(),
        "audit_admin": AuditAdminFactory(),
    }[role]
    client = login(user)

    listing = client.get(reverse("publicity:identity_requests"))
    decide = client.post(reverse("publicity:identity_request_decide", args=[access.pk]), {"decision": "approve"})

    assert (listing.status_code, decide.status_code) == (403, 403)
    access.refresh_from_db()
    assert access.status == "pending"


def test_asking_twice_makes_one_request(objection):

    first, second = _ask(objection), _ask(objection, reason="再次申请")

    assert first.pk == second.pk
    assert objection.identity_requests.count() == 1


def test_revoking_takes_the_permission_away_and_is_audited(objection):
    security = SecurityAdminFactory(username="sec2")
    access = identity_access_decide(access_request=_ask(objection), approve=True, actor=security)

    revoked = identity_access_revoke(access_request=access, actor=security, note="核查已结束")

    assert revoked.status == "revoked"
    assert services.may_see_identity(objection.listed.lead, objection) is False
    record = AuditRecord.objects.filter(event=AuditEvent.PERMISSION_CHANGE).order_by("id").last()
    assert record.detail == f"revoke publicity.view_objector_identity from {objection.listed.lead.username}: 核查已结束"


def test_request_list_shows_pending_first_with_no_identity(login, objection):
    _ask(objection)
    older = _ask(objection, grantee=objection.listed.admin)
    identity_access_decide(access_request=older, approve=False, actor=SecurityAdminFactory(), note="不需要")

    page = text(login(SecurityAdminFactory()).get(reverse("publicity:identity_requests")))

    assert page.index("待批准") < page.index("未批准")
    assert objection.receipt_number in page
    assert objection.name not in page and objection.phone not in page
