"""Rubrics in the portal: a programme admin adds a shipped standard to its programme, edits it while not in use,
puts it in use (frozen) and revises it as a new version; others read it; nobody else changes it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from portal import services as portal_services
from rubrics.models import Rubric
from tests.factories import ApplicantFactory, ProgrammeFactory, SystemAdminFactory, UserFactory
from tests.portal.helpers import queued_messages, visible_text

pytestmark = pytest.mark.django_db

SLUG = "gz_community_2024"


def admin_of(programme):
    admin = UserFactory()
    portal_services.programme_admin_grant(programme=programme, user=admin)
    return admin


def install(client, programme=None):
    return client.post(reverse("rubrics:install", args=[SLUG]), {"programme": programme.pk if programme else ""})


def test_a_programme_admin_adds_edits_freezes_and_revises_a_standard(login):
    programme = ProgrammeFactory(name="良口镇充分就业社区创建")
    client = login(admin_of(programme))

    assert "广州市充分就业社区(村)建设标准" in visible_text(client.get(reverse("rubrics:list")))
    added = install(client, programme)
    rubric = Rubric.objects.get()
    item = rubric.items.get(code="(一)1")
    detail = visible_text(client.get(reverse("rubrics:detail", args=[rubric.pk])))
    edited = client.post(
        reverse("rubrics:item_edit", args=[rubric.pk, item.pk]),
        {"title": item.title, "max_points": "8", "content": item.content, "standard_text": item.standard_text + "（示例修改）",
         "method": item.method},
    )
    frozen = client.post(reverse("rubrics:freeze", args=[rubric.pk]))
    refused = client.get(reverse("rubrics:item_edit", args=[rubric.pk, item.pk]))
    revised = client.post(reverse("rubrics:new_version", args=[rubric.pk]), {"version": "2025年修订版"})

    assert added["Location"] == reverse("rubrics:detail", args=[rubric.pk])
    assert (rubric.programme, rubric.standard) == (programme, SLUG)
    assert "(一)1 登记失业人员就业率达80%。" in detail and "主要就业指标达标情况" in detail
    assert queued_messages(edited) == ["评分项 (一)1 已保存。"]
    item.refresh_from_db()
    assert item.standard_text.endswith("（示例修改）") and item.max_points == Decimal(8)
    assert queued_messages(frozen) == ["评分标准已启用，此后不能修改；修订时请另存为新版本。"]
    assert queued_messages(refused) == ["该评分标准已启用，不能修改；请另存为新版本后修改。"]
    copy = Rubric.objects.get(version="2025年修订版")
    assert revised["Location"] == reverse("rubrics:detail", args=[copy.pk])
    assert (copy.previous, copy.is_frozen, copy.items.get(code="(一)1").standard_text) == (rubric, False, item.standard_text)


def test_others_read_a_rubric_but_cannot_change_it(login):
    programme = ProgrammeFactory()
    rubric_admin = admin_of(programme)
    install(login(rubric_admin), programme)
    rubric = Rubric.objects.get()
    item = rubric.items.first()
    other = login(admin_of(ProgrammeFactory(name="另一项目")))

    page = other.get(reverse("rubrics:detail", args=[rubric.pk]))

    assert page.status_code == 200
    assert reverse("rubrics:freeze", args=[rubric.pk]) not in page.content.decode()
    assert other.post(reverse("rubrics:freeze", args=[rubric.pk])).status_code == 403
    assert other.post(reverse("rubrics:new_version", args=[rubric.pk]), {"version": "x"}).status_code == 403
    assert other.get(reverse("rubrics:item_edit", args=[rubric.pk, item.pk])).status_code == 403
    assert login(ApplicantFactory()).get(reverse("rubrics:list")).status_code == 403
    assert not Rubric.objects.get().is_frozen and Rubric.objects.count() == 1


def test_only_the_system_administrator_adds_a_standard_outside_any_programme(login):
    refused = install(login(admin_of(ProgrammeFactory())))
    added = install(login(SystemAdminFactory()))

    assert queued_messages(refused) == ["请选择该评分标准用于哪个评定项目。"]
    assert added.status_code == 302
    assert list(Rubric.objects.values_list("programme", flat=True)) == [None]


def test_a_programme_admin_cannot_add_a_standard_to_a_programme_it_does_not_manage(login):
    client = login(admin_of(ProgrammeFactory()))

    response = install(client, ProgrammeFactory(name="别人的项目"))

    assert queued_messages(response) == ["请选择您管理的评定项目。"]
    assert not Rubric.objects.exists()
