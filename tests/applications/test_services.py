"""Services of the application stage: the state machine, start, submit, notifications and attachments."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services
from applications.conditions import conditions_install_default
from applications.enums import ApplicationStatus as S
from applications.enums import AttachmentPurpose, ConditionSection
from applications.forms import ApplicationForm, PriorityItemFormSet
from applications.models import Application, Attachment, Condition
from applications.services import TRANSITIONS, count_chars
from portal.display import cn_date
from portal.enums import InstitutionKind, InstitutionStatus
from portal.models import Notification
from portal.transitions import Refused, TransitionError
from tests.applications.factories import (
    PDF,
    PNG,
    ApplicationFactory,
    AttachmentFactory,
    AwardFactory,
    make_complete,
)
from tests.factories import (
    ApplicantFactory,
    InstitutionFactory,
    ProgrammeFactory,
    RegionFactory,
    RoundFactory,
    UserFactory,
)
from tests.portal.helpers import refusal

pytestmark = pytest.mark.django_db

LABELS = {
    S.DRAFT: "草稿",
    S.SUBMITTED: "已提交",
    S.RETURNED: "退回补正",
    S.RESUBMITTED: "已重新提交",
    S.ACCEPTED: "已受理",
    S.REJECTED: "不予受理",
    S.WITHDRAWN: "已撤回",
}
ALLOWED = [(source, target) for source, targets in TRANSITIONS.items() for target in sorted(targets)]


def closed_round():
    now = timezone.now()
    return RoundFactory(opens_at=now - timedelta(days=30), closes_at=now - timedelta(hours=1))


def latest_history(application):
    return application.history.order_by("-history_date", "-history_id").first()


# --- the state machine -------------------------------------------------------------------------------


def test_transitions_table_is_the_issue_state_machine():
    expected = {
        S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
        S.SUBMITTED: {S.RETURNED, S.ACCEPTED, S.REJECTED, S.WITHDRAWN},
        S.RETURNED: {S.RESUBMITTED, S.WITHDRAWN},
        S.RESUBMITTED: {S.RETURNED, S.ACCEPTED, S.REJECTED, S.WITHDRAWN},
        S.ACCEPTED: set(),
        S.REJECTED: set(),
        S.WITHDRAWN: set(),
    }

    assert TRANSITIONS == expected
    assert len(ALLOWED) == 12


@pytest.mark.history
@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_transition_allowed_moves_and_records_who_and_why(source, target):
    application = ApplicationFactory(status=source)
    actor = UserFactory()

    result = services.application_transition(application=application, to=target, actor=actor, note="测试说明")

    assert result.status == target
    assert Application.objects.get(pk=application.pk).status == target
    record = latest_history(application)
    assert record.status == target
    assert record.history_user == actor
    assert record.history_change_reason == "测试说明"


@pytest.mark.history
def test_transition_without_note_records_the_status_label_as_reason():
    application = ApplicationFactory(status=S.SUBMITTED)

    services.application_transition(application=application, to=S.ACCEPTED, actor=UserFactory())

    assert latest_history(application).history_change_reason == "已受理"


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (S.DRAFT, S.ACCEPTED),
        (S.DRAFT, S.RESUBMITTED),
        (S.SUBMITTED, S.SUBMITTED),
        (S.SUBMITTED, S.RESUBMITTED),
        (S.RETURNED, S.ACCEPTED),
        (S.RETURNED, S.SUBMITTED),
        (S.ACCEPTED, S.WITHDRAWN),
        (S.ACCEPTED, S.RETURNED),
        (S.REJECTED, S.SUBMITTED),
        (S.WITHDRAWN, S.SUBMITTED),
        (S.WITHDRAWN, S.DRAFT),
    ],
)
@pytest.mark.history
def test_transition_refused_moves_say_why_and_change_nothing(source, target):
    application = ApplicationFactory(status=source)
    history_count = application.history.count()

    with pytest.raises(TransitionError) as refused:
        services.application_transition(application=application, to=target, actor=UserFactory())

    assert str(refused.value) == f"当前状态为“{LABELS[source]}”，不能变更为“{LABELS[target]}”。"
    assert Application.objects.get(pk=application.pk).status == source
    assert application.history.count() == history_count


def test_transition_checks_the_stored_status_not_a_stale_copy():
    application = ApplicationFactory(status=S.SUBMITTED)
    stale = Application.objects.get(pk=application.pk)
    services.application_accept(application=application, actor=UserFactory())

    with pytest.raises(TransitionError) as refused:
        services.application_withdraw(application=stale, actor=stale.created_by)

    assert str(refused.value) == "当前状态为“已受理”，不能变更为“已撤回”。"
    assert Application.objects.get(pk=application.pk).status == S.ACCEPTED


@pytest.mark.history
def test_return_records_reason_deadline_and_note():
    application = ApplicationFactory(status=S.SUBMITTED)
    admin = UserFactory()
    deadline = timezone.localdate() + timedelta(days=5)

    services.application_return(application=application, actor=admin, reason="请补充服务台账", deadline=deadline)

    application.refresh_from_db()
    assert (application.status, application.return_reason, application.return_deadline) == (
        S.RETURNED,
        "请补充服务台账",
        deadline,
    )
    record = latest_history(application)
    assert record.history_user == admin
    assert record.history_change_reason == f"退回原因：请补充服务台账（请于{cn_date(deadline)}前补正）"


@pytest.mark.history
def test_accept_records_decision_time_and_note():
    application = ApplicationFactory(status=S.RESUBMITTED)
    admin = UserFactory()

    services.application_accept(application=application, actor=admin, note="材料齐全")

    application.refresh_from_db()
    assert application.status == S.ACCEPTED
    assert application.decision_reason == "材料齐全"
    assert application.decided_at is not None
    assert latest_history(application).history_change_reason == "材料齐全"


@pytest.mark.history
def test_reject_records_reason():
    application = ApplicationFactory(status=S.SUBMITTED)
    admin = UserFactory()

    services.application_reject(application=application, actor=admin, reason="不属于评定对象")

    application.refresh_from_db()
    assert (application.status, application.decision_reason) == (S.REJECTED, "不属于评定对象")
    record = latest_history(application)
    assert (record.history_user, record.history_change_reason) == (admin, "不予受理：不属于评定对象")


@pytest.mark.history
def test_withdraw_records_the_applicant():
    application = ApplicationFactory(status=S.SUBMITTED)

    services.application_withdraw(application=application, actor=application.created_by)

    record = latest_history(application)
    assert (record.status, record.history_user, record.history_change_reason) == (
        S.WITHDRAWN,
        application.created_by,
        "申报机构撤回",
    )


# --- counting the work record ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("就业服务", 4),
        ("HR服务", 4),
        ("2025年", 5),
        ("，。！“”、（）", 8),
        ("a,b.c!", 6),
        ("第一行\r\n第二行", 7),
        ("第一行\n第二行", 7),
        ("１２３ＡＢ", 5),
    ],
)
def test_count_chars_counts_each_character_and_crlf_as_one(text, count):
    assert count_chars(text) == count


def test_problems_accept_1000_characters_with_crlf():
    application = make_complete(ApplicationFactory())
    application.work_record = ("一二三四五，ab1\r\n" * 100)  # 1,000 counted; 1,100 code points

    problems = services.application_problems(application)

    assert count_chars(application.work_record) == 1000
    assert problems == []


def test_problems_refuse_1001_characters():
    application = make_complete(ApplicationFactory())
    application.work_record = "字" * 1001

    problems = services.application_problems(application)

    assert problems == ["工作情况不能超过1000字，当前为1001字。"]


def test_form_refuses_1001_characters_and_accepts_1000():
    application = ApplicationFactory()
    base = {"institution_name": "测试机构", "contact_phone": "0533-6961000"}

    too_long = ApplicationForm({**base, "work_record": "a" * 1001}, instance=application)
    exact = ApplicationForm({**base, "work_record": "工" * 999 + "1"}, instance=ApplicationFactory())

    assert too_long.errors["work_record"] == ["工作情况不能超过1000字，当前为1001字，请删减1字。"]
    assert exact.is_valid(), exact.errors


# --- completeness and submission ---------------------------------------------------------------------


def test_problems_list_everything_missing_on_a_fresh_draft():
    application = ApplicationFactory()
    conditions_install_default(application.round.programme)

    problems = services.application_problems(application)

    assert problems == [
        "请填写“工作情况”。",
        *[f"请完成基本条件第{n}条的自查。" for n in range(1, 7)],
        # Level condition 1 binds public agencies only; 5 is a priority clause, never required.
        *[f"请完成本级评定条件第{n}条的自查。" for n in (2, 3, 4)],
        "请阅读并勾选申报机构承诺。",
        "请填写承诺日期。",
        "请上传加盖公章或签字的承诺页图片。",
    ]


def test_problems_require_county_condition_1_from_a_public_agency():
    application = ApplicationFactory(institution=InstitutionFactory(kind=InstitutionKind.PUBLIC_AGENCY))
    make_complete(application)
    level_1 = Condition.objects.get(programme=application.round.programme, section=ConditionSection.LEVEL, number=1)
    application.condition_answers.filter(condition=level_1).delete()

    problems = services.application_problems(application)

    assert problems == ["请完成本级评定条件第1条的自查。"]


def test_submit_refuses_an_incomplete_application_and_lists_the_problems():
    application = make_complete(ApplicationFactory())
    application.attachments.filter(purpose=AttachmentPurpose.SEAL).delete()
    application.condition_answers.first().delete()
    Application.objects.filter(pk=application.pk).update(commitment_accepted=False)
    application.refresh_from_db()

    with pytest.raises(Refused) as refused:
        services.application_submit(application=application, actor=application.created_by)

    assert str(refused.value) == (
        "申报信息不完整：请完成基本条件第1条的自查。；请阅读并勾选申报机构承诺。；请上传加盖公章或签字的承诺页图片。"
    )
    assert Application.objects.get(pk=application.pk).status == S.DRAFT


@pytest.mark.history
def test_submit_complete_draft_inside_the_window():
    application = make_complete(ApplicationFactory())
    applicant = application.created_by

    services.application_submit(application=application, actor=applicant)

    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.submitted_at is not None
    record = latest_history(application)
    assert (record.history_user, record.history_change_reason) == (applicant, "已提交")


def test_submit_refused_after_the_window_names_the_deadline():
    round = closed_round()
    application = make_complete(ApplicationFactory(round=round))

    with pytest.raises(Refused) as refused:
        services.application_submit(application=application, actor=application.created_by)

    closes = timezone.localtime(round.closes_at)
    assert str(refused.value) == f"申报已于{cn_date(closes)} {closes:%H:%M}（北京时间）截止，不能提交。"
    assert Application.objects.get(pk=application.pk).status == S.DRAFT


@pytest.mark.history
def test_resubmit_after_return_before_deadline_even_after_the_window():
    application = make_complete(ApplicationFactory(round=closed_round(), status=S.SUBMITTED))
    deadline = timezone.localdate() + timedelta(days=3)
    services.application_return(application=application, actor=UserFactory(), reason="补充材料", deadline=deadline)

    with time_machine.travel(timezone.now() + timedelta(days=3)):
        services.application_submit(application=application, actor=application.created_by)

    application.refresh_from_db()
    assert application.status == S.RESUBMITTED
    assert latest_history(application).history_change_reason == "已重新提交"


def test_resubmit_refused_after_the_return_deadline():
    application = make_complete(ApplicationFactory(status=S.SUBMITTED))
    deadline = timezone.localdate() + timedelta(days=3)
    services.application_return(application=application, actor=UserFactory(), reason="补充材料", deadline=deadline)

    with time_machine.travel(timezone.now() + timedelta(days=4)), pytest.raises(Refused) as refused:
        services.application_submit(application=application, actor=application.created_by)

    assert str(refused.value) == f"补正截止日期（{cn_date(deadline)}）已过，不能再提交。请联系管理员。"
    assert Application.objects.get(pk=application.pk).status == S.RETURNED


def test_submit_twice_is_refused():
    application = make_complete(ApplicationFactory())
    services.application_submit(application=application, actor=application.created_by)

    with pytest.raises(TransitionError) as refused:
        services.application_submit(application=application, actor=application.created_by)

    assert str(refused.value) == "当前状态为“已提交”，不能变更为“已提交”。"


# --- starting a draft --------------------------------------------------------------------------------


@pytest.mark.history
def test_start_creates_a_draft_prefilled_from_the_registration():
    round = RoundFactory()
    applicant = ApplicantFactory()
    institution = applicant.institution

    application = services.application_start(round=round, user=applicant)

    assert (application.status, application.round, application.institution, application.created_by) == (
        S.DRAFT,
        round,
        institution,
        applicant,
    )
    assert (application.institution_name, application.principal_name, application.contact_phone) == (
        institution.name,
        institution.principal_name,
        institution.contact_phone,
    )
    record = latest_history(application)
    assert (record.history_user, record.history_change_reason) == (applicant, "创建草稿")


def test_start_refused_for_an_unverified_institution():
    applicant = ApplicantFactory(institution=InstitutionFactory(status=InstitutionStatus.PENDING))

    with pytest.raises(Refused) as refused:
        services.application_start(round=RoundFactory(), user=applicant)

    assert str(refused.value) == "本机构信息尚未通过核验，核验通过后方可申报。"
    assert Application.objects.count() == 0


def test_start_refused_for_a_closed_round():
    with pytest.raises(Refused) as refused:
        services.application_start(round=closed_round(), user=ApplicantFactory())

    assert str(refused.value) == "当前不在该批次的申报时间内。"


def test_start_refused_before_the_round_opens():
    now = timezone.now()
    round = RoundFactory(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=10))

    with pytest.raises(Refused) as refused:
        services.application_start(round=round, user=ApplicantFactory())

    assert str(refused.value) == "当前不在该批次的申报时间内。"


def test_start_refused_for_a_second_application_in_the_round_even_by_a_colleague():
    first = ApplicationFactory(status=S.WITHDRAWN)
    colleague = ApplicantFactory(institution=first.institution)

    with pytest.raises(TransitionError) as refused:
        services.application_start(round=first.round, user=colleague)

    assert str(refused.value) == "本机构已在该批次提交过申报（一个批次只能申报一次）。"
    assert Application.objects.count() == 1


def test_start_refused_for_a_user_who_is_not_an_applicant():
    with pytest.raises(Refused) as refused:
        services.application_start(round=RoundFactory(), user=UserFactory())

    assert str(refused.value) == "只有申报机构的经办人可以申报。"


def test_start_refused_while_the_institution_holds_a_valid_award_of_the_programme():
    round = RoundFactory()
    applicant = ApplicantFactory()
    AwardFactory(programme=round.programme, institution=applicant.institution, plaque_number="GQ-2026-007")

    with pytest.raises(Refused) as refused:
        services.application_start(round=round, user=applicant)

    assert str(refused.value) == (
        "本机构已于2026年3月1日被评定为县级就业服务质量标杆机构（奖牌编号GQ-2026-007），本周期内不能重复申报。"
    )
    assert Application.objects.count() == 0


def test_start_allowed_when_the_award_is_revoked():
    round = RoundFactory()
    applicant = ApplicantFactory()
    AwardFactory(programme=round.programme, institution=applicant.institution, revoked_at=timezone.now())

    application = services.application_start(round=round, user=applicant)

    assert application.status == S.DRAFT


def test_start_allowed_with_an_award_of_another_programme():
    round = RoundFactory()
    applicant = ApplicantFactory()
    AwardFactory(institution=applicant.institution)

    application = services.application_start(round=round, user=applicant)

    assert application.status == S.DRAFT


# --- default conditions ------------------------------------------------------------------------------


def test_conditions_install_default_gives_6_basic_and_5_county_conditions_once():
    round = RoundFactory()

    created = conditions_install_default(round.programme)
    again = conditions_install_default(round.programme)

    conditions = Condition.objects.filter(programme=round.programme)
    assert (created, again) == (11, 0)
    assert conditions.filter(section=ConditionSection.BASIC).count() == 6
    level = {c.number: c for c in conditions.filter(section=ConditionSection.LEVEL)}
    assert sorted(level) == [1, 2, 3, 4, 5]
    assert level[1].applies_to_kinds == [InstitutionKind.PUBLIC_AGENCY]
    assert level[1].applies_to(InstitutionKind.PUBLIC_AGENCY) is True
    assert level[1].applies_to(InstitutionKind.COMMERCIAL_HR) is False
    assert [n for n, c in level.items() if c.is_priority_clause] == [5]


# --- draft saving --------------------------------------------------------------------------------------


def test_save_draft_refused_once_submitted():
    application = ApplicationFactory(status=S.SUBMITTED)
    form = ApplicationForm({"institution_name": "改过的名称"}, instance=application)
    formset = PriorityItemFormSet(
        {"priority-TOTAL_FORMS": "0", "priority-INITIAL_FORMS": "0"}, instance=application, prefix="priority"
    )
    assert form.is_valid() and formset.is_valid()

    with pytest.raises(TransitionError) as refused:
        services.application_save_draft(
            application=application, form=form, answer_forms=[], priority_formset=formset, actor=application.created_by
        )

    assert str(refused.value) == "申报已提交，不能再修改。如需修改，请联系管理员退回补正。"
    assert Application.objects.get(pk=application.pk).institution_name == application.institution.name


# --- notifications -----------------------------------------------------------------------------------


def test_transition_notifies_active_staff_in_the_portal_and_by_email(
    eager_celery, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://biaogan.example.cn"
    application = ApplicationFactory(status=S.SUBMITTED)
    owner = application.created_by
    colleague = ApplicantFactory(institution=application.institution)
    ApplicantFactory(institution=application.institution, is_active=False)
    ApplicantFactory()  # another institution's staff
    deadline = timezone.localdate() + timedelta(days=5)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_return(application=application, actor=UserFactory(), reason="请补充台账", deadline=deadline)

    text = (
        f"您的申报“{application}”状态已变更为：退回补正。"
        f" 退回原因：请补充台账（请于{cn_date(deadline)}前补正）"
    )
    notes = Notification.objects.order_by("user__username")
    assert [(n.user, n.text, n.link) for n in notes] == [
        (user, text, f"/applications/{application.pk}/") for user in sorted([owner, colleague], key=lambda u: u.username)
    ]
    assert sorted(message.to[0] for message in mail.outbox) == sorted([owner.email, colleague.email])
    message = mail.outbox[0]
    assert message.subject == "【标杆评定】" + text[:40]
    assert text in message.body
    assert f"https://biaogan.example.cn/applications/{application.pk}/" in message.body


def test_every_state_change_notifies(eager_celery, django_capture_on_commit_callbacks):
    application = make_complete(ApplicationFactory())
    admin = UserFactory()
    deadline = timezone.localdate() + timedelta(days=2)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, actor=application.created_by)
        services.application_return(application=application, actor=admin, reason="补充", deadline=deadline)
        services.application_submit(application=application, actor=application.created_by)
        services.application_accept(application=application, actor=admin)

    prefix = f"您的申报“{application}”状态已变更为："
    assert list(Notification.objects.order_by("pk").values_list("text", flat=True)) == [
        prefix + "已提交。",
        prefix + f"退回补正。 退回原因：补充（请于{cn_date(deadline)}前补正）",
        prefix + "已重新提交。",
        prefix + "已受理。",
    ]
    assert [message.to for message in mail.outbox] == [[application.created_by.email]] * 4


def test_no_notification_when_the_transition_is_refused(eager_celery, django_capture_on_commit_callbacks):
    application = ApplicationFactory(status=S.ACCEPTED)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError):
        services.application_withdraw(application=application, actor=application.created_by)

    assert Notification.objects.count() == 0
    assert mail.outbox == []


# --- attachments ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type", "suffix"),
    [("营业执照.png", PNG, "image/png", ".png"), ("服务台账 2025.PDF", PDF, "application/pdf", ".pdf")],
)
@pytest.mark.history
def test_attachment_add_stores_under_a_random_name(name, data, content_type, suffix):
    application = ApplicationFactory()
    applicant = application.created_by

    attachment = services.attachment_add(
        application=application,
        uploaded=SimpleUploadedFile(name, data, content_type="application/octet-stream"),
        purpose=AttachmentPurpose.EVIDENCE,
        actor=applicant,
    )

    stored = attachment.file.name
    assert stored.startswith("applications/")
    assert stored.endswith(suffix)
    assert len(stored) == len("applications/") + 32 + len(suffix)
    assert name.rsplit(".", 1)[0] not in stored
    assert (attachment.original_name, attachment.size, attachment.content_type) == (name, len(data), content_type)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    with default_storage.open(stored, "rb") as handle:
        assert handle.read() == data
    record = attachment.history.first()
    assert (record.history_user, record.history_change_reason) == (applicant, "上传附件")


def test_attachment_add_two_files_with_the_same_name_get_two_stored_names():
    application = ApplicationFactory()

    first, second = (
        services.attachment_add(
            application=application,
            uploaded=SimpleUploadedFile("台账.pdf", PDF),
            purpose=AttachmentPurpose.EVIDENCE,
            actor=application.created_by,
        )
        for _ in range(2)
    )

    assert first.file.name != second.file.name


def test_attachment_add_seal_must_be_an_image():
    application = ApplicationFactory()

    with pytest.raises(ValidationError) as refused:
        services.attachment_add(
            application=application,
            uploaded=SimpleUploadedFile("盖章页.pdf", PDF),
            purpose=AttachmentPurpose.SEAL,
            actor=application.created_by,
        )

    assert refused.value.messages == ["只能上传 JPG、PNG 格式的文件。"]
    assert application.attachments.count() == 0


def test_attachment_add_refused_once_submitted():
    application = ApplicationFactory(status=S.SUBMITTED)

    with pytest.raises(TransitionError) as refused:
        services.attachment_add(
            application=application,
            uploaded=SimpleUploadedFile("台账.pdf", PDF),
            purpose=AttachmentPurpose.EVIDENCE,
            actor=application.created_by,
        )

    assert str(refused.value) == "申报已提交，不能再上传附件。"
    assert application.attachments.count() == 0


def test_attachment_add_refuses_a_file_over_the_count_limit():
    application = ApplicationFactory(round=RoundFactory(max_files=1))
    add = dict(application=application, purpose=AttachmentPurpose.EVIDENCE, actor=application.created_by)
    services.attachment_add(uploaded=SimpleUploadedFile("一.pdf", PDF), **add)

    with pytest.raises(ValidationError) as refused:
        services.attachment_add(uploaded=SimpleUploadedFile("二.pdf", PDF), **add)

    assert refused.value.messages == ["每份申报最多上传1个附件，已上传1个。"]
    assert application.attachments.count() == 1


def test_attachment_add_rechecks_the_count_under_the_lock(monkeypatch):
    """Two uploads at once: both pass the unlocked inspection, the second is refused under the row lock."""
    application = ApplicationFactory(round=RoundFactory(max_files=1))
    add = dict(application=application, purpose=AttachmentPurpose.EVIDENCE, actor=application.created_by)
    real_inspect = services.inspect_upload
    racing = []

    def inspect_while_another_upload_lands(uploaded, **kwargs):
        inspected = real_inspect(uploaded, **kwargs)
        if not racing:
            racing.append(uploaded.name)
            services.attachment_add(uploaded=SimpleUploadedFile("抢先.pdf", PDF), **add)
        return inspected

    monkeypatch.setattr(services, "inspect_upload", inspect_while_another_upload_lands)
    before = set(default_storage.listdir("applications")[1]) if default_storage.exists("applications") else set()

    with pytest.raises(ValidationError) as refused:
        services.attachment_add(uploaded=SimpleUploadedFile("后到.pdf", PDF), **add)

    assert refused.value.messages == ["每份申报最多上传1个附件，已上传1个。"]
    assert list(application.attachments.values_list("original_name", flat=True)) == ["抢先.pdf"]
    assert len(set(default_storage.listdir("applications")[1]) - before) == 1


@pytest.mark.history
def test_attachment_delete_removes_row_and_file(django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    attachment = services.attachment_add(
        application=application,
        uploaded=SimpleUploadedFile("台账.pdf", PDF),
        purpose=AttachmentPurpose.EVIDENCE,
        actor=application.created_by,
    )
    stored, pk = attachment.file.name, attachment.pk

    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(attachment=attachment, actor=application.created_by)

    assert not Attachment.objects.filter(pk=pk).exists()
    assert not default_storage.exists(stored)
    record = Attachment.history.filter(id=pk).order_by("-history_date", "-history_id").first()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "-",
        application.created_by,
        "删除附件",
    )


def test_attachment_delete_refused_once_submitted(django_capture_on_commit_callbacks):
    attachment = AttachmentFactory(application=ApplicationFactory(status=S.SUBMITTED))

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError) as refused:
        services.attachment_delete(attachment=attachment, actor=attachment.uploaded_by)

    assert str(refused.value) == "申报已提交，不能再删除附件。"
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert default_storage.exists(attachment.file.name)


def test_return_reason_on_several_lines_still_sends_the_email(eager_celery, django_capture_on_commit_callbacks):
    # A short name puts the reason's line break inside the subject's first 40 characters.
    application = ApplicationFactory(status=S.SUBMITTED, institution_name="人社站", round=RoundFactory(name="首批"))
    deadline = timezone.localdate() + timedelta(days=5)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_return(
            application=application, actor=UserFactory(), reason="一、补充台账\n二、补充照片", deadline=deadline
        )

    assert len(mail.outbox) == 1
    subject = mail.outbox[0].subject
    assert "\n" not in subject
    assert subject == "【标杆评定】您的申报“人社站 · 首批”状态已变更为：退回补正。 退回原因：一、补充台账 二"
    assert "一、补充台账\n二、补充照片" in mail.outbox[0].body


def test_an_institution_outside_the_programmes_region_cannot_apply():
    round = RoundFactory(programme=ProgrammeFactory(region=RegionFactory(code="370321", name="桓台县")))
    applicant = ApplicantFactory(institution=InstitutionFactory())  # 高青县

    message = refusal(lambda: services.application_start(round=round, user=applicant))

    assert message == "本机构所在地区不属于桓台县，不能申报该评定项目。"


# --- priority claims (seed 000 四(二)5, issue 14) --------------------------------------------------------------------


def _claim(application, **fields):
    from datetime import date

    from applications.enums import PriorityKind
    from applications.models import PriorityItem

    values = {
        "kind": PriorityKind.HONOUR, "title": "县级优质服务窗口", "issuer": "县人社局", "issuer_level": "county",
        "issued_on": date(2025, 5, 1),
    }  # fmt: skip
    return PriorityItem.objects.create(application=application, **(values | fields))


def test_a_priority_claim_older_than_three_years_before_the_call_is_named_at_submission():
    from datetime import date

    from tests.portal.helpers import at

    application = ApplicationFactory(round__opens_at=at(2026, 3, 2, 9), round__closes_at=at(2026, 4, 30, 17, 30))
    _claim(application, issued_on=date(2023, 3, 2))  # exactly three years: 近3年内
    _claim(application, title="市级就业创业工作先进集体", issued_on=date(2023, 3, 1))

    problems = services.priority_problems(application)

    assert problems == [  # numbered by date, as the form lists the items
        "优先评定事项第1项（市级就业创业工作先进集体）的日期2023年3月1日不在近3年内（2023年3月2日以后），请删除或更正。"
    ]
    assert problems[0] in services.application_problems(application)


def test_a_promotion_award_gives_priority_only_to_a_commercial_hr_institution():
    from applications.enums import PriorityKind

    agency = ApplicationFactory(institution__kind=InstitutionKind.PUBLIC_AGENCY)
    company = ApplicationFactory(institution__kind=InstitutionKind.COMMERCIAL_HR)
    for application in (agency, company):
        _claim(application, kind=PriorityKind.PROMOTION_AWARD, title="促就业项目奖励")

    assert services.priority_problems(agency) == [
        "优先评定事项第1项：促就业项目奖励只适用于经营性人力资源服务机构，请删除或改选类别。"
    ]
    assert services.priority_problems(company) == []
