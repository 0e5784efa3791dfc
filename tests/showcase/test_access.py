"""Every URL of the showcase, swept (docs/security.md 6): the public pages for everyone; the edit pages for the
institution's own staff only (another institution's: 404; other roles: 403); the queue and the decision page for the
programme's admins (another programme's admin: 404); a visitor is sent to the login page. A URL added to
showcase.urls without a case here fails the sweep."""

import pytest
from django.urls import reverse

from showcase.models import Showcase, ShowcasePhoto
from showcase.urls import urlpatterns
from tests.factories import (
    ApplicantFactory,
    DepartmentLeadFactory,
    ReviewerFactory,
    SecurityAdminFactory,
    SystemAdminFactory,
    ViewerFactory,
)
from tests.showcase.builders import BUILT_AT, NOW, approved, other_admin, submitted
from tests.showcase.builders import build as build_world
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

PUBLIC = {"list", "detail", "photo"}
WRITER = {"edit", "photo_remove", "withdraw"}  # the institution's own staff
ADMIN = {"queue", "review"}  # the programme's admins
STAFF_PHOTO = {"staff_photo"}  # both
POSTS = {"photo_remove", "withdraw"}


def build():
    world = build_world()
    world.extra["approved"] = approved(world, "乙")
    world.extra["submitted"] = submitted(world, "甲", photos=1)
    world.extra["elsewhere"] = other_admin()
    return world


_world, world = module_world("world", build, built_at=BUILT_AT, tests_at=NOW)


def urls(world) -> dict[str, str]:
    public, own = world.extra["approved"], world.extra["submitted"]
    args = {
        "detail": [public.pk], "photo": [public.published_photo_ids()[0]], "edit": [own.award_id],
        "photo_remove": [own.photos.get().pk], "withdraw": [own.pk], "staff_photo": [own.photos.get().pk],
        "review": [own.pk],
    }
    return {pattern.name: reverse(f"showcase:{pattern.name}", args=args.get(pattern.name, [])) for pattern in urlpatterns}


def status(client, name: str, url: str) -> int:
    return (client.post if name in POSTS else client.get)(url).status_code


def statuses(client, world) -> dict[str, int]:
    """The staff pages' answers (the public pages answer everyone alike: the visitor's test reads them)."""
    return {name: status(client, name, url) for name, url in urls(world).items() if name not in PUBLIC}


def untouched(world) -> bool:
    showcase = Showcase.objects.get(pk=world.extra["submitted"].pk)
    return showcase.status == "submitted" and ShowcasePhoto.objects.filter(showcase=showcase, removed_at=None).count() == 1


def test_the_sweep_covers_every_url():
    assert {pattern.name for pattern in urlpatterns} == PUBLIC | WRITER | ADMIN | STAFF_PHOTO


def test_a_visitor_reads_the_public_pages_and_is_sent_to_the_login_elsewhere(client, world):
    for name, url in urls(world).items():
        response = (client.post if name in POSTS else client.get)(url)
        if name in PUBLIC:
            assert response.status_code == 200, name
        else:
            assert response.status_code == 302 and response["Location"].startswith(reverse("login") + "?next="), name
    assert untouched(world)


@pytest.mark.parametrize("factory", [ReviewerFactory, ViewerFactory, DepartmentLeadFactory, SecurityAdminFactory],
                         ids=["reviewer", "viewer", "department-lead", "security-admin"])
def test_other_roles_get_403_and_no_photo(login, world, factory):
    found = statuses(login(factory()), world)

    assert {name: found[name] for name in WRITER | ADMIN} == dict.fromkeys(WRITER | ADMIN, 403)
    assert found["staff_photo"] == 404
    assert untouched(world)


def test_another_institution_finds_nothing(login, world):
    found = statuses(login(ApplicantFactory()), world)

    assert {name: found[name] for name in WRITER | STAFF_PHOTO} == dict.fromkeys(WRITER | STAFF_PHOTO, 404)
    assert {name: found[name] for name in ADMIN} == dict.fromkeys(ADMIN, 403)
    assert untouched(world)


def test_another_programmes_admin_finds_nothing(login, world):
    found = statuses(login(world.extra["elsewhere"]), world)

    assert found["review"] == found["staff_photo"] == 404
    assert {name: found[name] for name in WRITER} == dict.fromkeys(WRITER, 403)
    assert found["queue"] == 200  # its own queue, without this programme's showcases
    assert untouched(world)


def test_the_institutions_staff_reach_their_pages(login, world):
    found = statuses(login(world.writer("甲")), world)

    assert found["edit"] == found["staff_photo"] == 200
    assert found["withdraw"] == found["photo_remove"] == 302
    assert found["queue"] == found["review"] == 403


@pytest.mark.parametrize("who", ["admin", "system-admin"])
def test_the_programmes_admins_reach_theirs(login, world, who):
    found = statuses(login(world.admin if who == "admin" else SystemAdminFactory()), world)

    assert found["queue"] == found["review"] == found["staff_photo"] == 200
    assert {name: found[name] for name in WRITER} == dict.fromkeys(WRITER, 403)
    assert untouched(world)
