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


# --- Issue 13: the form on a phone, the CAPTCHA, the short query code -------------------------------------------


def field_tag(page: str, name: str) -> str:
    """The <input …> tag of the field named `name` in the page's HTML."""
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)


def test_organisation_fields_are_marked_for_the_script_and_all_shown_without_it(client, listed):
    response = client.get(new_url(listed))
    page = response.content.decode()

    assert 'data-objector-only="organisation"' in field_tag(page, "contact_person")
    assert 'data-objector-only="organisation"' in field_tag(page, "seal")
    assert 'data-objector-only="person"' in field_tag(page, "id_number")
    assert "data-objector-only" not in field_tag(page, "name") + field_tag(page, "phone")
    assert "data-objection-form" in page and "/static/js/objection.js" in page and "/static/css/objection.css" in page
    # Without JavaScript nothing is hidden or disabled: every field is in the page for everyone.
    for tag in (field_tag(page, name) for name in ("contact_person", "seal", "id_number")):
        assert " hidden" not in tag and "disabled" not in tag
    assert all(label in visible_text(response) for label in ("单位联系人", "加盖公章的证明", "居民身份证号码"))


def test_a_person_filing_without_the_hidden_organisation_fields_is_accepted(client, listed, captcha_passes):
    """What the script sends for a person: the organisation's fields disabled, so absent from the POST."""
    data = form_data(listed)
    assert "contact_person" not in data and "seal" not in data

    assert post(client, listed).status_code == 302
    assert (Objection.objects.get().contact_person, Objection.objects.get().seal.name) == ("", "")


def test_an_organisation_filing_without_the_hidden_id_number_is_accepted(client, listed, captcha_passes):
    data = form_data(listed, objector_type=ObjectorType.ORGANISATION, name="某某商会", contact_person=CONTACT_PERSON)
    del data["id_number"]

    response = client.post(new_url(listed), {**data, "seal": png()})

    assert response.status_code == 302
    assert Objection.objects.get().id_number == ""


def test_captcha_is_shown_larger_with_a_refresh_button_and_the_way_without_it(client, listed):
    response = client.get(new_url(listed))
    page = response.content.decode()

    image = re.search(r'<img[^>]*data-captcha-image[^>]*>', page).group(0)
    assert 'width="240"' in image and 'height="80"' in image and 'alt="验证码图片"' in image
    assert f'data-refresh-url="{reverse("captcha-refresh")}"' in page
    button = re.search(r"<button[^>]*data-captcha-refresh[^>]*>([^<]*)</button>", page)
    assert button.group(1) == "看不清，换一张" and " hidden" in button.group(0)  # shown by objection.js only
    assert "收听语音验证码" not in page  # no flite here (CAPTCHA_FLITE_PATH unset)
    help_text = "无法识别验证码的（如视力障碍），可通过本公示公布的联系方式以电话、信函或当面提出异议，同样受理：县评定工作办公室，电话：0533-6961000"
    assert help_text in visible_text(response)


def test_captcha_offers_audio_when_flite_is_configured(client, listed, monkeypatch):
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_FLITE_PATH", "/usr/bin/flite")

    page = client.get(new_url(listed)).content.decode()

    assert re.search(r'<a href="/captcha/audio/\w+\.wav" class="captcha-box__audio" data-captcha-audio>收听语音验证码</a>', page)


def test_captcha_refresh_gives_a_new_challenge_and_the_form_accepts_it(client, listed):
    from captcha.models import CaptchaStore

    form_page = client.get(new_url(listed)).content.decode()
    old_key = re.search(r'name="captcha_0" value="(\w+)"', form_page).group(1)

    refreshed = client.get(reverse("captcha-refresh"), headers={"x-requested-with": "XMLHttpRequest"})

    assert refreshed.status_code == 200
    new = refreshed.json()
    assert new["key"] != old_key and new["image_url"] == reverse("captcha-image", args=[new["key"]])
    answer = CaptchaStore.objects.get(hashkey=new["key"]).response
    response = post(client, listed, captcha_0=new["key"], captcha_1=answer.upper())
    assert response.status_code == 302


def test_receipt_shows_the_short_query_code_and_copy_buttons(client, listed, captcha_passes):
    response = client.get(post(client, listed)["Location"])
    objection = Objection.objects.get()
    page = visible_text(response)
    html = response.content.decode()

    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", objection.query_code)
    assert f"回执号： {objection.receipt_number}" in page and f"查询码： {objection.query_code}" in page
    assert "凭回执号和查询码，可在本门户“查询异议办理结果”页面查看办理进度和答复" in page
    assert "查询网址：http://127.0.0.1:8000/objections/lookup/" in page  # printed; shown on paper only
    copy = f'data-copy-text="回执号：{objection.receipt_number}，查询码：{objection.query_code}"'
    assert copy in html and f'data-copy-text="http://127.0.0.1:8000/objections/{objection.receipt_number}/' in html
    assert "复制回执号和查询码" in page and "复制私密链接" in page
    assert html.count("data-copy-group hidden") == 2  # buttons only with the script; the text is there to copy by hand
    assert "/static/js/objection.js" in html


def test_status_page_without_new_does_not_repeat_the_query_code(client, listed):
    objection, token = file(listed, at(2026, 9, 29, 15))

    page = visible_text(client.get(reverse("publicity:objection_status", args=[objection.receipt_number, token])))

    assert objection.query_code not in page


def test_query_code_is_derived_from_the_secret_one_way():
    from publicity.models import query_code_display, query_code_normalized, query_code_of

    codes = {query_code_of(f"token-{n}") for n in range(2000)}

    assert len(codes) == 2000  # 40 bits: no two of these alike
    assert all(re.fullmatch(r"[2-9A-HJ-NP-Z]{8}", code) for code in codes)
    assert query_code_of("abc") == query_code_of("abc") != query_code_of("abC")
    assert query_code_display("ABCD2345") == "ABCD-2345"
    for typed in ("abcd-2345", " ABCD 2345 ", "abcd2345", "ABCD－2345"):
        assert query_code_normalized(typed) == "ABCD2345", typed
    for typed in ("ABCD-234", "ABCD-23450", "ABCO-2345", "ABC1-2345", "查询码查询码查询码", "x" * 32):
        assert query_code_normalized(typed) is None, typed


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param(lambda code: code, id="as-printed"),
        pytest.param(lambda code: code.lower(), id="lower-case"),
        pytest.param(lambda code: code.replace("-", ""), id="without-dash"),
        pytest.param(lambda code: f" {code.lower().replace('-', ' ')} ", id="spaces"),
    ],
)
def test_lookup_with_the_short_query_code_redirects_to_the_private_link(client, listed, typed):
    objection, token = file(listed, at(2026, 9, 29, 15))

    found = client.post(
        reverse("publicity:objection_lookup"),
        {"receipt_number": objection.receipt_number.lower(), "token": typed(objection.query_code)},
    )

    assert found.status_code == 302
    assert found["Location"] == reverse("publicity:objection_status", args=[objection.receipt_number, token])


def test_lookup_refuses_a_wrong_code_and_an_unknown_receipt_alike(client, listed):
    first, _token = file(listed, at(2026, 9, 29, 15))
    second, _token = file(listed, at(2026, 9, 29, 15), rank=2)
    url = reverse("publicity:objection_lookup")

    answers = [
        client.post(url, {"receipt_number": first.receipt_number, "token": second.query_code}),  # another's code
        client.post(url, {"receipt_number": "YY20260929-ZZZZZZ", "token": first.query_code}),  # unknown receipt
        client.post(url, {"receipt_number": first.receipt_number, "token": "ABCD-EFGH"}),
    ]

    for response in answers:
        assert response.status_code == 200
        assert "回执号或查询码不正确。" in visible_text(response)


def test_lookup_compares_the_code_in_constant_time_whether_or_not_the_receipt_exists(listed, monkeypatch):
    import secrets

    objection, _token = file(listed, at(2026, 9, 29, 15))
    compared = []
    real = secrets.compare_digest
    monkeypatch.setattr(secrets, "compare_digest", lambda a, b: compared.append((len(a), len(b))) or real(a, b))

    assert services.objection_find(receipt_number="YY20260929-ZZZZZZ", code=objection.query_code) is None
    assert services.objection_find(receipt_number=objection.receipt_number, code="ABCD-EFGH") is None
    assert services.objection_find(receipt_number=objection.receipt_number, code=objection.query_code) == objection

    assert compared == [(8, 8), (8, 8), (8, 8)]


def test_lookup_with_a_code_refuses_an_objection_without_a_secret(client, listed):
    objection, _token = file(listed, at(2026, 9, 29, 15))
    Objection.objects.filter(pk=objection.pk).update(token="")
    objection.refresh_from_db()

    response = client.post(
        reverse("publicity:objection_lookup"), {"receipt_number": objection.receipt_number, "token": objection.query_code}
    )

    assert response.status_code == 200 and "回执号或查询码不正确。" in visible_text(response)


def test_the_short_code_does_not_open_the_private_link_itself(client, listed):
    """The link is the long secret only: the short code works through the lookup form, which is rate-limited."""
    objection, _token = file(listed, at(2026, 9, 29, 15))

    for code in (objection.query_code, objection.query_code.replace("-", "")):
        assert client.get(f"/objections/{objection.receipt_number}/{code}/").status_code == 404


def test_lookups_per_hour_from_one_address_are_limited_for_short_codes_too(client, listed):
    objection, _token = file(listed, at(2026, 9, 29, 15))
    url = reverse("publicity:objection_lookup")
    for _ in range(30):
        client.post(url, {"receipt_number": objection.receipt_number, "token": "ABCD-EFGH"})

    right = client.post(url, {"receipt_number": objection.receipt_number, "token": objection.query_code})

    assert right.status_code == 200
    assert "查询过于频繁，请一小时后再试。" in visible_text(right)


def test_lookup_form_explains_the_code_and_keeps_the_old_link_segment(client):
    response = client.get(reverse("publicity:objection_lookup"))
    page = response.content.decode()

    assert "回执上的8位查询码，如ABCD-EFGH，不区分大小写，短横线可不输入。" in visible_text(response)
    assert "早前的回执没有8位查询码的，请输入私密链接的最后一段。" in visible_text(response)
    assert 'autocapitalize="characters"' in field_tag(page, "token") and 'autocomplete="off"' in field_tag(page, "token")


def test_the_captcha_uses_only_letters_nobody_confuses():
    from captcha.conf import settings as captcha_settings

    from portal.captcha import LETTERS

    challenges = [captcha_settings.get_challenge()()[0] for _ in range(200)]

    assert all(len(text) == 4 and set(text) <= set(LETTERS) for text in challenges)
    assert not set("BGIOQSZ") & set("".join(challenges))
