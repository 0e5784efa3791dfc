"""The applicant's pages: the call, registration, start, the annex 2 form, uploads, submit and withdraw."""

import html
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from stdnum.cn.uscc import calc_check_digit

from applications import services
from applications.conditions import conditions_install_default
from applications.enums import ApplicationStatus as S
from applications.enums import AttachmentPurpose, ConditionSection, SelfCheck
from applications.forms import RegistrationForm
from applications.models import Application, Condition
from applications.uploads import MB
from portal import services as portal_services
from portal.display import cn_date
from portal.enums import InstitutionKind, InstitutionStatus, Role
from portal.models import Institution, Notification, User
from tests.applications.factories import (
    PDF,
    PNG,
    ApplicationFactory,
    AttachmentFactory,
    AwardFactory,
    make_complete,
)
from tests.factories import ApplicantFactory, RegionFactory, RoundFactory, UserFactory, next_uscc
from tests.portal.helpers import queued_messages as messages_of
from tests.portal.helpers import visible_text

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(64) + b"This program cannot be run in DOS mode."
FORM_FIELDS = [
    "institution_name",
    "institution_address",
    "principal_name",
    "principal_title",
    "principal_phone",
    "contact_name",
    "contact_phone",
    "contact_email",
    "work_record",
]


def edit_url(application) -> str:
    return reverse("applications:edit", args=[application.pk])


def edit_data(application, *, answers=None, **overrides) -> dict:
    """The POST of the edit form as a browser sends it: every field, every self-check, an empty priority formset."""
    data = {field: getattr(application, field) or "" for field in FORM_FIELDS}
    if application.commitment_accepted:
        data["commitment_accepted"] = "on"
    if application.commitment_date:
        data["commitment_date"] = application.commitment_date.isoformat()
    kind = application.institution.kind
    for condition in Condition.objects.filter(programme=application.round.programme):
        if condition.applies_to(kind):
            data[f"c{condition.pk}-answer"] = (answers or {}).get(condition.pk, SelfCheck.MET)
        data[f"c{condition.pk}-statement"] = "本机构符合该条件。"
    data |= {"priority-TOTAL_FORMS": "0", "priority-INITIAL_FORMS": "0", "action": "save"}
    data.update(overrides)
    return data


@pytest.fixture
def draft():
    """A fresh draft of a commercial HR institution in an open round with the default conditions."""
    application = ApplicationFactory()
    conditions_install_default(application.round.programme)
    return application


# --- the call (public) -------------------------------------------------------------------------------


def test_call_page_is_public_and_shows_window_conditions_and_quota(client):
    round = RoundFactory(quota=2, contact_name="王老师", contact_phone="0533-6961359")
    conditions_install_default(round.programme)

    response = client.get(reverse("applications:call", args=[round.pk]))

    assert response.status_code == 200
    page = visible_text(response)
    assert f"{round.programme.name} · 2026年度申报通知" in page
    assert "本批次名额 2家（“十五五”时期共5家）" in page
    assert "申报中" in page
    assert "基本条件" in page and "本级评定条件" in page
    assert "稳就业保就业作用发挥显著，受到县级以上（含县级）表彰或肯定。" in page
    assert "仅适用于：公共就业服务机构" in page
    assert "优先评定" in page
    assert "王老师 0533-6961359" in page
    assert reverse("applications:register") in response.content.decode()


def test_call_page_offers_the_start_button_to_an_applicant(login):
    round = RoundFactory()
    client = login(ApplicantFactory())

    response = client.get(reverse("applications:call", args=[round.pk]))

    assert response.status_code == 200
    assert reverse("applications:start", args=[round.pk]) in response.content.decode()
    assert "开始填写申报表" in visible_text(response)


def test_call_page_of_a_closed_round_says_so(client):
    now = timezone.now()
    round = RoundFactory(opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1))

    response = client.get(reverse("applications:call", args=[round.pk]))

    assert response.status_code == 200
    assert "当前不在申报时间内。" in visible_text(response)
    assert reverse("applications:start", args=[round.pk]) not in response.content.decode()


def test_call_page_of_an_unknown_round_is_404(client):
    response = client.get(reverse("applications:call", args=[999999]))

    assert response.status_code == 404


# --- registration (public) ---------------------------------------------------------------------------


def registration_data(**overrides) -> dict:
    data = {
        "name": "高青县鲁中人力资源服务有限公司",
        "uscc": next_uscc(),
        "kind": InstitutionKind.COMMERCIAL_HR,
        "region": RegionFactory().pk,
        "address": "高青县芦湖街道青城路1号",
        "principal_name": "赵经理",
        "contact_name": "钱联系",
        "contact_phone": "0533-6961359",
        "contact_email": "hr@example.cn",
        "username": "luzhong_hr",
        "full_name": "孙经办",
        "email": "sun@example.cn",
        "password1": "Gaoqing-2026!",
        "password2": "Gaoqing-2026!",
    }
    data.update(overrides)
    return data


def test_register_page_is_public(client):
    response = client.get(reverse("applications:register"))

    assert response.status_code == 200
    assert "机构登记" in visible_text(response)


def test_register_creates_a_pending_institution_logs_in_and_tells_the_admins(client):
    round = RoundFactory()
    admin = UserFactory()
    portal_services.programme_admin_grant(programme=round.programme, user=admin)
    data = registration_data()

    response = client.post(reverse("applications:register"), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    institution = Institution.objects.get(uscc=data["uscc"])
    assert (institution.name, institution.status) == (data["name"], InstitutionStatus.PENDING)
    user = User.objects.get(username="luzhong_hr")
    assert (user.role, user.institution, user.must_change_password) == (Role.APPLICANT, institution, False)
    assert user.check_password("Gaoqing-2026!")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert messages_of(response) == ["登记成功。管理员核验机构信息后您将收到通知，届时即可申报。"]
    assert list(Notification.objects.values_list("user", "text")) == [
        (admin.pk, "新机构登记待核验：高青县鲁中人力资源服务有限公司")
    ]
    assert client.get(reverse("home")).status_code == 200


def test_register_normalises_a_uscc_typed_with_separators_lowercase_and_full_width(client):
    uscc = next_uscc()
    full_width_tail = "".join(chr(ord(c) + 0xFEE0) for c in uscc[14:])
    typed = f"{uscc[:4]} {uscc[4:8]}-{uscc[8:14].lower()}{full_width_tail}"

    client.post(reverse("applications:register"), registration_data(uscc=typed))

    assert Institution.objects.filter(uscc=uscc).count() == 1


def test_register_invalid_uscc_shows_chinese_error_and_keeps_typed_values(client):
    valid = next_uscc()
    wrong_check = valid[:17] + ("0" if valid[17] != "0" else "1")
    data = registration_data(uscc=wrong_check)

    response = client.post(reverse("applications:register"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["uscc"] == ["统一社会信用代码校验位不正确，请核对后重新输入。"]
    body = html.unescape(response.content.decode())
    assert f'value="{wrong_check}"' in body
    assert 'value="高青县鲁中人力资源服务有限公司"' in body
    assert 'value="luzhong_hr"' in body
    assert 'value="0533-6961359"' in body
    assert not Institution.objects.filter(name=data["name"]).exists()
    assert "_auth_user_id" not in client.session


def test_register_uscc_with_a_forbidden_letter_names_the_position(client):
    response = client.post(reverse("applications:register"), registration_data(uscc="91370322MA0000001I"))

    assert response.status_code == 200
    assert response.context["form"].errors["uscc"] == [
        "统一社会信用代码第18位含有非法字符“I”：只能使用数字和大写英文字母，且不使用 I、O、Z、S、V。"
    ]


def test_register_accepts_a_village_collective_uscc(client):
    body = "N2370322MA0000001"
    uscc = body + calc_check_digit(body)

    response = client.post(reverse("applications:register"), registration_data(uscc=uscc))

    assert response.status_code == 302
    assert Institution.objects.filter(uscc=uscc).exists()


def test_register_duplicate_username_is_refused(client):
    ApplicantFactory(username="Luzhong_HR")

    response = client.post(reverse("applications:register"), registration_data())

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["该用户名已被使用，请换一个。"]
    assert Institution.objects.filter(name="高青县鲁中人力资源服务有限公司").count() == 0


def test_register_duplicate_uscc_is_refused(client):
    existing = ApplicantFactory().institution

    response = client.post(reverse("applications:register"), registration_data(uscc=existing.uscc))

    assert response.status_code == 200
    assert response.context["form"].errors["uscc"] == ["该统一社会信用代码已登记。如需加入该机构，请联系管理员。"]
    assert not User.objects.filter(username="luzhong_hr").exists()


def test_register_sent_twice_at_once_names_what_the_first_took():
    """Both passed the form's checks before either was saved (a double click): the second is told, not a 500."""
    data = registration_data()
    first, second = RegistrationForm(data), RegistrationForm(data)
    assert first.is_valid() and second.is_valid()
    portal_services.institution_register(form=first)

    with pytest.raises(ValidationError) as refused:
        portal_services.institution_register(form=second)

    assert refused.value.message_dict == {
        "uscc": ["该统一社会信用代码已登记。如需加入该机构，请联系管理员。"],
        "username": ["该用户名已被使用，请换一个。"],
    }
    assert (Institution.objects.filter(uscc=data["uscc"]).count(), User.objects.filter(username="luzhong_hr").count()) == (1, 1)


def test_register_mismatched_passwords_are_refused(client):
    response = client.post(reverse("applications:register"), registration_data(password2="Other-pass-2026"))

    assert response.status_code == 200
    assert response.context["form"].errors["password2"] == ["两次输入的密码不一致。"]


@pytest.mark.parametrize(
    ("field", "value", "password", "detail"),
    [
        ("email", "sunjingban2026@example.cn", "Sunjingban2026!", "邮箱"),
        ("username", "luzhong_hr", "Luzhong_hr1", "用户名"),
    ],
)
def test_register_password_like_the_accounts_details_names_the_detail_in_the_forms_words(
    client, field, value, password, detail
):
    data = registration_data(**{field: value, "password1": password, "password2": password})

    response = client.post(reverse("applications:register"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["password1"] == [f"密码与{detail}过于相似，请换一个。"]


def test_register_signed_in_user_is_sent_home(login):
    client = login(ApplicantFactory())

    response = client.get(reverse("applications:register"))

    assert (response.status_code, response["Location"]) == (302, reverse("home"))


# --- start -------------------------------------------------------------------------------------------


def test_start_creates_a_draft_and_opens_the_form(login):
    round = RoundFactory()
    applicant = ApplicantFactory()
    client = login(applicant)

    response = client.post(reverse("applications:start", args=[round.pk]))

    application = Application.objects.get(round=round, institution=applicant.institution)
    assert (response.status_code, response["Location"]) == (302, edit_url(application))
    assert application.status == S.DRAFT
    assert messages_of(response) == ["已创建申报草稿。可随时保存，提交前请完整填写。"]


def test_start_again_opens_the_draft_a_colleague_started(login):
    draft = ApplicationFactory()
    client = login(ApplicantFactory(institution=draft.institution))

    response = client.post(reverse("applications:start", args=[draft.round.pk]))

    assert (response.status_code, response["Location"]) == (302, edit_url(draft))
    assert messages_of(response) == ["本机构已在该批次创建了申报（一个批次只能申报一次），已为您打开。"]
    assert Application.objects.count() == 1


def test_start_again_after_submitting_shows_the_application(login):
    submitted = ApplicationFactory(status=S.SUBMITTED)
    client = login(submitted.created_by)

    response = client.post(reverse("applications:start", args=[submitted.round.pk]))

    assert (response.status_code, response["Location"]) == (302, submitted.get_absolute_url())
    assert messages_of(response) == ["本机构已在该批次提交过申报（一个批次只能申报一次）。"]
    assert Application.objects.count() == 1


def test_start_refused_for_an_awarded_institution_explains_on_the_call_page(login):
    round = RoundFactory()
    applicant = ApplicantFactory()
    AwardFactory(programme=round.programme, institution=applicant.institution, plaque_number="GQ-2026-009")
    client = login(applicant)

    response = client.post(reverse("applications:start", args=[round.pk]), follow=True)

    assert response.redirect_chain == [(reverse("applications:call", args=[round.pk]), 302)]
    assert "（奖牌编号GQ-2026-009），本周期内不能重复申报。" in visible_text(response)
    assert Application.objects.count() == 0


def test_start_get_is_not_allowed(login):
    client = login(ApplicantFactory())

    response = client.get(reverse("applications:start", args=[RoundFactory().pk]))

    assert response.status_code == 405


def test_start_anonymous_is_sent_to_login(client):
    url = reverse("applications:start", args=[RoundFactory().pk])

    response = client.post(url)

    assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={url}")
    assert Application.objects.count() == 0


# --- edit and save draft -----------------------------------------------------------------------------


def test_edit_shows_the_prefilled_form_and_marks_county_condition_1_not_applicable(login, draft):
    client = login(draft.created_by)

    response = client.get(edit_url(draft))

    assert response.status_code == 200
    assert response.context["form"]["institution_name"].value() == draft.institution.name
    page = visible_text(response)
    assert "本条仅适用于公共就业服务机构，其他机构不作要求，自动记为“不适用”。" in page
    assert "本条为优先评定条款，不是必备条件" in page
    assert "请上传加盖公章或签字的承诺页图片。" in page


def test_edit_page_reads_in_the_order_of_the_work(login, draft):
    """Issue 13: the commitment once, its checkbox before it; the empty optional 优先评定 row without asterisks; the
    save and submit buttons after the attachments, where the required seal page is uploaded, with what is missing."""
    response = login(draft.created_by).get(edit_url(draft))
    content = response.content.decode()
    page = visible_text(response)

    assert page.count("本机构全部申报情况属实，如有不实，由本机构承担全部责任。") == 1
    checkbox = content.index('name="commitment_accepted"')
    assert checkbox < content.index("本机构全部申报情况属实")
    priority = content[content.index("<legend>四、优先评定事项"):content.index("<legend>五、申报机构承诺")]
    assert "field--required" not in priority and 'class="required"' not in priority
    attachments, submit = content.index('id="attachments"'), content.index('name="action" value="submit"')
    assert attachments < content.index("提交前还需完成") < submit
    assert 'form="application-form" name="action" value="submit"' in content
    assert f"还有 {len(response.context['problems'])} 项未完成" in page


def test_a_started_priority_row_marks_its_required_fields_again(login, draft):
    client = login(draft.created_by)
    data = edit_data(draft, **{"priority-TOTAL_FORMS": "1", "priority-0-title": "县级优质服务窗口"})

    response = client.post(edit_url(draft), data)

    priority = response.content.decode()
    priority = priority[priority.index("<legend>四、优先评定事项"):priority.index("<legend>五、申报机构承诺")]
    assert response.status_code == 200
    assert priority.count('class="required"') == 5  # 类别, 名称, 授予/批示单位, 级别, 日期


@pytest.mark.history
def test_edit_save_draft_stores_fields_answers_and_not_applicable(login, draft):
    client = login(draft.created_by)
    data = edit_data(draft, work_record="第一段\r\n第二段", principal_title="总经理", commitment_accepted="on")

    response = client.post(edit_url(draft), data)

    assert (response.status_code, response["Location"]) == (302, edit_url(draft))
    assert messages_of(response) == ["草稿已保存。"]
    draft.refresh_from_db()
    assert (draft.status, draft.work_record, draft.principal_title, draft.commitment_accepted) == (
        S.DRAFT,
        "第一段\r\n第二段",
        "总经理",
        True,
    )
    answers = {(a.condition.section, a.condition.number): a.answer for a in draft.condition_answers.all()}
    assert answers[(ConditionSection.LEVEL, 1)] == SelfCheck.NOT_APPLICABLE
    assert answers[(ConditionSection.BASIC, 1)] == SelfCheck.MET
    assert len(answers) == 11
    assert draft.history.order_by("-history_date", "-history_id").first().history_change_reason == "保存草稿"


def test_edit_1001_characters_is_refused_and_the_text_kept(login, draft):
    client = login(draft.created_by)
    text = "就" * 1000 + "A"

    response = client.post(edit_url(draft), edit_data(draft, work_record=text))

    assert response.status_code == 200
    assert response.context["form"].errors["work_record"] == ["工作情况不能超过1000字，当前为1001字，请删减1字。"]
    body = response.content.decode()
    assert f">\n{text}</textarea>" in body
    page = visible_text(response)
    assert "工作情况：工作情况不能超过1000字，当前为1001字，请删减1字。" in page
    assert "内容未保存：请按提示修改标出的内容，您填写的内容仍在表单中。" in page
    draft.refresh_from_db()
    assert draft.work_record == ""


def test_edit_1000_characters_with_line_breaks_is_saved(login, draft):
    client = login(draft.created_by)
    text = ("一二三四五六七八九\r\n" * 100)[:-2] + "十"  # 100 CRLFs counted as one each, minus the last: 1,000

    response = client.post(edit_url(draft), edit_data(draft, work_record=text))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.work_record == text


def test_edit_of_another_institution_is_404(login, draft):
    client = login(ApplicantFactory())

    get = client.get(edit_url(draft))
    post = client.post(edit_url(draft), edit_data(draft, institution_name="篡改"))

    assert (get.status_code, post.status_code) == (404, 404)
    draft.refresh_from_db()
    assert draft.institution_name == draft.institution.name


def test_edit_anonymous_is_sent_to_login(client, draft):
    response = client.get(edit_url(draft))

    assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={edit_url(draft)}")


# --- uploads -----------------------------------------------------------------------------------------


def upload(client, application, *files, purpose=AttachmentPurpose.EVIDENCE):
    return client.post(
        reverse("applications:upload", args=[application.pk]), {"purpose": purpose, "condition": "", "files": list(files)}
    )


def test_upload_stores_files_and_returns_to_the_attachments(login, draft):
    client = login(draft.created_by)

    response = upload(client, draft, SimpleUploadedFile("服务台账.pdf", PDF), SimpleUploadedFile("照片.png", PNG))

    assert (response.status_code, response["Location"]) == (302, f"/applications/{draft.pk}/edit/#attachments")
    assert messages_of(response) == ["已上传2个文件。"]
    assert sorted(draft.attachments.values_list("original_name", "content_type")) == [
        ("服务台账.pdf", "application/pdf"),
        ("照片.png", "image/png"),
    ]


def test_upload_of_an_exe_renamed_pdf_is_refused_and_nothing_is_lost(login, draft):
    draft.work_record = "已保存的工作情况"
    draft.save()
    kept = AttachmentFactory(application=draft)
    client = login(draft.created_by)

    response = upload(client, draft, SimpleUploadedFile("setup.pdf", EXE), SimpleUploadedFile("台账.pdf", PDF))

    assert messages_of(response) == [
        "文件“setup.pdf”的内容与扩展名不符（扩展名为.pdf），请上传真实的文件。",
        "已上传1个文件。",
    ]
    assert sorted(draft.attachments.values_list("original_name", flat=True)) == sorted([kept.original_name, "台账.pdf"])
    page = client.get(edit_url(draft))
    assert page.context["form"]["work_record"].value() == "已保存的工作情况"


def test_upload_over_the_size_limit_names_the_limit_in_mb(login):
    application = ApplicationFactory(round=RoundFactory(max_file_mb=1))
    client = login(application.created_by)

    response = upload(client, application, SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4\n" + bytes(MB)))

    assert messages_of(response) == ["文件“扫描件.pdf”大小为1.1 MB，超过单个文件1MB的上限。"]
    assert application.attachments.count() == 0


def test_upload_without_a_file_says_so(login, draft):
    client = login(draft.created_by)

    response = upload(client, draft)

    assert messages_of(response) == ["请选择要上传的文件。"]


def test_upload_seal_must_be_an_image(login, draft):
    client = login(draft.created_by)

    response = upload(client, draft, SimpleUploadedFile("盖章页.pdf", PDF), purpose=AttachmentPurpose.SEAL)

    assert messages_of(response) == ["只能上传 JPG、PNG 格式的文件。"]
    assert draft.attachments.count() == 0


def test_upload_get_is_not_allowed(login, draft):
    client = login(draft.created_by)

    response = client.get(reverse("applications:upload", args=[draft.pk]))

    assert response.status_code == 405


def test_upload_to_another_institution_is_404(login, draft):
    client = login(ApplicantFactory())

    response = upload(client, draft, SimpleUploadedFile("台账.pdf", PDF))

    assert response.status_code == 404
    assert draft.attachments.count() == 0


def test_attachment_delete_view_removes_the_file(login, draft, django_capture_on_commit_callbacks):
    attachment = AttachmentFactory(application=draft, original_name="旧台账.png")
    client = login(draft.created_by)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:attachment_delete", args=[draft.pk, attachment.pk]))

    assert response.status_code == 302
    assert messages_of(response) == ["已删除附件“旧台账.png”。"]
    assert draft.attachments.count() == 0


def test_attachment_delete_get_is_not_allowed(login, draft):
    attachment = AttachmentFactory(application=draft)
    client = login(draft.created_by)

    response = client.get(reverse("applications:attachment_delete", args=[draft.pk, attachment.pk]))

    assert response.status_code == 405
    assert draft.attachments.count() == 1


def test_attachment_delete_of_another_institution_is_404(login, draft):
    attachment = AttachmentFactory(application=draft)
    client = login(ApplicantFactory())

    response = client.post(reverse("applications:attachment_delete", args=[draft.pk, attachment.pk]))

    assert response.status_code == 404
    assert draft.attachments.count() == 1


# --- submit, locked, withdraw ------------------------------------------------------------------------


@pytest.mark.history
def test_full_flow_start_save_upload_submit_lock_withdraw(login):
    round = RoundFactory()
    conditions_install_default(round.programme)
    applicant = ApplicantFactory()
    client = login(applicant)
    client.post(reverse("applications:start", args=[round.pk]))
    application = Application.objects.get(institution=applicant.institution)
    today = timezone.localdate().isoformat()
    client.post(
        edit_url(application),
        edit_data(application, work_record="本机构工作情况。", commitment_accepted="on", commitment_date=today),
    )
    upload(client, application, SimpleUploadedFile("盖章页.png", PNG), purpose=AttachmentPurpose.SEAL)
    application.refresh_from_db()

    submitted = client.post(edit_url(application), edit_data(application, action="submit"))

    assert (submitted.status_code, submitted["Location"]) == (302, application.get_absolute_url())
    assert messages_of(submitted) == ["申报已提交。管理员受理前您可以撤回；提交后表单已锁定。"]
    application.refresh_from_db()
    assert application.status == S.SUBMITTED

    locked_get = client.get(edit_url(application))
    assert (locked_get.status_code, locked_get["Location"]) == (302, application.get_absolute_url())
    assert messages_of(locked_get) == ["申报已提交，当前不能修改。"]
    locked_post = client.post(edit_url(application), edit_data(application, work_record="提交后偷偷修改"))
    assert locked_post.status_code == 302
    application.refresh_from_db()
    assert application.work_record == "本机构工作情况。"
    locked_upload = upload(client, application, SimpleUploadedFile("补充.pdf", PDF))
    assert messages_of(locked_upload) == ["申报已提交，不能再上传附件。"]

    withdrawn = client.post(reverse("applications:withdraw", args=[application.pk]))

    assert messages_of(withdrawn) == ["申报已撤回。"]
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    statuses = list(application.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses[0] == S.DRAFT and statuses[-2:] == [S.SUBMITTED, S.WITHDRAWN]
    assert {record.history_user for record in application.history.all()} == {applicant}


def test_submit_of_an_incomplete_draft_saves_it_and_lists_the_problems(login, draft):
    client = login(draft.created_by)

    response = client.post(edit_url(draft), edit_data(draft, work_record="写了一半", action="submit"))

    assert (response.status_code, response["Location"]) == (302, edit_url(draft))
    assert messages_of(response) == [
        "申报信息不完整：请阅读并勾选申报机构承诺。；请填写承诺日期。；请上传加盖公章或签字的承诺页图片。"
    ]
    draft.refresh_from_db()
    assert (draft.status, draft.work_record) == (S.DRAFT, "写了一半")


def test_submit_after_the_deadline_is_refused_with_the_deadline(login):
    now = timezone.now()
    round = RoundFactory(opens_at=now - timedelta(days=30), closes_at=now - timedelta(minutes=5))
    application = make_complete(ApplicationFactory(round=round))
    client = login(application.created_by)

    response = client.post(edit_url(application), edit_data(application, action="submit"))

    closes = timezone.localtime(round.closes_at)
    assert messages_of(response) == [f"申报已于{cn_date(closes)} {closes:%H:%M}（北京时间）截止，不能提交。"]
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_resubmit_of_a_returned_application_through_the_form(login):
    application = make_complete(ApplicationFactory(status=S.RETURNED, return_deadline=timezone.localdate()))
    client = login(application.created_by)

    page = client.get(edit_url(application))
    response = client.post(edit_url(application), edit_data(application, work_record="补正后的工作情况", action="submit"))

    assert "重新提交" in visible_text(page)
    assert (response.status_code, response["Location"]) == (302, application.get_absolute_url())
    application.refresh_from_db()
    assert (application.status, application.work_record) == (S.RESUBMITTED, "补正后的工作情况")


def test_withdraw_of_an_accepted_application_is_refused(login):
    application = ApplicationFactory(status=S.ACCEPTED)
    client = login(application.created_by)

    response = client.post(reverse("applications:withdraw", args=[application.pk]))

    assert (response.status_code, response["Location"]) == (302, application.get_absolute_url())
    assert messages_of(response) == ["当前状态为“已受理”，不能变更为“已撤回”。"]
    application.refresh_from_db()
    assert application.status == S.ACCEPTED


def test_withdraw_get_is_not_allowed(login):
    application = ApplicationFactory(status=S.SUBMITTED)
    client = login(application.created_by)

    response = client.get(reverse("applications:withdraw", args=[application.pk]))

    assert response.status_code == 405


def test_withdraw_by_another_institution_is_404(login):
    application = ApplicationFactory(status=S.SUBMITTED)
    client = login(ApplicantFactory())

    response = client.post(reverse("applications:withdraw", args=[application.pk]))

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


@pytest.mark.history
def test_detail_shows_the_owner_the_history_and_the_return_reason(login):
    application = ApplicationFactory(status=S.SUBMITTED)
    admin = UserFactory(full_name="周管理")
    portal_services.programme_admin_grant(programme=application.round.programme, user=admin)
    deadline = timezone.localdate() + timedelta(days=5)
    services.application_return(application=application, actor=admin, reason="请补充台账", deadline=deadline)
    client = login(application.created_by)

    response = client.get(application.get_absolute_url())

    assert response.status_code == 200
    page = visible_text(response)
    assert f"退回补正： 请补充台账（补正截止 {deadline.year}年{deadline.month}月{deadline.day}日）" in page
    assert "周管理 退回补正 退回原因：请补充台账" in page
    assert "受理意见（可选）" not in page  # the decision forms are the admin's


# --- no input makes a 500 (docs/security.md 12) ------------------------------------------------------------

REGISTRATION_FIELDS = [
    "name", "uscc", "kind", "region", "address", "principal_name", "contact_name", "contact_phone",
    "contact_email", "username", "full_name", "email", "password1", "password2",
]
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
FUZZ = hyp_settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.dictionaries(st.sampled_from(REGISTRATION_FIELDS), ANY_TEXT))
def test_register_never_answers_500(client, data):
    response = client.post(reverse("applications:register"), data)

    assert response.status_code in (200, 302)


@hyp_settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.fixed_dictionaries({field: ANY_TEXT for field in FORM_FIELDS + ["commitment_date", "action"]}))
def test_edit_never_answers_500(login, draft, values):
    client = login(draft.created_by)

    response = client.post(edit_url(draft), edit_data(draft, **values))

    assert response.status_code in (200, 302)
