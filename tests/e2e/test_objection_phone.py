"""Issue 13 in Chromium on a phone (390 px): the objection form shows the organisation's fields only to an
organisation, the CAPTCHA can be changed for a new one, the receipt gives a short query code with a copy button,
and the receipt number with that code finds the objection again."""

import re
from datetime import timedelta

import pytest
from captcha.models import CaptchaStore
from django.utils import timezone
from playwright.sync_api import expect

from publicity.models import Objection
from tests.e2e.pages import PHONE, open_page
from tests.publicity.publicity_builders import ID_NUMBER, listed_round, publish

pytestmark = pytest.mark.django_db(transaction=True)

CODE = re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")
DESKTOP = {"width": 1280, "height": 900}


def test_objection_form_receipt_and_lookup_on_a_phone(browser, live_server, screenshot_dir):
    listed = listed_round(names=("甲", "乙"), objection_requires_id_number=True)
    notice = publish(listed, timezone.now() - timedelta(minutes=5))
    page = open_page(browser, live_server, **PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    def shot(name: str, *, desktop=False):
        if desktop:
            page.set_viewport_size(DESKTOP)
        page.screenshot(path=str(screenshot_dir / f"objection-{name}.png"), full_page=True)
        if desktop:
            page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"/notices/{notice.pk}/objection/")
    organisation_only = [page.get_by_label("单位联系人"), page.get_by_label("加盖公章的证明")]
    person_only = page.get_by_label("居民身份证号码")

    # A person (the default) sees no organisation's fields; an organisation sees them and no ID number.
    assert page.get_by_role("radio", name="个人").is_checked()
    assert [field.is_visible() for field in organisation_only] == [False, False]
    assert person_only.is_visible()
    page.get_by_role("radio", name="单位").check()
    assert [field.is_visible() for field in organisation_only] == [True, True]
    assert not person_only.is_visible()
    shot("1-phone-form-organisation")
    page.get_by_role("radio", name="个人").check()
    assert [field.is_visible() for field in organisation_only] == [False, False]
    assert [field.is_disabled() for field in organisation_only] == [True, True]  # never sent while hidden

    # The CAPTCHA: shown twice its drawn size; 换一张 brings a new challenge and image.
    image = page.locator("img.captcha-box__image")
    assert image.bounding_box()["width"] == 240
    old_key = page.locator("input[name=captcha_0]").input_value()
    with page.expect_response(re.compile(r"/captcha/refresh/")) as refreshed:
        page.get_by_role("button", name="看不清，换一张").click()
    assert refreshed.value.status == 200
    page.wait_for_function("k => document.querySelector('input[name=captcha_0]').value !== k", arg=old_key)
    key = page.locator("input[name=captcha_0]").input_value()
    assert key != old_key and key in image.get_attribute("src")
    page.wait_for_function("() => { const i = document.querySelector('img.captcha-box__image');"
                           " return i.complete && i.naturalWidth > 0; }")
    assert page.get_by_text("已换一张验证码").count() == 1
    assert page.locator("#id_captcha_1").evaluate("e => e === document.activeElement")

    # Filing as a person.
    page.get_by_label("被异议机构").select_option(label="申报机构乙")
    page.get_by_label("真实姓名（单位名称）").fill("欧阳手机")
    page.get_by_label("联系电话").fill("13912345678")
    person_only.fill(ID_NUMBER)
    page.get_by_label("异议事实和理由").fill("该机构申报的服务台账人数与实际不符，存在重复登记，请核查。")
    page.get_by_label(re.compile("我已阅读上述说明")).check()
    page.get_by_label("验证码").fill(CaptchaStore.objects.get(hashkey=key).response)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    shot("2-phone-form")
    shot("3-desktop-form", desktop=True)
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_load_state()

    # The receipt: the receipt number and the short query code, with a copy button that fills the clipboard.
    assert page.get_by_role("heading", name="异议已受理").is_visible()
    objection = Objection.objects.get()
    code = page.locator(".receipt__code").inner_text()
    assert CODE.fullmatch(code) and code == objection.query_code
    assert page.locator(".receipt__number").inner_text() == objection.receipt_number
    copy_statuses = page.locator("[data-copy-status]")
    page.get_by_role("button", name="复制回执号和查询码").click()
    expect(copy_statuses.first).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == f"回执号：{objection.receipt_number}，查询码：{code}"
    page.get_by_role("button", name="复制私密链接").click()
    expect(copy_statuses.last).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#private-link").inner_text()
    # Where the browser cannot copy (an old browser, a page not served over HTTPS), the text is selected for the
    # person to copy by hand, and the status says so.
    page.evaluate("Object.defineProperty(navigator, 'clipboard', {value: undefined}); document.execCommand = () => false;")
    page.get_by_role("button", name="复制私密链接").click()
    expect(copy_statuses.last).to_have_text("无法自动复制，已选中上面的文字，请长按或按Ctrl+C复制。")
    assert page.evaluate("window.getSelection().toString()") == page.locator("#private-link").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("4-phone-receipt")
    shot("5-desktop-receipt", desktop=True)

    # The lookup with the receipt number and the code as one would type it from a phone call.
    page.goto("/objections/lookup/")
    page.get_by_label("回执号").fill(objection.receipt_number.lower())
    page.get_by_label("查询码").fill(code.lower().replace("-", " "))
    shot("6-phone-lookup")
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="异议办理情况").is_visible()
    assert page.url.split("?")[0].endswith(f"/objections/{objection.receipt_number}/{objection.token}/")
    assert page.get_by_text("申报机构乙").first.is_visible()
    assert page.js_errors == []
    page.context.close()
