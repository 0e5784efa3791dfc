"""The cached content of a round's applications page (applications/table_cache.py): the round's heading is cached with
its table, so a change of the round or of its programme shows at once; on a warm page, the database is asked only
who the user is (the remit's answer is cached too, portal/read_caches.py)."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.services import programme_admin_grant
from tests.applications.factories import ApplicationFactory
from tests.factories import RoundFactory, UserFactory
from tests.portal.helpers import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(login):
    """A round with an application, and its admin's client after a first visit (the page is cached now)."""
    round = RoundFactory(name="2026年度")
    ApplicationFactory(round=round)
    admin = UserFactory()
    programme_admin_grant(programme=round.programme, user=admin)
    client = login(admin)
    assert client.get(url(round)).status_code == 200
    return round, client


def url(round) -> str:
    return reverse("applications:round_applications", args=[round.pk])


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), flags=re.S)[1]


def test_a_renamed_round_shows_in_the_title_breadcrumbs_and_heading_at_once(listed):
    round, client = listed

    round.name = "2027年度"
    round.save()

    response = client.get(url(round))
    assert title(response).startswith("2027年度申报列表")
    assert "› 2027年度" in visible_text(response) and "2026年度" not in visible_text(response)


def test_new_dates_and_quota_show_at_once(listed):
    round, client = listed

    round.quota, round.closes_at = 7, round.closes_at + timedelta(days=3)
    round.save()

    assert "名额 7" in visible_text(client.get(url(round)))


def test_a_renamed_programme_shows_in_the_breadcrumbs_at_once(listed):
    round, client = listed
    programme = round.programme

    programme.name = "淄博市高青县2026年度评定"
    programme.save()

    assert "淄博市高青县2026年度评定 ›" in visible_text(client.get(url(round)))


def test_a_warm_page_asks_the_database_only_who_the_user_is(listed):
    round, client = listed
    for _ in range(30):
        ApplicationFactory(round=round)
    client.get(url(round))

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(round)).status_code == 200

    tables = [re.findall(r'FROM "(\w+)"', query["sql"])[0] for query in queries]
    assert tables == ["portal_user"]


def test_the_cached_body_holds_no_messages_nor_csrf_token():
    """The body is the same for every admin of the round: nothing of the request may be inside."""
    source = (settings.BASE_DIR / "templates" / "applications" / "_round_page.html").read_text()
    source = re.sub(r"{% comment %}.*?{% endcomment %}", "", source, flags=re.S)

    assert "csrf" not in source and "messages" not in source and "request" not in source and "user" not in source
