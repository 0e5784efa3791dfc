"""The read caches of every signed-in page (portal/read_caches.py): a user's programme grants and unread notifications
come from the cache on a warm page, and every write that changes them shows on the very next page."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from applications.enums import ApplicationStatus
from portal import read_caches, versioned_cache
from portal.enums import Role
from portal.models import Notification, Round
from portal.permissions import manages_programme, visible
from portal.services import notifications_mark_read, notify, programme_admin_grant, programme_admin_revoke
from tests.applications.factories import ApplicationFactory
from tests.factories import RoundFactory, UserFactory

pytestmark = pytest.mark.django_db


def table_url(round) -> str:
    return reverse("applications:round_applications", args=[round.pk])


def status(client, round) -> int:
    return client.get(table_url(round)).status_code


def badge(client) -> int:
    """The unread count in the header of a signed-in page (0: no badge)."""
    found = re.search(r'<span class="badge"[^>]*>(\d+)</span>', client.get(reverse("programme_list")).content.decode())
    return int(found[1]) if found else 0


@pytest.fixture
def admin():
    return UserFactory(role=Role.PROGRAMME_ADMIN)


# --- grants ----------------------------------------------------------------------------------------------------


def test_a_warm_staff_page_reads_neither_the_grants_nor_the_notifications_from_the_database(login, admin):
    round = RoundFactory()
    programme_admin_grant(programme=round.programme, user=admin)
    client = login(admin)
    assert status(client, round) == 200

    with CaptureQueriesContext(connection) as queries:
        assert status(client, round) == 200

    tables = " ".join(query["sql"] for query in queries)
    assert "guardian_" not in tables and "auth_permission" not in tables and "portal_notification" not in tables


def test_a_revoked_grant_loses_the_page_at_once(login, admin):
    round = RoundFactory()
    programme_admin_grant(programme=round.programme, user=admin)
    client = login(admin)
    assert status(client, round) == 200

    programme_admin_revoke(programme=round.programme, user=admin)

    assert status(client, round) == 404


def test_a_new_grant_opens_the_page_at_once(login, admin):
    round = RoundFactory()
    client = login(admin)
    assert status(client, round) == 404

    programme_admin_grant(programme=round.programme, user=admin)

    assert status(client, round) == 200


def test_a_grant_through_a_group_comes_and_goes_with_the_membership_and_the_groups_grant(login, admin):
    round = RoundFactory()
    group = Group.objects.create(name="评定工作组")
    assign_perm("portal.manage_programme", group, round.programme)
    client = login(admin)
    assert status(client, round) == 404

    group.user_set.add(admin)
    assert status(client, round) == 200

    remove_perm("portal.manage_programme", group, round.programme)
    assert status(client, round) == 404

    assign_perm("portal.manage_programme", group, round.programme)
    admin.groups.clear()
    assert status(client, round) == 404


def test_a_global_grant_of_the_user_or_of_its_group_covers_every_round_until_withdrawn(login, admin):
    round = RoundFactory()
    permission = Permission.objects.get(codename="manage_programme")
    client = login(admin)

    admin.user_permissions.add(permission)
    assert status(client, round) == 200
    admin.user_permissions.remove(permission)
    assert status(client, round) == 404

    group = Group.objects.create(name="全市评定")
    group.user_set.add(admin)
    group.permissions.add(permission)
    assert status(client, round) == 200
    group.delete()
    assert status(client, round) == 404


def test_the_decisions_on_an_application_go_with_the_grant(login, admin):
    application = ApplicationFactory(status=ApplicationStatus.SUBMITTED)
    programme_admin_grant(programme=application.round.programme, user=admin)
    client = login(admin)
    accept = reverse("applications:accept", args=[application.pk])
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 200

    programme_admin_revoke(programme=application.round.programme, user=admin)

    assert client.post(accept, {"note": "材料齐全"}).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_one_request_that_changes_a_grant_then_reads_it_sees_its_own_write(admin):
    """The request's copy on the user object is dropped by a write in the same process."""
    round = RoundFactory()
    programme_admin_grant(programme=round.programme, user=admin)
    assert list(visible(admin, Round, "manage")) == [round] and manages_programme(admin, round.programme)

    programme_admin_revoke(programme=round.programme, user=admin)

    assert list(visible(admin, Round, "manage")) == [] and not manages_programme(admin, round.programme)


def test_a_copy_stored_while_the_revoking_transaction_was_open_is_not_used_after_its_commit(
    login, admin, django_capture_on_commit_callbacks
):
    """Another request read the grant before the revocation committed and stored it under the version of that
    moment: the second bump, on commit, makes that copy stale."""
    round = RoundFactory()
    programme_admin_grant(programme=round.programme, user=admin)
    client = login(admin)
    assert status(client, round) == 200
    key = f"read-caches:{admin.pk}:programmes"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        programme_admin_revoke(programme=round.programme, user=admin)
        during = versioned_cache.read(read_caches.GRANTS_KEY)
        cache.set(key, (during, True, False, (False, frozenset({round.programme_id}))))  # the grant as it was

    assert versioned_cache.read(read_caches.GRANTS_KEY) != during
    assert status(client, round) == 404


def test_a_round_moved_to_another_programme_leaves_its_former_admins_reach_at_once(login, admin):
    round, elsewhere = RoundFactory(), RoundFactory()
    programme_admin_grant(programme=round.programme, user=admin)
    other_admin = UserFactory(role=Role.PROGRAMME_ADMIN)
    programme_admin_grant(programme=elsewhere.programme, user=other_admin)
    client, other = login(admin), Client()
    other.force_login(other_admin)
    assert (status(client, round), status(other, round)) == (200, 404)

    round.programme = elsewhere.programme  # not in the portal's forms; the admin site or a shell could
    round.save()

    assert (status(client, round), status(other, round)) == (404, 200)


def test_a_deleted_round_is_a_404_at_once(login, admin):
    round = RoundFactory()
    programme_admin_grant(programme=round.programme, user=admin)
    client = login(admin)
    url = table_url(round)
    assert client.get(url).status_code == 200

    round.delete()

    assert client.get(url).status_code == 404


def test_a_new_role_is_answered_anew(login, admin):
    round = RoundFactory()
    client = login(admin)
    assert status(client, round) == 404

    admin.role = Role.SYSTEM_ADMIN
    admin.save()

    assert status(client, round) == 200


# --- unread notifications ----------------------------------------------------------------------------------------


def test_a_new_notification_shows_in_the_count_at_once(login, admin):
    client = login(admin)
    assert badge(client) == 0

    notify(users=[admin], text="请审核新的申报。")
    assert badge(client) == 1

    Notification.objects.create(user=admin, text="公示期已满。")
    assert badge(client) == 2


def test_read_and_deleted_notifications_leave_the_count_at_once(login, admin):
    first, second, third = notify(users=[admin, admin, admin], text="请审核新的申报。")
    client = login(admin)
    assert badge(client) == 3

    notifications_mark_read(user=admin, ids=[first.pk])
    assert badge(client) == 2

    second.delete()
    assert badge(client) == 1

    assert client.get(reverse("notifications")).status_code == 200  # opening the list marks the rest read
    assert badge(client) == 0
    assert Notification.objects.get(pk=third.pk).read_at is not None


def test_one_users_notification_does_not_change_anothers_count(login, admin):
    other = UserFactory(role=Role.PROGRAMME_ADMIN)
    client = login(admin)
    assert badge(client) == 0

    notify(users=[other], text="请审核新的申报。")

    assert badge(client) == 0
