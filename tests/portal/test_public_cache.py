"""The public page cache (portal/public_cache.py): a visitor's second request is answered before the middleware
below it runs, with the headers the first one got; signed-in users, pending messages and other pages never are."""

import gzip

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.middleware import TextGZipMiddleware
from portal.public_cache import public_pages_changed
from publicity.models import PublicityNotice
from tests.publicity.publicity_builders import at, listed_round, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(time_machine):
    time_machine.move_to(at(2026, 9, 29, 10), tick=False)
    listed = listed_round(names=("甲",))
    return publish(listed, at(2026, 9, 28, 10))


def queries(client, url, **extra):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    return response, len(captured)


def test_second_visit_is_served_from_the_cache_with_the_same_headers(client, notice):
    first, first_queries = queries(client, notice.get_absolute_url())
    second, second_queries = queries(client, notice.get_absolute_url())

    assert first_queries > 0 and second_queries == 0
    assert second.content == first.content
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "Content-Type"):
        assert second[header] == first[header], header
    assert not second.cookies


def test_a_publication_is_shown_at_once(client, notice):
    client.get(notice.get_absolute_url())
    PublicityNotice.objects.filter(pk=notice.pk).update(title="发布后更新的标题")

    unchanged = client.get(notice.get_absolute_url()).content.decode()
    public_pages_changed()
    changed = client.get(notice.get_absolute_url()).content.decode()

    assert "发布后更新的标题" not in unchanged and "发布后更新的标题" in changed


def test_each_language_has_its_own_copy(client, notice):
    chinese = client.get(notice.get_absolute_url())
    english = client.get(notice.get_absolute_url(), headers={"accept-language": "en"})

    assert (chinese["Content-Language"], english["Content-Language"]) == ("zh-hans", "en")
    assert "时间均为北京时间" in chinese.content.decode() and "All times are Beijing time" in english.content.decode()


def test_signed_in_users_and_pending_messages_get_a_fresh_page(client, notice, login):
    from tests.factories import UserFactory

    client.get(notice.get_absolute_url())
    with_messages, message_queries = queries(client, notice.get_absolute_url(), headers={"cookie": "messages=x"})
    signed_in = login(UserFactory())
    _response, signed_in_queries = queries(signed_in, notice.get_absolute_url())

    assert with_messages.status_code == 200 and message_queries > 0
    assert signed_in_queries > 0


def test_pages_not_marked_cacheable_are_never_served_from_the_cache(client, notice):
    url = reverse("publicity:objection_new", args=[notice.pk])
    client.get(url)

    _response, count = queries(client, url)

    assert count > 0


def test_a_404_is_not_stored(client, notice):
    url = reverse("publicity:notice", args=[notice.pk + 100])
    client.get(url)

    response, count = queries(client, url)

    assert response.status_code == 404 and count > 0


def test_made_up_query_strings_are_answered_fresh_and_not_stored(client, notice):
    url = notice.get_absolute_url()
    client.get(url + "?utm=1")

    _response, again = queries(client, url + "?utm=1")
    cached_list, list_queries = queries(client, "/notices/?state=open")
    _second, second_list_queries = queries(client, "/notices/?state=open")
    _long, long_queries = queries(client, "/notices/?state=" + "x" * 21)

    assert again > 0  # the notice page depends on no parameter
    assert cached_list.status_code == 200 and list_queries > 0 and second_list_queries == 0
    assert long_queries > 0


def test_the_same_parameters_in_any_order_share_one_copy(client, notice):
    client.get("/notices/?state=open&page=1")

    _response, count = queries(client, "/notices/?page=1&state=open")

    assert count == 0


# --- compression (issue 13: public pages) ------------------------------------------------------------------------


@pytest.mark.django_db
def test_public_pages_are_gzipped_for_browsers_that_accept_it_and_say_what_they_are(client):
    plain = client.get("/")
    compressed = client.get("/", headers={"accept-encoding": "gzip, deflate, br"})

    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert b'<meta name="description" content="' in plain.content


def test_binary_downloads_are_not_gzipped():
    request = RequestFactory().get("/", headers={"accept-encoding": "gzip"})
    middleware = TextGZipMiddleware(lambda request: None)
    pdf = HttpResponse(b"%PDF-1.7 " + b"0" * 5000, content_type="application/pdf")
    html = HttpResponse(b"<p>" + b"0" * 5000, content_type="text/html; charset=utf-8")

    assert "Content-Encoding" not in middleware.process_response(request, pdf)
    assert middleware.process_response(request, html)["Content-Encoding"] == "gzip"
