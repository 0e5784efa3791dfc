"""The showcase's moves (seed 000 六(三)): draft → submitted → approved | returned → submitted, a change after approval
(the approved copy stays public), who may write and who may decide, and the institution and the admins told; the
demo's showcases."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from PIL import Image

from awards.models import Award
from portal.enums import AuditEvent
from portal.models import AuditRecord, Notification
from showcase import services
from showcase.demo import drawn, seed_showcase
from showcase.enums import ShowcaseStatus
from showcase.models import Showcase, ShowcasePhoto
from showcase.selectors import public_showcases
from tests.awards.results_builders import revoke
from tests.factories import ApplicantFactory, SystemAdminFactory, UserFactory
from tests.portal.helpers import refusal
from tests.showcase.builders import (
    BUILT_AT,
    NOW,
    TEXT,
    approved,
    image_bytes,
    jpeg,
    notes,
    other_admin,
    submitted,
    written,
)
from tests.showcase.builders import build as build_world
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build_world, built_at=BUILT_AT, tests_at=NOW)


# --- the moves -----------------------------------------------------------------------------------------------------


def test_the_first_save_makes_a_draft_of_the_institutions_text(world):
    showcase = services.showcase_save(award=world.award(), actor=world.writer(), **{**TEXT, "summary": "  简介。 "})

    assert showcase.status == ShowcaseStatus.DRAFT
    assert showcase.summary == "简介。" and showcase.brand_name == "暖心就业"
    assert not showcase.is_published


def test_submit_names_everything_missing(world):
    services.showcase_save(award=world.award(), actor=world.writer(), summary="", practice="", brand_name="暖心就业")
    showcase = Showcase.objects.get(award=world.award())

    message = refusal(lambda: services.showcase_submit(showcase=showcase, actor=world.writer()))

    assert message == "暂不能提交：请填写简介。请填写典型经验做法，或服务品牌的名称和介绍。请至少上传1张照片。"
    assert Showcase.objects.get(pk=showcase.pk).status == ShowcaseStatus.DRAFT


def test_a_brand_alone_is_enough_but_needs_its_description(world):
    award, writer = world.award(), world.writer()
    services.photo_add(award=award, actor=writer, uploaded=jpeg(), caption="大厅")
    brand_only = services.showcase_save(award=award, actor=writer, **{**TEXT, "practice": ""})

    half_brand = services.showcase_save(award=award, actor=writer, **{**TEXT, "brand_description": ""})

    assert services.showcase_problems(brand_only) == []
    assert services.showcase_problems(half_brand) == ["服务品牌的名称和介绍须一并填写。"]


def test_submit_tells_the_programmes_admins(world):
    showcase = submitted(world)

    assert showcase.status == ShowcaseStatus.SUBMITTED and showcase.submitted_at == NOW
    note = Notification.objects.get(user=world.admin)
    assert note.text == "申报机构甲提交了宣传材料，请审核。" and note.link == f"/showcase/staff/{showcase.pk}/review/"


def test_no_edit_while_the_admin_reviews(world):
    submitted(world)

    message = refusal(lambda: services.showcase_save(award=world.award(), actor=world.writer(), summary="新简介"))

    assert message == "宣传材料已提交审核，审核期间不能修改；如需修改，请先撤回提交。"
    assert Showcase.objects.get(award=world.award()).summary == TEXT["summary"]


def test_withdraw_makes_it_a_draft_again(world):
    showcase = submitted(world)

    showcase = services.showcase_withdraw(showcase=showcase, actor=world.writer())

    assert showcase.status == ShowcaseStatus.DRAFT


def test_approve_publishes_the_copy_and_tells_the_institution(world):
    showcase = approved(world, photos=2)

    photos = list(showcase.photos.order_by("pk"))
    assert showcase.status == ShowcaseStatus.APPROVED and showcase.published_at == NOW
    assert showcase.published_practice == TEXT["practice"] and showcase.approved_by == world.admin
    assert showcase.published_photo_ids() == [p.pk for p in photos]
    assert notes(world.writer()) == ["贵机构的宣传材料已审核通过，已在门户“标杆风采”栏目展示。"]
    assert AuditRecord.objects.filter(event=AuditEvent.TRANSITION, object_id=str(showcase.pk),
                                      detail__startswith="submitted→approved").count() == 1


def test_return_needs_a_reason(world):
    showcase = submitted(world)

    message = refusal(lambda: services.showcase_return(showcase=showcase, actor=world.admin, reason=" \n "))

    assert message == "请填写退回理由。"
    assert Showcase.objects.get(pk=showcase.pk).status == ShowcaseStatus.SUBMITTED


def test_returned_tells_the_reason_and_may_be_submitted_again(world):
    showcase = services.showcase_return(showcase=submitted(world), actor=world.admin, reason="请补充服务成效数据。")
    told = notes(world.writer())
    services.showcase_save(award=world.award(), actor=world.writer(), practice="补充：近三年帮助1200人就业。")

    again = services.showcase_submit(showcase=Showcase.objects.get(pk=showcase.pk), actor=world.writer())

    assert showcase.status == ShowcaseStatus.RETURNED and showcase.return_reason == "请补充服务成效数据。"
    assert told == ["贵机构的宣传材料被退回修改：请补充服务成效数据。"]
    assert again.status == ShowcaseStatus.SUBMITTED


def test_approving_twice_is_refused(world):
    showcase = approved(world)

    message = refusal(lambda: services.showcase_approve(showcase=showcase, actor=world.admin))

    assert message == "宣传材料当前为“已通过”，不能审核。"


def test_a_change_after_approval_is_a_draft_while_the_approved_copy_stays(world):
    approved(world)

    showcase = services.showcase_save(award=world.award(), actor=world.writer(), summary="新的简介。")

    assert showcase.status == ShowcaseStatus.DRAFT
    assert showcase.summary == "新的简介。" and showcase.published_summary == TEXT["summary"]
    assert showcase.is_published


def test_saving_an_approved_showcase_unchanged_keeps_it_approved(world):
    approved(world)

    showcase = services.showcase_save(award=world.award(), actor=world.writer(), **TEXT)

    assert showcase.status == ShowcaseStatus.APPROVED


def test_a_published_photo_removed_stays_until_the_next_approval(world, django_capture_on_commit_callbacks):
    showcase = approved(world, photos=2)
    first, second = showcase.photos.order_by("pk")
    services.photo_remove(photo=first, actor=world.writer())
    kept = ShowcasePhoto.objects.get(pk=first.pk)
    showcase = services.showcase_submit(showcase=Showcase.objects.get(pk=showcase.pk), actor=world.writer())

    with django_capture_on_commit_callbacks(execute=True):
        showcase = services.showcase_approve(showcase=showcase, actor=world.admin)

    assert kept.removed_at == NOW and first.file.storage.exists(first.file.name) is False
    assert showcase.published_photo_ids() == [second.pk]
    assert not ShowcasePhoto.objects.filter(pk=first.pk).exists()


def test_a_draft_photo_removed_is_deleted_at_once(world):
    showcase = written(world)
    photo = showcase.photos.get()

    services.photo_remove(photo=photo, actor=world.writer())

    assert not ShowcasePhoto.objects.filter(pk=photo.pk).exists()


# --- who ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other-institution", "other-applicant-role", "admin"])
def test_only_the_institutions_own_staff_write(world, who):
    user = {
        "other-institution": lambda: world.writer("乙"),
        "other-applicant-role": lambda: UserFactory(institution=world.award().institution),  # a programme admin's role
        "admin": lambda: world.admin,
    }[who]()

    with pytest.raises(PermissionDenied):
        services.showcase_save(award=world.award(), actor=user, **TEXT)
    with pytest.raises(PermissionDenied):
        services.photo_add(award=world.award(), actor=user, uploaded=jpeg(), caption="大厅")

    assert not Showcase.objects.filter(award=world.award()).exists()


def test_another_member_of_the_institution_may_write(world):
    colleague = ApplicantFactory(institution=world.award().institution)

    showcase = services.showcase_save(award=world.award(), actor=colleague, **TEXT)

    assert showcase.summary == TEXT["summary"]


def test_only_the_programmes_admins_decide(world):
    showcase = submitted(world)
    for user in (other_admin(), world.writer()):
        with pytest.raises(PermissionDenied):
            services.showcase_approve(showcase=showcase, actor=user)
        with pytest.raises(PermissionDenied):
            services.showcase_return(showcase=showcase, actor=user, reason="不行。")

    assert Showcase.objects.get(pk=showcase.pk).status == ShowcaseStatus.SUBMITTED


def test_the_system_administrator_may_decide(world):
    showcase = services.showcase_approve(showcase=submitted(world), actor=SystemAdminFactory())

    assert showcase.status == ShowcaseStatus.APPROVED


def test_a_revoked_title_is_neither_edited_nor_approved(world):
    showcase = submitted(world)
    revoke(world.award(), world.admin, now=NOW)

    edit = refusal(lambda: services.showcase_withdraw(showcase=showcase, actor=world.writer()))
    decide = refusal(lambda: services.showcase_approve(showcase=Showcase.objects.get(pk=showcase.pk), actor=world.admin))

    assert edit == "该称号已撤销，不能再编辑宣传材料。"
    assert decide == "该称号已撤销，宣传材料不再公开。"
    assert not Award.objects.get(pk=showcase.award_id).is_valid


@pytest.mark.history
def test_history_keeps_who_and_why(world):
    showcase = services.showcase_return(showcase=submitted(world), actor=world.admin, reason="请补充照片说明。")

    last = showcase.history.order_by("-history_date", "-history_id").first()

    assert last.status == ShowcaseStatus.RETURNED
    assert last.history_user == world.admin and last.history_change_reason == "请补充照片说明。"


# --- the demo (showcase.demo.seed_showcase) -----------------------------------------------------------------------


def test_seed_showcase_is_idempotent_and_hides_a_revoked_titles(world, monkeypatch):
    monkeypatch.setattr("showcase.demo.drawn", lambda scene, label: image_bytes())  # the drawing has its own test
    revoke(world.award("乙"), world.admin, now=NOW)

    first, second = seed_showcase(), seed_showcase()

    shown = Showcase.objects.get(award=world.award("甲"))
    hidden = Showcase.objects.get(award=world.award("乙"))
    assert first == ["申报机构甲", "申报机构乙"] and second == []
    # the only award in force: approved, with a change waiting for the admin
    assert shown.status == ShowcaseStatus.SUBMITTED and shown.is_published and shown.photos.count() == 3
    assert hidden.is_published and not hidden.award.is_valid
    assert list(public_showcases()) == [shown]


def test_the_drawn_photo_is_a_jpeg_of_the_size_asked():
    image = Image.open(io.BytesIO(drawn("station", "社区就业服务驿站", size=(300, 200))))

    assert image.format == "JPEG" and image.size == (300, 200)
