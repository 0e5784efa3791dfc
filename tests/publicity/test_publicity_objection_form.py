"""Filing an objection through the public form, its private status link and the receipt lookup."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.transitions import Refused
from publicity import services
from publicity.enums import ObjectionStatus, ObjectorType
from publicity.models import Objection
from tests.portal.helpers import visible_text
from tests.publicity.publicity_builders import (
    CONTACT_PERSON,
    EMAIL,
    FACTS,
    ID_NUMBER,
    NAME,
    PHONE_E164,
    at,
    file,
    form_data,
    identity,
    listed_round,
    pdf,
    png,
    publish,
)
from tests.worlds import module_world

pytestmark = pytest.mark.django_db


def build_listed():
    """An open notice of a programme that asks persons for their ID number; the clock stands on its second day."""
    listed = listed_round(names=("甲", "乙"), objection_requires_id_number=True)
    publish(listed, at(2026, 9, 28, 10))
    return listed


_listed, listed = module_world("listed", build_listed, built_at=at(2026, 9, 29, 15))


def new_url(listed) -> str:
    return reverse("publicity:objection_new", args=[listed.notice.pk])


def post(client, listed, **overrides):
    return client.post(new_url(listed), form_data(listed, **overrides))


def errors_of(response) -> str:
    return visible_text(response)


def test_form_shows_the_purpose_and_retention(client, listed, settings):
    settings.OBJECTION_RETENTION_DAYS = 90

    page = visible_text(client.get(new_url(listed)))

    assert "个人信息收集说明" in page
    assert "以便核实情况和答复" in page and "异议办结90日后，您的身份信息将被删除，办理结果保留。" in page
    assert "受理截止：2026年10月9日24时" in page


def test_filing_redirects_to_the_private_link_that_shows_the_receipt(client, listed, captcha_passes):
    response = client.post(new_url(listed), {**form_data(listed, rank=2), "evidence": [pdf(), png("现场照片.png")]})

    objection = Objection.objects.get()
    assert response.status_code == 302
    token = objection.token
    assert response["Location"] == f"/objections/{objection.receipt_number}/{token}/?new=1"
    assert re.fullmatch(r"YY20260929-[2-9A-HJ-NP-Z]{6}", objection.receipt_number)
    assert (objection.entry, objection.status, objection.objector_type) == (
        listed.entry(2),
        ObjectionStatus.RECEIVED,
        "person",
    )
    assert (objection.name, objection.phone, objection.id_number, objection.email) == (
        NAME,
        PHONE_E164,
        ID_NUMBER,
        EMAIL,
    )
    assert objection.facts == FACTS
    assert sorted(objection.evidence.values_list("original_name", "content_type")) == [
        ("现场照片.png", "image/png"),
        ("证据.pdf", "application/pdf"),
    ]

    receipt = client.get(response["Location"])
    page = visible_text(receipt)
    assert receipt.status_code == 200
    assert "异议已受理" in page and f"回执号： {objection.receipt_number}" in page
    assert f"http://127.0.0.1:8000/objections/{objection.receipt_number}/{token}/" in page
    assert "被异议机构 申报机构乙" in page and "证据材料 2个文件" in page and "办理状态 已受理" in page
    assert receipt["Referrer-Policy"] == "no-referrer"
    assert "no-store" in receipt["Cache-Control"] or "no-cache" in receipt["Cache-Control"]


def test_status_link_without_new_shows_no_receipt_box(client, listed):
    objection, token = file(listed, at(2026, 9, 29, 15))

    page = visible_text(client.get(reverse("publicity:objection_status", args=[objection.receipt_number, token])))

    assert "异议办理情况" in page and "异议已受理" not in page


def test_wrong_token_on_the_private_link_is_404(client, listed):
    objection, token = file(listed, at(2026, 9, 29, 15))

    assert (
        client.get(reverse("publicity:objection_status", args=[objection.receipt_number, token + "x"])).status_code
        == 404
    )
    assert client.get(reverse("publicity:objection_status", args=["YY20260929-ZZZZZZ", token])).status_code == 404


def test_non_ascii_token_is_404_not_a_500(client, listed):
    objection, _token = file(listed, at(2026, 9, 29, 15))

    assert client.get("/objections/YY20260929-ZZZZZZ/%E4%B8%AD%E6%96%87/").status_code == 404
    assert client.get(f"/objections/{objection.receipt_number}/%E4%B8%AD%E6%96%87/").status_code == 404


def test_lookup_with_a_non_ascii_code_is_refused_not_a_500(client, listed):
    response = client.post(
        reverse("publicity:objection_lookup"), {"receipt_number": "YY20260929-ZZZZZZ", "token": "查询码"}
    )

    assert response.status_code == 200
    assert "回执号或查询码不正确。" in visible_text(response)


def test_lookup_redirects_to_the_private_link(client, listed):
    objection, token = file(listed, at(2026, 9, 29, 15))
    url = reverse("publicity:objection_lookup")

    found = client.post(url, {"receipt_number": f" {objection.receipt_number.lower()} ", "token": f" {token} "})
    wrong = client.post(url, {"receipt_number": objection.receipt_number, "token": token[:-2]})

    assert found.status_code == 302
    assert found["Location"] == reverse("publicity:objection_status", args=[objection.receipt_number, token])
    assert wrong.status_code == 200 and "回执号或查询码不正确。" in visible_text(wrong)


def test_filing_after_closing_is_refused_with_the_closing_time(client, listed, captcha_passes, time_machine):
    time_machine.move_to(at(2026, 10, 10, 0, 0, 1), tick=False)

    shown = client.get(new_url(listed))
    posted = post(client, listed)

    for response in (shown, posted):
        assert response.status_code == 410
        assert "不再受理异议" in visible_text(response)
        assert "该公示的异议受理时间已于2026年10月9日24时截止，不再受理异议。" in visible_text(response)
    assert Objection.objects.count() == 0


def test_service_refuses_after_closing_with_the_closing_time(listed):
    with pytest.raises(Refused) as refused:
        file(listed, at(2026, 10, 10))

    assert str(refused.value) == "公示已于2026年10月9日24时结束，不再受理异议。"


def test_last_minute_of_the_period_is_accepted(listed):
    objection, _token = file(listed, at(2026, 10, 9, 23, 59, 59))

    assert objection.pk


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"name": ""}, "匿名异议不予受理，请填写真实姓名或单位名称。", id="no-name"),
        pytest.param({"phone": ""}, "这个字段是必填项。", id="no-phone"),
        pytest.param({"phone": "12345"}, "请输入有效的手机号码或带区号的固定电话号码", id="invalid-phone"),
        pytest.param({"phone": "6961359"}, "固定电话号码缺少区号", id="landline-without-area-code"),
        pytest.param({"id_number": ""}, "本项目规定个人提出异议须填写居民身份证号码。", id="id-required"),
        pytest.param(
            {"id_number": "110105194912310021"},
            "居民身份证号码校验位不正确，请核对后重新输入。",
            id="id-wrong-check-digit",
        ),
        pytest.param({"consent": None}, "请阅读说明并勾选同意，否则无法受理。", id="no-consent"),
        pytest.param({"captcha_1": "WRONG"}, "验证码不正确，请重新输入。", id="wrong-captcha"),
        pytest.param({"facts": "太短"}, "确保该变量至少包含 10 字符(目前字符数 2)。", id="facts-too-short"),
    ],
)
def test_invalid_filings_are_refused(client, listed, captcha_passes, overrides, message):
    response = post(client, listed, **overrides)

    assert response.status_code == 200
    assert message in errors_of(response)
    assert Objection.objects.count() == 0


def test_anonymous_identity_is_refused_by_the_service(listed):
    for fields in ({"name": "  "}, {"phone": ""}):
        with pytest.raises(Refused) as refused:
            file(listed, at(2026, 9, 29, 15), **fields)
        assert str(refused.value) == "请填写真实姓名（单位名称）和联系电话，匿名异议不予受理。"
    assert Objection.objects.count() == 0


def test_a_valid_id_number_is_accepted_and_kept_upper_case(client, listed, captcha_passes):
    response = post(client, listed, id_number=ID_NUMBER.lower())

    assert response.status_code == 302
    assert Objection.objects.get().id_number == ID_NUMBER


def test_id_number_is_not_collected_when_the_programme_does_not_require_it(client, captcha_passes, time_machine):
    time_machine.move_to(at(2026, 9, 29, 15), tick=False)
    listed = listed_round(names=("甲",))
    publish(listed, at(2026, 9, 28, 10))

    form = client.get(new_url(listed))
    response = post(client, listed)

    assert "居民身份证号码" not in visible_text(form)
    assert response.status_code == 302
    assert Objection.objects.get().id_number == ""


def test_organisation_needs_a_contact_person_and_its_seal(client, listed, captcha_passes):
    missing = post(client, listed, objector_type=ObjectorType.ORGANISATION, name="某某商会", id_number="")

    assert "单位提出异议须填写联系人。" in errors_of(missing)
    assert "单位提出异议须上传加盖公章的证明。" in errors_of(missing)
    assert Objection.objects.count() == 0

    data = form_data(listed, objector_type=ObjectorType.ORGANISATION, name="某某商会", contact_person=CONTACT_PERSON)
    response = client.post(new_url(listed), {**data, "seal": png()})

    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.objector_type, objection.name, objection.contact_person) == (
        "organisation",
        "某某商会",
        CONTACT_PERSON,
    )
    assert objection.id_number == ""  # an organisation's filing keeps no ID number
    assert objection.seal.name.startswith("objection-seals/") and "公章" not in objection.seal.name


def test_organisation_without_a_seal_is_refused_by_the_service(listed):
    with pytest.raises(Refused) as refused:
        file(listed, at(2026, 9, 29, 15), objector_type=ObjectorType.ORGANISATION, contact_person=CONTACT_PERSON)

    assert str(refused.value) == "单位提出异议须填写联系人并上传加盖公章的证明。"


def test_seal_must_really_be_an_image(client, listed, captcha_passes):
    data = form_data(listed, objector_type=ObjectorType.ORGANISATION, name="某某商会", contact_person=CONTACT_PERSON)
    fake = SimpleUploadedFile("公章.png", b"%PDF-1.4 not an image", content_type="image/png")

    response = client.post(new_url(listed), {**data, "seal": fake})

    assert response.status_code == 200
    assert "文件“公章.png”的内容与扩展名不符（扩展名为.png），请上传真实的文件。" in errors_of(response)
    assert Objection.objects.count() == 0


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        pytest.param(
            lambda: SimpleUploadedFile("证据.pdf", "这其实是一段文字。".encode(), content_type="application/pdf"),
            "文件“证据.pdf”的内容与扩展名不符（扩展名为.pdf），请上传真实的文件。",
            id="text-as-pdf",
        ),
        pytest.param(
            lambda: SimpleUploadedFile("证据.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
            "只能上传",
            id="exe",
        ),
    ],
)
def test_evidence_is_checked_by_content(client, listed, captcha_passes, upload, message):
    response = client.post(new_url(listed), {**form_data(listed), "evidence": [upload()]})

    assert response.status_code == 200
    assert message in errors_of(response)
    assert Objection.objects.count() == 0


def test_at_most_five_evidence_files(client, listed, captcha_passes):
    response = client.post(new_url(listed), {**form_data(listed), "evidence": [pdf(f"证据{i}.pdf") for i in range(6)]})

    assert response.status_code == 200
    assert "证据材料最多5个文件。" in errors_of(response)
    assert Objection.objects.count() == 0


def test_objection_against_an_entry_of_another_notice_is_refused(client, listed, captcha_passes):
    other = listed_round(names=("丙",))
    publish(other, at(2026, 9, 28, 10))

    response = post(client, listed, entry=str(other.entry(1).pk))

    assert "所选机构不在本公示名单中。" in errors_of(response)
    with pytest.raises(Refused):
        services.objection_file(
            notice=listed.notice, entry=other.entry(1), identity=identity(), facts=FACTS, now=at(2026, 9, 29, 15)
        )
    assert Objection.objects.count() == 0


def test_more_filings_per_hour_than_the_setting_from_one_address_are_429(client, listed, captcha_passes, settings):
    settings.OBJECTION_RATE_PER_HOUR = 2

    statuses = [post(client, listed).status_code for _ in range(3)]
    other_address = client.post(new_url(listed), form_data(listed), REMOTE_ADDR="10.1.2.3")

    assert statuses == [302, 302, 429]
    assert "同一网络一小时内最多提交2件异议，请稍后再试。" in visible_text(post(client, listed))
    assert other_address.status_code == 302
    assert Objection.objects.count() == 3


def test_the_limit_counts_per_hour(client, listed, captcha_passes, settings, time_machine):
    settings.OBJECTION_RATE_PER_HOUR = 1
    assert post(client, listed).status_code == 302
    assert post(client, listed).status_code == 429

    time_machine.move_to(at(2026, 9, 29, 16, 5), tick=False)

    assert post(client, listed).status_code == 302
