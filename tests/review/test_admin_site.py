"""The admin site shows every review model, read only (the rubric is edited in the portal's 评分标准 pages)."""

import pytest
from django.urls import reverse

from tests.factories import SystemAdminFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["reviewplan", "reviewassignment", "scoresheet", "departmentopinion", "shortlist"])
def test_changelist_renders_for_system_admin(login, model):
    client = login(SystemAdminFactory())

    response = client.get(reverse(f"admin:review_{model}_changelist"))

    assert response.status_code == 200


def test_review_records_cannot_be_added(login):
    client = login(SystemAdminFactory())

    response = client.get(reverse("admin:review_scoresheet_add"))

    assert response.status_code == 403
