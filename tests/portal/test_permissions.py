"""The one object-access helper and the superuser rule (portal/permissions.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

from applications.models import Application
from portal.models import Programme, Round
from portal.permissions import REMITS, effective_role, get_object_for_user_or_404, sees_everything, visible
from portal.services import programme_admin_grant
from tests.applications.factories import ApplicationFactory
from tests.factories import ApplicantFactory, RoundFactory, SystemAdminFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_app_registers_the_remits_its_views_use():

    registered = {(model._meta.label, action) for model, action in REMITS}

    assert {
        ("applications.Application", "view"), ("portal.Round", "manage"), ("portal.Programme", "manage"),
        ("portal.Institution", "manage"), ("publicity.Objection", "view"), ("review.ReviewAssignment", "review"),
        ("awards.Award", "plaque"), ("awards.PlaqueBatch", "view"),
    } <= registered


def test_an_unregistered_remit_is_a_configuration_error_not_an_open_door():

    with pytest.raises(ImproperlyConfigured):
        visible(UserFactory(), Application, "delete")


def test_a_round_outside_the_admins_programmes_is_a_404():
    mine, other = RoundFactory(), RoundFactory()
    admin = UserFactory()
    programme_admin_grant(programme=mine.programme, user=admin)

    found = get_object_for_user_or_404(admin, Round, "manage", pk=mine.pk)

    assert found == mine
    with pytest.raises(Http404):
        get_object_for_user_or_404(admin, Round, "manage", pk=other.pk)


def test_a_visitor_sees_nothing_and_the_owner_its_own():
    application = ApplicationFactory()
    owner = ApplicantFactory(institution=application.institution)

    assert list(visible(AnonymousUser(), Application)) == []
    assert list(visible(owner, Application)) == [application]
    assert list(visible(ApplicantFactory(), Application)) == []


def test_the_superuser_rule_in_one_place():
    superuser = UserFactory(is_superuser=True, role="")

    assert [sees_everything(u) for u in (superuser, SystemAdminFactory(), UserFactory(), AnonymousUser())] == [
        True, True, False, False,
    ]
    assert effective_role(superuser) == "system_admin"
    assert list(visible(superuser, Programme, "manage")) == list(Programme.objects.all())
