"""The public's pages (标杆风采): only an approved copy of a title in force, the list's filters, pages and empty
states, a revoked title's page gone (410), photos only of what is public, and no cookie for a visitor."""

import pytest
from django.conf import settings
from django.urls import reverse

from portal.models import Institution
from showcase import services
from showcase.models import Showcase
from tests.awards.results_builders import CONTACT_PHONE, PRINCIPAL, private_details, revoke
from tests.factories import InstitutionFactory, RegionFactory
from tests.portal.helpers import text, visible_text
from tests.showcase.builders import BUILT_AT, NOW, TEXT, approved, jpeg, submitted
from tests.showcase.builders import build as build_world
from tests.worlds import module_world

pytestmark = pytest.mark.django_db


def build():
    """甲's showcase approved with two photos; 乙's submitted, never approved; the institutions' private details set."""
    world = build_world()
    world.extra.update({"甲": approved(world, "甲", photos=2), "乙": submitted(world, "乙")})
    private_details(world.listed)
    return world


_world, world = module_world("world", build, built_at=BUILT_AT, tests_at=NOW)


def detail(world, name="甲"):
    return reverse("showcase:detail", args=[world.extra[name].pk])


def photo_urls(showcase: Showcase) -> list[str]:
    return [reverse("showcase:photo", args=[pk]) for pk in showcase.published_photo_ids()]


def test_the_list_shows_only_approved_showcases(client, world):
    response = client.get(reverse("showcase:list"))

    shown = visible_text(response)
    assert "申报机构甲" in shown and TEXT["summary"] in shown and "暖心就业" in shown
    assert "申报机构乙" not in shown
    assert "共 1 条" in shown


def test_the_page_shows_the_title_and_the_published_copy(client, world):
    award = world.award()

    response = client.get(detail(world))

    shown, html = visible_text(response), text(response)
    for fact in ("县级就业服务质量标杆机构", "县级", world.listed.programme.name, "高青县",
                 "2026年9月15日", award.plaque_number, TEXT["practice"], "服务品牌：暖心就业", TEXT["brand_description"],
                 "照片1", "照片2"):
        assert fact in shown, fact
    assert f'href="{award.get_verify_url()}"' in html
    assert all(f'src="{url}"' in html for url in photo_urls(world.extra["甲"]))
    assert CONTACT_PHONE not in html and PRINCIPAL not in html


def test_a_showcase_never_approved_is_not_found(client, world):
    assert client.get(detail(world, "乙")).status_code == 404
    assert client.get(reverse("showcase:detail", args=[999999])).status_code == 404


def test_a_change_waiting_for_approval_leaves_the_approved_copy_public(client, world):
    services.showcase_save(award=world.award(), actor=world.writer(), summary="尚未审核的新简介。")

    page, listing = client.get(detail(world)), client.get(reverse("showcase:list"))

    assert TEXT["summary"] in visible_text(page) and "尚未审核的新简介" not in text(page)
    assert TEXT["summary"] in visible_text(listing) and "尚未审核的新简介" not in text(listing)


def test_revocation_hides_the_showcase(client, world, django_capture_on_commit_callbacks):
    urls = photo_urls(world.extra["甲"])
    assert client.get(reverse("showcase:list")).status_code == 200  # cached now: the revocation must renew it

    with django_capture_on_commit_callbacks(execute=True):
        revocation = revoke(world.award(), world.admin, now=NOW)

    listing, page = client.get(reverse("showcase:list")), client.get(detail(world))
    assert "申报机构甲" not in visible_text(listing) and "还没有展示的标杆机构" in visible_text(listing)
    assert page.status_code == 410
    assert "该称号已撤销" in visible_text(page) and TEXT["practice"] not in text(page)
    assert f'href="{revocation.get_absolute_url()}"' in text(page)
    assert [client.get(url).status_code for url in urls] == [404, 404]


def test_a_published_photo_is_served_as_an_image(client, world):
    response = client.get(photo_urls(world.extra["甲"])[0])

    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_photos_outside_the_published_copy_are_not_served(client, world):
    draft_photo = world.extra["乙"].photos.get()
    new = services.photo_add(award=world.award(), actor=world.writer(), uploaded=jpeg(), caption="新照片")
    removed = world.extra["甲"].photos.order_by("pk").first()
    services.photo_remove(photo=removed, actor=world.writer())

    statuses = [client.get(reverse("showcase:photo", args=[p.pk])).status_code for p in (draft_photo, new, removed)]

    assert statuses == [404, 404, 200]  # the removed one stays public until the next approval


@pytest.mark.parametrize("url_of", [
    lambda world: reverse("showcase:list"),
    lambda world: reverse("showcase:list") + "?level=county&region=370322&page=1",
    detail,
    lambda world: photo_urls(world.extra["甲"])[0],
], ids=["list", "filtered", "detail", "photo"])
def test_a_visitor_gets_no_cookie(client, world, url_of):
    response = client.get(url_of(world))

    assert response.status_code == 200
    assert not response.cookies
    assert settings.SESSION_COOKIE_NAME not in client.cookies and settings.CSRF_COOKIE_NAME not in client.cookies


def test_filters_by_level_and_region(client, world):
    by_level = visible_text(client.get(reverse("showcase:list"), {"level": "city"}))
    by_region = visible_text(client.get(reverse("showcase:list"), {"region": "370322"}))
    unknown = visible_text(client.get(reverse("showcase:list"), {"level": "galactic", "region": "x" * 30}))

    assert "申报机构甲" not in by_level and "没有符合条件的标杆机构" in by_level and "查看全部标杆机构" in by_level
    assert "申报机构甲" in by_region
    assert "申报机构甲" in unknown


def test_the_region_filter_offers_only_regions_with_showcases(client, world):
    InstitutionFactory(region=RegionFactory(code="370321", name="桓台县"))

    response = client.get(reverse("showcase:list"))

    options = response.context["form"].fields["region"].choices
    assert options == [("", "全部地区"), ("370322", "高青县")]
    assert Institution.objects.filter(region__name="桓台县").exists()


def test_pages_of_the_list(client, world, monkeypatch):
    monkeypatch.setattr("showcase.views_public.PER_PAGE", 1)
    services.showcase_approve(showcase=world.extra["乙"], actor=world.admin)

    first, second = client.get(reverse("showcase:list")), client.get(reverse("showcase:list"), {"page": 2})

    assert "共 2 条" in visible_text(first) and "第 1 / 2 页" in visible_text(first)
    shown = {name for name in ("申报机构甲", "申报机构乙") if name in visible_text(first)}
    other = {name for name in ("申报机构甲", "申报机构乙") if name in visible_text(second)}
    assert len(shown) == len(other) == 1 and shown != other


def test_the_empty_list_says_where_the_results_are(client, world):
    Showcase.objects.update(published_at=None)

    shown = visible_text(client.get(reverse("showcase:list")))

    assert "还没有展示的标杆机构" in shown and "查看评定结果" in shown
