"""Issue 7 end to end in Chromium: publicity has ended and its objection is closed; the admin drafts and issues the
announcement; the applicant downloads its plaque; a visitor opens the plaque's QR link and sees "valid"; the admin
revokes the award; the visitor sees "revoked"."""

import re
import subprocess
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from awards import services as awards
from awards.batches import batch_awards
from awards.models import Award, PlaqueBatch
from portal.enums import Role
from publicity import services
from tests.awards.results_builders import announced
from tests.e2e.pages import PHONE, open_page, sign_in
from tests.e2e.test_publicity_flow import shortlisted_round, staff_page
from tests.factories import UserFactory
from tests.test_celery_worker import own_queue, running_worker

pytestmark = pytest.mark.django_db(transaction=True)


def ended_publicity():
    """The shortlist published 12 days ago (so its 5 working days are over), with one objection, not upheld."""
    review = shortlisted_round()
    round = review.round
    published = timezone.now() - timedelta(days=12)
    draft = services.notice_draft(round, today=timezone.localtime(published).date())
    notice = services.notice_publish(round=round, actor=review.admin, now=published, **draft)
    objection, _token = services.objection_file(
        notice=notice,
        entry=notice.entries.get(rank=1),
        identity=services.Identity(objector_type="person", name="欧阳测试", phone="+8613912345678"),
        facts="反映该机构服务台账不实，请核查。",
        now=published + timedelta(hours=2),
    )
    services.objection_assign(objection=objection, handler=review.admin, deadline=timezone.localdate(), actor=review.admin)
    services.objection_decide(
        objection=objection, upheld=False, findings="台账与回访一致。", reply="经核查，异议不成立。", actor=review.admin
    )
    applicant = UserFactory(username="res_applicant", role=Role.APPLICANT, institution=review.applications[0].institution)
    return review, applicant


@pytest.mark.pdf
def test_announce_download_verify_revoke(browser, live_server, screenshot_dir, tmp_path):
    review, _applicant = ended_publicity()
    shot = lambda page, name: page.screenshot(path=str(screenshot_dir / f"results-{name}.png"), full_page=True)  # noqa: E731

    # The admin drafts the joint document, then issues it.
    admin = staff_page(browser, live_server, "pub_admin")
    admin.goto(f"/staff/rounds/{review.round.pk}/publicity/")
    assert admin.get_by_text("可以公布", exact=True).is_visible()
    admin.get_by_role("link", name="公布与授牌").click()
    admin.wait_for_load_state()
    admin.get_by_label("发文机关代字").fill("测人社字")
    admin.get_by_role("button", name="保存草稿").click()
    admin.wait_for_load_state()
    assert admin.get_by_text("草稿已保存").is_visible()
    shot(admin, "1-admin-draft")
    admin.get_by_role("button", name=re.compile("并授牌")).click()
    admin.wait_for_load_state()
    assert admin.confirms == [
        "发布测人社字〔2026〕1号：文件在门户公开，名单中的2家机构获授牌并收到通知，发布后不能修改。确定发布？"
    ]
    assert admin.get_by_text(re.compile("授牌2家")).is_visible()
    shot(admin, "2-admin-issued")
    award = Award.objects.get(institution=review.applications[0].institution)

    # The applicant downloads its plaque from its home page.
    applicant = staff_page(browser, live_server, "res_applicant")
    assert applicant.get_by_text(award.plaque_number).is_visible()
    shot(applicant, "3-applicant-home")
    with applicant.expect_download() as download_info:
        applicant.get_by_role("link", name="下载奖牌 PDF").click()
    plaque = tmp_path / "plaque.pdf"
    download_info.value.save_as(plaque)
    info = subprocess.run(["pdfinfo", str(plaque)], capture_output=True, text=True, check=True).stdout
    assert "1530.71 x 1077.17 pts" in info
    text = subprocess.run(["pdftotext", str(plaque), "-"], capture_output=True, text=True, check=True).stdout
    assert "申报机构甲" in text and "县级就业服务质量标杆机构" in text.replace("\n", "")

    # A visitor opens the QR code's link (the plaque encodes the portal's address of this path).
    assert awards.plaque_spec(award).verify_url.endswith(award.get_verify_url())
    visitor = open_page(browser, live_server, **PHONE)
    visitor.goto(award.get_verify_url())
    assert visitor.get_by_text("该奖牌真实有效").is_visible()
    shot(visitor, "4-verify-valid")
    visitor.goto("/verify/" + award.plaque_number + "/")  # a guessed number reveals nothing
    assert visitor.get_by_text("未找到该奖牌").is_visible() and "申报机构甲" not in visitor.content()

    # The admin revokes the award in public.
    admin.goto(f"/staff/awards/{award.pk}/revoke/")
    admin.get_by_label("就业服务工作被证实达不到标准").check()
    admin.get_by_label("事实和依据").fill("2026年暗访检查两次未按规定公示收费标准，整改后复查仍不达标。")
    admin.get_by_label("撤销文号").fill("测人社字〔2026〕30号")
    shot(admin, "5-admin-revoke")
    admin.get_by_role("button", name="撤销并公布").click()
    admin.wait_for_load_state()
    assert admin.confirms[-1] == "撤销申报机构甲的“县级就业服务质量标杆机构”称号并在门户公布，奖牌核验页将显示已撤销。确定撤销？"
    assert admin.get_by_text("已撤销并公布").is_visible()

    visitor.goto(award.get_verify_url())
    assert visitor.get_by_text("已撤销", exact=True).is_visible()
    assert visitor.get_by_text(re.compile("该奖牌已于.*撤销，不再有效")).is_visible()
    shot(visitor, "6-verify-revoked")
    visitor.goto("/results/")
    assert visitor.get_by_role("link", name=re.compile("关于撤销申报机构甲")).is_visible()


@pytest.mark.pdf
@pytest.mark.celery_worker
def test_batch_progress_bar_follows_the_worker_and_survives_a_reload(browser, live_server, screenshot_dir, tmp_path):
    listed = announced(names=("甲", "乙", "丙"))
    admin = sign_in(open_page(browser, live_server), listed.admin.username)

    with own_queue() as queue:
        admin.goto(f"/staff/rounds/{listed.round.pk}/announcement/")
        admin.get_by_role("button", name="批量生成全部奖牌（ZIP）").click()
        admin.wait_for_load_state()
        batch = PlaqueBatch.objects.get()
        assert admin.locator("[data-batch-label]").inner_text() == "排队中"  # no worker yet: the job waits
        assert admin.locator("[data-batch-bar]").get_attribute("value") == "0"
        assert not admin.get_by_role("link", name="下载 ZIP").is_visible()
        admin.screenshot(path=str(screenshot_dir / "results-7-batch-queued.png"), full_page=True)
        with running_worker(queue):
            expect(admin.locator("[data-batch-label]")).to_have_text("已完成", timeout=60_000)  # polled, no reload
        assert admin.locator("[data-batch-bar]").get_attribute("value") == "100"
        assert admin.get_by_role("link", name="下载 ZIP").is_visible()
        assert admin.locator("[data-batch-done]").inner_text() == "3"
        admin.screenshot(path=str(screenshot_dir / "results-8-batch-done.png"), full_page=True)

    admin.reload()
    assert admin.locator("[data-batch-label]").inner_text() == "已完成"
    with admin.expect_download() as download_info:
        admin.get_by_role("link", name="下载 ZIP").click()
    archive = tmp_path / "plaques.zip"
    download_info.value.save_as(archive)
    with zipfile.ZipFile(archive) as plaques:
        assert sorted(plaques.namelist()) == sorted(f"{a.plaque_number}.pdf" for a in batch_awards(batch))
    assert admin.js_errors == []
