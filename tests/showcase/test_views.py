"""The staff's pages: the institution's edit page (save, photos, submit, withdraw; what was typed kept on a refusal)
and the programme admin's queue and decision page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from showcase.enums import ShowcaseStatus
from showcase.models import Showcase
from tests.applications.factories import PDF
from tests.portal.helpers import messages_of, text, visible_text
from tests.showcase.builders import BUILT_AT, NOW, TEXT, approved, jpeg, other_admin, other_award, submitted, written
from tests.showcase.builders import build as build_world
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build_world, built_at=BUILT_AT, tests_at=NOW)


def edit_url(world, name="甲"):
    return reverse("showcase:edit", args=[world.award(name).pk])


def showcase_of(world, name="甲") -> Showcase:
    return Showcase.objects.get(award=world.award(name))


# --- the institution -----------------------------------------------------------------------------------------------


def test_the_edit_page_before_anything_is_written(login, world):
    response = login(world.writer()).get(edit_url(world))

    shown = visible_text(response)
    assert response.status_code == 200
    assert "宣传展示：申报机构甲" in shown and "未开始" in shown and "保存并提交审核" in shown
    assert not Showcase.objects.filter(award=world.award()).exists()  # a GET writes nothing


def test_save_with_a_photo(login, world):
    client = login(world.writer())

    response = client.post(edit_url(world), {**TEXT, "new_photo": jpeg(), "new_caption": "服务大厅", "action": "save"})

    showcase = showcase_of(world)
    assert response.status_code == 302 and response["Location"] == edit_url(world)
    assert messages_of(response) == ["已保存。"]
    assert showcase.status == ShowcaseStatus.DRAFT and showcase.practice == TEXT["practice"]
    assert [p.caption for p in showcase.photos.all()] == ["服务大厅"]


def test_submit_refused_keeps_what_was_typed(login, world):
    response = login(world.writer()).post(edit_url(world), {**TEXT, "summary": "", "action": "submit"})

    assert response.status_code == 200
    assert "暂不能提交：请填写简介。请至少上传1张照片。" in visible_text(response)
    assert TEXT["practice"] in text(response)
    assert showcase_of(world).status == ShowcaseStatus.DRAFT  # the draft is saved all the same


def test_submit_from_the_page(login, world):
    showcase = written(world)
    photo = showcase.photos.get()
    data = {**TEXT, f"caption_{photo.pk}": "新的说明", "action": "submit"}

    response = login(world.writer()).post(edit_url(world), data)

    showcase = showcase_of(world)
    assert response.status_code == 302
    assert showcase.status == ShowcaseStatus.SUBMITTED and showcase.photos.get().caption == "新的说明"


def test_a_photo_refused_on_the_page_keeps_the_text(login, world):
    bad = SimpleUploadedFile("大厅.jpg", PDF, content_type="image/jpeg")
    data = {**TEXT, "practice": "新写的做法。", "new_photo": bad, "new_caption": "大厅", "action": "save"}

    response = login(world.writer()).post(edit_url(world), data)

    assert response.status_code == 200
    assert "文件“大厅.jpg”的内容与扩展名不符" in visible_text(response) and "新写的做法。" in text(response)
    assert not showcase_of(world).photos.exists()


def test_a_photo_needs_its_caption_on_the_page(login, world):
    response = login(world.writer()).post(edit_url(world), {**TEXT, "new_photo": jpeg(), "action": "save"})

    assert response.status_code == 200 and "新照片的说明：请填写照片说明。" in visible_text(response)


def test_edit_while_submitted_is_refused_with_the_text_kept(login, world):
    photo = submitted(world).photos.get()
    data = {**TEXT, "summary": "改过的简介", f"caption_{photo.pk}": "照片1", "action": "save"}

    response = login(world.writer()).post(edit_url(world), data)

    assert "审核期间不能修改" in visible_text(response) and "改过的简介" in text(response)
    assert showcase_of(world).summary == TEXT["summary"]


def test_withdraw_and_remove_a_photo(login, world):
    showcase = submitted(world, photos=2)
    client = login(world.writer())

    withdrawn = client.post(reverse("showcase:withdraw", args=[showcase.pk]))
    removed = client.post(reverse("showcase:photo_remove", args=[showcase.photos.first().pk]))

    assert withdrawn.status_code == removed.status_code == 302
    assert showcase_of(world).status == ShowcaseStatus.DRAFT and showcase_of(world).photos.count() == 1


def test_the_page_says_when_the_approved_copy_is_still_shown(login, world):
    photo = approved(world).photos.get()
    client = login(world.writer())
    client.post(edit_url(world), {**TEXT, "summary": "新简介", f"caption_{photo.pk}": "照片1", "action": "save"})

    shown = visible_text(client.get(edit_url(world)))

    assert showcase_of(world).status == ShowcaseStatus.DRAFT
    assert "已审核通过的版本仍在公开展示" in shown and "审核通过的版本正在展示" in shown


@pytest.mark.parametrize("name", ["withdraw", "photo_remove"])
def test_actions_refuse_a_get(login, world, name):
    showcase = submitted(world)
    pk = showcase.pk if name == "withdraw" else showcase.photos.get().pk

    assert login(world.writer()).get(reverse(f"showcase:{name}", args=[pk])).status_code == 405


# --- the programme's admin ------------------------------------------------------------------------------------------


def test_the_queue_lists_the_programmes_submitted_showcases(login, world):
    submitted(world, "甲")
    written(world, "乙")
    Showcase.objects.create(award=other_award("丙"), status=ShowcaseStatus.SUBMITTED)

    client = login(world.admin)
    waiting, drafts = client.get(reverse("showcase:queue")), client.get(reverse("showcase:queue"), {"status": "draft"})

    assert "申报机构甲" in visible_text(waiting) and "申报机构乙" not in visible_text(waiting)
    assert "申报机构丙" not in visible_text(waiting)
    assert "申报机构乙" in visible_text(drafts)


def test_the_queue_search_and_empty_state(login, world):
    submitted(world)
    client = login(world.admin)

    found = visible_text(client.get(reverse("showcase:queue"), {"q": "机构甲"}))
    none = visible_text(client.get(reverse("showcase:queue"), {"q": "不存在"}))
    empty = visible_text(login(other_admin()).get(reverse("showcase:queue")))

    assert "申报机构甲" in found
    assert "没有符合条件的宣传材料" not in found and "申报机构甲" not in none
    assert "没有待审核的宣传材料" in empty


def test_review_approve(login, world):
    showcase = submitted(world)
    client = login(world.admin)
    page = client.get(reverse("showcase:review", args=[showcase.pk]))

    response = client.post(reverse("showcase:review", args=[showcase.pk]), {"decision": "approve"})

    assert TEXT["practice"] in visible_text(page) and "审核通过并发布" in visible_text(page)
    assert response.status_code == 302 and response["Location"] == reverse("showcase:queue")
    assert showcase_of(world).status == ShowcaseStatus.APPROVED


def test_review_return_needs_a_reason(login, world):
    showcase = submitted(world)
    client = login(world.admin)
    url = reverse("showcase:review", args=[showcase.pk])

    without = client.post(url, {"decision": "return", "reason": ""})
    status_between = showcase_of(world).status
    with_reason = client.post(url, {"decision": "return", "reason": "请补充服务成效。"})

    assert without.status_code == 200 and "退回理由：这个字段是必填项。" in visible_text(without)
    assert status_between == ShowcaseStatus.SUBMITTED
    assert with_reason.status_code == 302 and showcase_of(world).return_reason == "请补充服务成效。"


def test_review_of_a_decided_showcase_offers_no_decision(login, world):
    showcase = approved(world)

    response = login(world.admin).post(reverse("showcase:review", args=[showcase.pk]), {"decision": "approve"})

    assert response.status_code == 200
    assert "宣传材料当前为“已通过”，不能审核。" in visible_text(response) and "审核通过并发布" not in visible_text(response)
