"""The admin site shows every review model; the rubric is editable, the records of the review are not."""

import pytest
from django.urls import reverse

from review.models import Rubric
from review.rubrics import rubric_install_default
from tests.factories import ProgrammeFactory, SystemAdminFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["rubric", "reviewplan", "reviewassignment", "scoresheet", "departmentopinion", "shortlist"])
def test_changelist_renders_for_system_admin(login, model):
    client = login(SystemAdminFactory())

    response = client.get(reverse(f"admin:review_{model}_changelist"))

    assert response.status_code == 200


def test_rubric_change_page_lists_its_criteria(login):
    rubric = rubric_install_default(ProgrammeFactory())
    client = login(SystemAdminFactory())

    response = client.get(reverse("admin:review_rubric_change", args=[rubric.pk]))

    assert response.status_code == 200
    assert "B1" in response.content.decode() and "S3" in response.content.decode()
    assert Rubric.objects.get().criteria.count() == 11


def test_review_records_cannot_be_added(login):
    client = login(SystemAdminFactory())

    response = client.get(reverse("admin:review_scoresheet_add"))

    assert response.status_code == 403
