"""Revocation (撤销, issue 7): the grounds and what each needs, the evidence check, the quota of the period, the
institution told, the admin's form and who may open it, and the applicant's home afterwards."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from awards.enums import RevocationGround
from awards.forms import RevokeForm
from awards.models import Award, Revocation, RevocationEvidence
from portal.enums import AuditEvent
from portal.models import AuditRecord, Notification
from portal.titles import period_remaining
from tests.applications.factories import PDF
from tests.awards.results_builders import ISSUED_AT, announced, applicant_of, award_of, revoke
from tests.factories import ApplicantFactory, ReviewerFactory
from tests.portal.helpers import queued_messages, refusal, text, visible_text
from tests.publicity.publicity_builders import at, pdf
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

NOW = at(2026, 10, 20, 10)


# An announcement of 15 September 2026 naming 申报机构甲 and 申报机构乙; the clock stands on 20 October.
_listed, listed = module_world("listed", announced, built_at=ISSUED_AT, tests_at=NOW)


def form_data(**overrides) -> dict:
    data = {
        "ground": RevocationGround.VIOLATION,
        "ground_text": "经查实，该机构存在违法违纪行为。",
        "document_number": "县人社局字〔2026〕31号",
        "decided_on": "2026-10-19",
    }
    return {key: value for key, value in {**data, **overrides}.items() if value is not None}


# --- the service ------------------------------------------------------------------------------------------


def test_every_ground_is_accepted(time_machine):
    time_machine.move_to(ISSUED_AT, tick=False)
    names = ("甲", "乙", "丙", "丁", "戊")
    listed = announced(names=names)
    time_machine.move_to(NOW, tick=False)

    for name, ground in zip(names, RevocationGround.values, strict=True):
        revocation = revoke(award_of(listed, name), listed.admin, ground=ground)
        award = Award.objects.get(pk=revocation.award_id)
        assert revocation.ground == ground and revocation.published_at == NOW
        assert award.revoked_at == NOW and not award.is_valid
        assert revocation.digest == revocation.content_digest()
        assert revocation.created_by == listed.admin
    # This programme's: the module's shared world (tests.worlds) may hold awards of its own while this test runs.
    assert Award.objects.valid().filter(programme=listed.programme).count() == 0


@pytest.mark.parametrize("ground", RevocationGround.values)
def test_the_form_accepts_every_ground(ground):
    assert RevokeForm(form_data(ground=ground)).is_valid()


def test_the_form_refuses_an_unknown_ground():
    form = RevokeForm(form_data(ground="disliked"))

    assert not form.is_valid() and "ground" in form.errors


@pytest.mark.parametrize("ground", [RevocationGround.OTHER, RevocationGround.DEREGISTERED])
def test_facts_are_required_for_any_ground(listed, ground):
    message = refusal(lambda: revoke(award_of(listed), listed.admin, ground=ground, ground_text="  \n "))
    form = RevokeForm(form_data(ground=ground, ground_text=""))

    assert message == "请填写撤销的事实和依据以及撤销文号。"
    assert not form.is_valid() and list(form.errors) == ["ground_text"]
    assert Award.objects.get(pk=award_of(listed).pk).revoked_at is None


def test_other_ground_is_accepted_with_its_facts(listed):
    revocation = revoke(
        award_of(listed), listed.admin, ground=RevocationGround.OTHER, ground_text="  机构自愿申请撤销称号。  "
    )

    assert (revocation.ground, revocation.ground_text) == (RevocationGround.OTHER, "机构自愿申请撤销称号。")
    assert revocation.get_ground_display() == "其它应当撤销评定的情形"


def test_the_document_number_is_required(listed):
    message = refusal(lambda: revoke(award_of(listed), listed.admin, document_number=" "))
    form = RevokeForm(form_data(document_number=""))

    assert message == "请填写撤销的事实和依据以及撤销文号。"
    assert list(form.errors) == ["document_number"]


def test_the_decision_may_not_be_dated_in_the_future(listed):
    message = refusal(lambda: revoke(award_of(listed), listed.admin, decided_on=date(2026, 10, 21)))
    same_day = revoke(award_of(listed), listed.admin, decided_on=date(2026, 10, 20))

    assert message == "决定日期不能晚于今天。"
    assert same_day.decided_on == date(2026, 10, 20)


def test_evidence_is_checked_and_stored_under_a_random_name(listed):
    fake = SimpleUploadedFile("记录.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")

    with pytest.raises(ValidationError):
        revoke(award_of(listed), listed.admin, evidence=[fake])
    assert Award.objects.get(pk=award_of(listed).pk).revoked_at is None
    assert not Revocation.objects.exists()

    revocation = revoke(award_of(listed), listed.admin, evidence=[pdf("现场核查记录.pdf")])

    evidence = RevocationEvidence.objects.get(revocation=revocation)
    assert (evidence.original_name, evidence.size, evidence.content_type) == (
        "现场核查记录.pdf",
        len(PDF),
        "application/pdf",
    )
    assert evidence.file.name.startswith("revocations/") and "现场核查记录" not in evidence.file.name
    assert len(evidence.sha256) == 64


def test_returning_the_quota_needs_a_reason(listed):
    message = refusal(lambda: revoke(award_of(listed), listed.admin, quota_returned=True, quota_reason="   "))
    form = RevokeForm(form_data(quota_returned="on", quota_reason=""))

    assert message == "退回本周期名额须说明理由。"
    assert list(form.errors) == ["quota_reason"]
    assert RevokeForm(form_data(quota_returned="on", quota_reason="机构注销，名额退回。")).is_valid()


def test_a_revocation_is_refused_twice(listed):
    first = revoke(award_of(listed), listed.admin)

    message = refusal(lambda: revoke(award_of(listed), listed.admin, document_number="县人社局字〔2026〕40号"))

    assert message == "该奖牌已撤销。"
    assert Revocation.objects.get() == first


def test_the_period_keeps_the_quota_unless_it_is_returned(listed):
    before = period_remaining(listed.round)

    revoke(award_of(listed, "甲"), listed.admin)
    kept = period_remaining(listed.round)
    revoke(award_of(listed, "乙"), listed.admin, quota_returned=True, quota_reason="机构注销，名额退回本周期。")
    returned = period_remaining(listed.round)

    assert before == listed.programme.period_quota - 2
    assert kept == before
    assert returned == before + 1


def test_the_institution_is_told_and_the_results_page_shows_it_at_once(
    client, listed, eager_celery, django_capture_on_commit_callbacks
):
    results = reverse("awards:results")
    before = visible_text(client.get(results))  # now in the page cache
    bystander = ApplicantFactory()

    with django_capture_on_commit_callbacks(execute=True):
        revocation = revoke(award_of(listed), listed.admin)
    after = visible_text(client.get(results))

    told = Notification.objects.filter(link=revocation.get_absolute_url())  # they were told of the notice and award before
    note = told.get(user=applicant_of(listed))
    assert note.text == (
        "贵机构的“县级就业服务质量标杆机构”称号（奖牌编号370322X-2026-001）已于2026年10月19日撤销（县人社局字〔2026〕30号）。"
    )
    assert not told.filter(user__in=[applicant_of(listed, "乙"), bystander]).exists()
    assert "暂无撤销公告。" in before
    assert "关于撤销申报机构甲“县级就业服务质量标杆机构”称号的公告" in after


def test_a_revocation_is_audited(listed):
    award = award_of(listed)

    revoke(award, listed.admin, quota_returned=True, quota_reason="名额退回。")

    record = AuditRecord.objects.get(
        event=AuditEvent.TRANSITION, object_type="awards.award", detail__startswith="revoke"
    )
    assert (record.user_id, record.object_id) == (listed.admin.pk, str(award.pk))
    assert record.detail == "revoke 370322X-2026-001: false_materials 县人社局字〔2026〕30号; quota returned: True"


@pytest.mark.history
def test_a_revoked_award_moves_through_its_table_with_the_reason_in_its_history(listed):
    award = award_of(listed)

    revoke(award, listed.admin)

    award.refresh_from_db()
    assert (award.status, award.revoked_at, award.is_valid) == ("revoked", NOW, False)
    latest = award.history.latest()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        "revoked", listed.admin, "撤销：申报材料虚假失实"
    )
    assert not Award.objects.valid().filter(pk=award.pk).exists()


def test_the_database_refuses_a_status_that_disagrees_with_the_revocation_date(listed):
    award = award_of(listed)

    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.filter(pk=award.pk).update(status="revoked")
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.filter(pk=award.pk).update(revoked_at=NOW)


# --- the admin's form -----------------------------------------------------------------------------------


def test_admin_revokes_through_the_form(login, listed):
    award = award_of(listed)
    url = reverse("awards:award_revoke", args=[award.pk])
    client = login(listed.admin)

    form = client.get(url)
    response = client.post(url, form_data(evidence=pdf("处罚决定书.pdf")))
    again = client.get(url)

    revocation = Revocation.objects.get(award=award)
    assert form.status_code == 200
    assert "撤销申报机构甲的称号" in visible_text(form) and 'value="2026-10-20"' in text(form)
    assert response.status_code == 302 and response["Location"] == revocation.get_absolute_url()
    assert (revocation.ground, revocation.document_number) == (RevocationGround.VIOLATION, "县人社局字〔2026〕31号")
    assert revocation.evidence.get().original_name == "处罚决定书.pdf"
    assert again.status_code == 302 and again["Location"] == revocation.get_absolute_url()


def test_revoking_again_opens_the_published_revocation(login, listed):
    award = award_of(listed)
    url = reverse("awards:award_revoke", args=[award.pk])
    client = login(listed.admin)
    client.post(url, form_data())

    again = client.post(url, form_data(document_number="县人社局字〔2026〕32号"))

    revocation = Revocation.objects.get(award=award)
    assert again.status_code == 302 and again["Location"] == revocation.get_absolute_url()
    assert queued_messages(again) == ["该奖牌已撤销。"]
    assert revocation.document_number == "县人社局字〔2026〕31号"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"decided_on": "2026-10-21"}, "决定日期不能晚于今天。"),
        (
            {"evidence": SimpleUploadedFile("伪造.pdf", b"GIF89a not a pdf", content_type="application/pdf")},
            "伪造.pdf",
        ),
        ({"quota_returned": "on", "quota_reason": ""}, "退回本周期名额须说明理由。"),
        ({"ground": RevocationGround.OTHER, "ground_text": ""}, "这个字段是必填项。"),
    ],
    ids=["future", "fake-pdf", "quota-without-reason", "other-without-facts"],
)
def test_the_form_shows_why_it_refuses(login, listed, overrides, message):
    award = award_of(listed)

    response = login(listed.admin).post(reverse("awards:award_revoke", args=[award.pk]), form_data(**overrides))

    assert response.status_code == 200
    assert message in visible_text(response)
    assert Award.objects.get(pk=award.pk).revoked_at is None


def test_revoke_form_is_404_for_another_programmes_admin(login, time_machine, listed):
    time_machine.move_to(ISSUED_AT, tick=False)
    other = announced(names=("丙",))
    time_machine.move_to(NOW, tick=False)
    url = reverse("awards:award_revoke", args=[award_of(listed).pk])
    client = login(other.admin)

    assert client.get(url).status_code == 404
    assert client.post(url, form_data()).status_code == 404
    assert Award.objects.get(pk=award_of(listed).pk).revoked_at is None


@pytest.mark.parametrize("who", ["own-applicant", "reviewer", "lead"])
def test_revoke_form_is_403_for_applicants_and_reviewers(login, listed, who):
    user = {"own-applicant": applicant_of(listed), "reviewer": ReviewerFactory(), "lead": listed.lead}[who]
    url = reverse("awards:award_revoke", args=[award_of(listed).pk])
    client = login(user)

    assert client.get(url).status_code == 403
    assert client.post(url, form_data()).status_code == 403
    assert not Revocation.objects.exists()


# --- the applicant's home -----------------------------------------------------------------------------------


def test_applicant_home_shows_the_revocation_and_no_plaque_link(login, listed):
    award = award_of(listed)
    client = login(applicant_of(listed))
    plaque = reverse("awards:plaque", args=[award.pk])

    before = client.get(reverse("home"))
    revocation = revoke(award, listed.admin)
    after = client.get(reverse("home"))

    assert "我的奖牌" in visible_text(before)
    assert (
        "县级就业服务质量标杆机构 · 奖牌编号 370322X-2026-001 · 2026年9月 有效 下载奖牌 PDF 下载公布文件 核验页"
        in visible_text(before)
    )
    assert plaque in text(before)
    assert "县级就业服务质量标杆机构 · 奖牌编号 370322X-2026-001 · 2026年9月 已撤销" in visible_text(after)
    assert revocation.get_absolute_url() in text(after)
    assert plaque not in text(after) and "下载奖牌 PDF" not in visible_text(after)
    assert award.get_verify_url() not in text(after)
