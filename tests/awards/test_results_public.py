"""The public pages of the result, without login: the results list and page, the revocation notice and the plaque
verification (核验) that a scanned QR code opens. No personal data on any of them."""

import re

import pytest
from django.urls import reverse

from awards import services as award_services
from awards.models import Award
from tests.applications.factories import AwardFactory
from tests.awards.results_builders import (
    ADDRESS,
    CONTACT_NAME,
    CONTACT_PHONE,
    ISSUED_AT,
    PRINCIPAL,
    announced,
    applicant_of,
    award_of,
    closed_round,
    draft,
    private_details,
    revoke,
)
from tests.factories import ApplicantFactory
from tests.portal.helpers import text, visible_text
from tests.publicity.publicity_builders import pdf
from tests.worlds import module_world

pytestmark = pytest.mark.django_db


# An announcement issued on 15 September 2026 naming 申报机构甲 and 申报机构乙; the clock stands on 20 October.
_listed, listed = module_world("listed", announced, built_at=ISSUED_AT, tests_at=ISSUED_AT.replace(month=10, day=20))


def verify_url(award: Award) -> str:
    return reverse("awards:verify", args=[award.verify_code])


def verify_block(response) -> str:
    """The verification result itself (the page around it repeats the path in the language switch)."""
    return re.search(r'<div class="form-page narrow">.*?</div>', text(response), re.S)[0]


# --- results ---------------------------------------------------------------------------------------------


def test_results_list_shows_issued_announcements_only(client, listed):
    pending = closed_round(names=("丙",))
    draft(pending, title="关于公布草稿名单的通知")

    page = visible_text(client.get(reverse("awards:results")))

    announcement = listed.extra["announcement"]
    assert f"{announcement.title} 县人社局字〔2026〕1号 · 发布日期：2026-09-15" in page
    assert "关于公布草稿名单的通知" not in page
    assert "暂无撤销公告。" in page


def test_a_draft_is_not_public_but_its_pdf_is_a_preview_for_the_programme_admin(client, login, listed, monkeypatch):
    monkeypatch.setattr(award_services, "announcement_pdf", lambda announcement: b"%PDF-1.7 draft")
    pending = closed_round(names=("丙",))
    announcement = draft(pending)
    page_url = reverse("awards:result", args=[announcement.pk])
    pdf_url = reverse("awards:result_pdf", args=[announcement.pk])

    anonymous = (client.get(page_url).status_code, client.get(pdf_url).status_code)
    others = [login(user).get(pdf_url).status_code for user in (listed.admin, applicant_of(pending, "丙"))]
    preview = login(pending.admin).get(pdf_url)
    admin_page = login(pending.admin).get(page_url)

    assert anonymous == (404, 404)
    assert others == [404, 404]  # another programme's admin; the listed institution itself
    assert preview.status_code == 200 and preview.content == b"%PDF-1.7 draft"
    assert preview["Content-Type"] == "application/pdf" and preview["Cache-Control"] == "private, no-store"
    assert preview["Content-Disposition"].startswith("inline")
    assert admin_page.status_code == 404  # the page itself is public only once issued


def test_result_page_shows_the_metadata_block_and_the_list(client, listed):
    announcement = listed.extra["announcement"]

    response = client.get(announcement.get_absolute_url())
    page = visible_text(response)

    assert response.status_code == 200
    issuer = announcement.issuers[0]
    assert (
        f"索引号 {announcement.index_number} 发文机关 {issuer} 成文日期 2026-09-15 发布日期 2026-09-15 "
        "文号 县人社局字〔2026〕1号" in page
    )
    assert "关于公布高青县2026年度县级就业服务质量标杆机构名单的通知 县人社局字〔2026〕1号" in page
    assert "1 申报机构甲 370322X-2026-001 有效 2 申报机构乙 370322X-2026-002 有效" in page
    assert f"{issuer} 2026年9月15日" in page
    assert f"内容校验值（SHA-256）： {announcement.digest} 与发布内容一致" in page
    assert reverse("awards:result_pdf", args=[announcement.pk]) in text(response)


def test_result_page_flags_a_list_changed_after_issuing(client, listed):
    Award.objects.filter(pk=award_of(listed).pk).update(institution_name="被篡改的机构")

    page = visible_text(client.get(listed.extra["announcement"].get_absolute_url()))

    assert "与发布内容不一致，请联系发布机关" in page


def test_revocation_notice_shows_ground_number_and_date(client, listed):
    revocation = revoke(award_of(listed), listed.admin)

    page = visible_text(client.get(revocation.get_absolute_url()))
    result = visible_text(client.get(listed.extra["announcement"].get_absolute_url()))
    results = visible_text(client.get(reverse("awards:results")))

    assert "关于撤销申报机构甲“县级就业服务质量标杆机构”称号的公告 县人社局字〔2026〕30号" in page
    assert "奖牌编号 370322X-2026-001 原授予 县人社局字〔2026〕1号 ，2026年9月15日" in page
    assert "撤销事由 申报材料虚假失实 事实和依据 经查实，该机构申报材料中的服务台账人数与实际不符。" in page
    assert "决定日期 2026年10月19日" in page
    assert f"内容校验值（SHA-256）： {revocation.digest}" in page
    assert "1 申报机构甲 370322X-2026-001 已于2026年10月19日撤销 2 申报机构乙 370322X-2026-002 有效" in result
    assert "关于撤销申报机构甲“县级就业服务质量标杆机构”称号的公告 县人社局字〔2026〕30号 · 2026-10-19" in results


def test_unknown_result_and_revocation_are_404(client, listed):
    announcement = listed.extra["announcement"]

    assert client.get(reverse("awards:result", args=[announcement.pk + 100])).status_code == 404
    assert client.get(reverse("awards:result_pdf", args=[announcement.pk + 100])).status_code == 404
    assert client.get(reverse("awards:revocation", args=[1])).status_code == 404


def test_public_pages_show_no_personal_data(client, listed):
    private_details(listed)
    award = award_of(listed)
    institution = award.institution
    applicant = applicant_of(listed)
    revocation = revoke(award, listed.admin, evidence=[pdf("现场核查记录.pdf")])
    pages = {
        "results": reverse("awards:results"),
        "result": listed.extra["announcement"].get_absolute_url(),
        "revocation": revocation.get_absolute_url(),
        "verify": verify_url(award),
        "verify-valid": verify_url(award_of(listed, "乙")),
    }
    secrets = [
        CONTACT_PHONE,
        "139 8765 4321",
        "139-8765-4321",
        CONTACT_NAME,
        PRINCIPAL,
        ADDRESS,
        institution.uscc,
        applicant.email,
        applicant.username,
        applicant.full_name,
        listed.admin.username,
        listed.admin.full_name,
        "现场核查记录",
        revocation.evidence.get().file.name,
    ]

    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        found = [secret for secret in secrets if secret in text(response)]
        assert found == [], name
    assert "申报机构甲" in text(client.get(pages["revocation"]))  # the pages did show the institution


# --- verification ----------------------------------------------------------------------------------------


def test_verify_says_valid_with_the_issuers_and_the_date(client, listed):
    award = award_of(listed)

    response = client.get(verify_url(award))
    page = visible_text(response)

    assert response.status_code == 200
    issuers = "、".join(listed.extra["announcement"].issuers)
    assert "有效 该奖牌真实有效。" in page
    assert (
        f"机构名称 申报机构甲 称号 县级就业服务质量标杆机构 奖牌编号 370322X-2026-001 授予单位 {issuers} "
        "授予时间 2026年9月15日（ 县人社局字〔2026〕1号 ）" in page
    )
    assert "数字摘要 与登记内容一致" in page
    assert "已撤销" not in page
    assert response["X-Robots-Tag"] == "noindex" and response["Referrer-Policy"] == "no-referrer"


def test_verify_says_revoked_with_the_date_after_a_revocation(client, listed):
    award = award_of(listed)
    revocation = revoke(award, listed.admin)

    response = client.get(verify_url(award))
    page = visible_text(response)

    assert response.status_code == 200
    assert "已撤销 该奖牌已于2026年10月19日撤销，不再有效。" in page
    assert "该奖牌真实有效" not in page
    assert "撤销 县人社局字〔2026〕30号 ：申报材料虚假失实" in page
    assert revocation.get_absolute_url() in text(response)
    assert "数字摘要 与登记内容一致" in page  # the plaque was genuine; it is no longer valid


def test_a_guessed_code_or_the_plaque_number_reveals_nothing(client, listed):
    award = award_of(listed)

    guessed = client.get(reverse("awards:verify", args=["AbCdEfGhIjKlMnOp"]))
    by_number = client.get(reverse("awards:verify", args=[award.plaque_number]))
    by_prefix = client.get(reverse("awards:verify", args=[award.verify_code[:8]]))

    for response in (guessed, by_number, by_prefix):
        assert response.status_code == 404
        assert response["X-Robots-Tag"] == "noindex"
        page = text(response)
        for value in ("申报机构甲", "县级就业服务质量标杆机构", "县人社局字", listed.extra["announcement"].issuers[0]):
            assert value not in page
        assert "未找到该奖牌。" in visible_text(response)
    assert verify_block(guessed) == verify_block(by_number) == verify_block(by_prefix)


@pytest.mark.parametrize(
    "change", [{"digest": "0" * 64}, {"institution_name": "冒名机构"}, {"plaque_number": "370322X-2026-999"}]
)
def test_verify_flags_a_record_changed_after_issuing(client, listed, change):
    award = award_of(listed)
    Award.objects.filter(pk=award.pk).update(**change)

    page = visible_text(client.get(verify_url(award)))

    assert "数字摘要 与登记内容不一致" in page


def test_verify_in_english_checks_the_digest_of_the_chinese_plaque(client, listed):
    award = award_of(listed)

    response = client.get(verify_url(award), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert '<html lang="en"' in text(response)
    assert "County-level Employment Service Quality Benchmark Institution" in text(response)  # the page is English
    assert response.context["digest_ok"] is True
    assert "status--rejected" not in verify_block(response)


def test_verify_needs_no_login_and_is_the_same_for_a_signed_in_user(client, login, listed):
    award = award_of(listed)
    anonymous = verify_block(client.get(verify_url(award)))

    signed_in = verify_block(login(ApplicantFactory()).get(verify_url(award)))

    assert anonymous == signed_in


def test_an_award_made_before_verification_existed_is_not_flagged_as_changed(client, listed):
    award = AwardFactory(programme=listed.programme, institution_name="旧授牌机构")
    issuers = "、".join(award_services.plaque_spec(award).issuers)

    page = visible_text(client.get(verify_url(award)))

    assert "有效 该奖牌真实有效。" in page
    assert "与登记内容不一致" not in page
    assert f"授予单位 {issuers}" in page


def test_public_pages_refuse_writes(client, listed):
    for url in (
        reverse("awards:results"),
        listed.extra["announcement"].get_absolute_url(),
        verify_url(award_of(listed)),
    ):
        assert client.post(url).status_code == 405, url
