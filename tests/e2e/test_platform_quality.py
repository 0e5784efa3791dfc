"""A grassroots platform's service quality in Chromium: a visitor rates a window from its QR code on a phone and the
institution handles the very bad rating (核实、整改、回访、答复) within the 15 working days, the visitor reading the
reply by the receipt code; a complaint through the public 意见箱 answered the same day (当日先有回音), and one left
unanswered that the alarm reports, in the staff list and the institution's notifications, with no name or phone."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from captcha.models import CaptchaStore
from django.utils import timezone
from playwright.sync_api import expect

from complaints.alarms import first_answers_alarm
from complaints.enums import Channel
from complaints.models import Complaint
from complaints.services import Filing, complaint_file
from platforms.models import ServicePoint
from platforms.services import window_save
from portal.enums import InstitutionKind, Role
from portal.models import Notification
from portal.workdays import is_working_day
from satisfaction.models import Case, Rating
from satisfaction.services import case_deadline
from tests.e2e.pages import PHONE, open_page, sign_in
from tests.factories import ApplicantFactory, InstitutionFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

RATER_PHONE = "13912345678"
COMPLAINANT, COMPLAINANT_PHONE = "欧阳秀英", "13987654321"
CALLER, CALLER_PHONE = "张建国", "+8613800001111"
DEADLINE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日（15个工作日）")


def platform():
    """高青县田镇街道便民服务中心 (a grassroots platform) with its user 王丽娟 and the county's programme admin."""
    county = RegionFactory()
    institution = InstitutionFactory(
        name="高青县田镇街道便民服务中心", region=county, kind=InstitutionKind.GRASSROOTS_PLATFORM
    )
    keeper = ApplicantFactory(username="quality_keeper", full_name="王丽娟", institution=institution)
    admin = UserFactory(username="quality_admin", full_name="赵敏", role=Role.PROGRAMME_ADMIN, region=county)
    return institution, keeper, admin


def shoot(page, screenshot_dir, name: str):
    """A full-page screenshot taken with the viewport as tall as the page: the forms' sticky action bars then sit
    where they belong instead of over the fields at the first screen's bottom edge."""
    size = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    page.screenshot(path=str(screenshot_dir / f"quality-{name}.png"), full_page=True)
    page.set_viewport_size(size)


def no_sideways_scrolling(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def section(page, heading: str):
    return page.locator("section.card").filter(has=page.get_by_role("heading", name=heading, exact=True))


def fact(page, term: str):
    """The <dd> of a facts list whose <dt> reads `term`."""
    return page.locator(f"dl.facts dt:text-is('{term}') + dd")


def fill_rating(page, *, service: str, grade: str, phone: str = ""):
    page.get_by_label("所办事项").select_option(service)
    for field in ("overall", "efficiency", "competence", "attitude"):
        page.locator(f"#id_{field}").get_by_label(grade, exact=True).check()
    if phone:
        page.get_by_label("意见建议").fill("等候一个多小时，窗口人员玩手机，态度冷淡。")
        page.get_by_label("手机号码（选填）").fill(phone)
        page.get_by_label(re.compile("^我同意留下手机号码")).check()


def test_a_citizen_rates_a_window_from_its_qr_code_and_a_very_bad_rating_is_handled_in_time(
    browser, live_server, screenshot_dir, eager_celery, mailoutbox
):
    institution, keeper, _admin = platform()
    window = window_save(
        window=ServicePoint(name="就业登记窗口", services="就业登记\n失业登记\n职业介绍"),
        institution=institution,
        actor=keeper,
    )
    today = timezone.localdate()

    # 1. On a phone, from the window's QR code: 非常不满意 on everything, a phone left for the call-back.
    visitor = open_page(browser, live_server, **PHONE)
    visitor.goto(f"/satisfaction/r/{window.token}/")
    expect(visitor.get_by_role("heading", name="服务评价")).to_be_visible()
    expect(fact(visitor, "服务机构")).to_have_text(institution.name)
    expect(fact(visitor, "服务窗口")).to_have_text("就业登记窗口")
    fill_rating(visitor, service="失业登记", grade="非常不满意", phone=RATER_PHONE)
    no_sideways_scrolling(visitor)
    shoot(visitor, screenshot_dir, "1-phone-rate")
    visitor.get_by_role("button", name="提交评价").click()

    expect(visitor.get_by_role("heading", name="感谢您的评价")).to_be_visible()
    rating = Rating.objects.get()
    expect(visitor.locator(".receipt__code")).to_have_text(rating.receipt_code)
    expect(visitor.get_by_text("就业登记窗口：非常不满意")).to_be_visible()
    expect(visitor.get_by_text(re.compile("15个工作日内核实整改并答复"))).to_be_visible()
    grades = (rating.overall, rating.efficiency, rating.competence, rating.attitude)
    assert rating.service == "失业登记" and grades == (1, 1, 1, 1)
    assert rating.phone == "+86" + RATER_PHONE and rating.phone_consent
    assert RATER_PHONE not in visitor.content()
    no_sideways_scrolling(visitor)
    shoot(visitor, screenshot_dir, "2-phone-thanks")
    code = rating.receipt_code

    # 2. Right away a second rating from the same phone: refused politely (one per device per window per hour).
    visitor.goto(f"/satisfaction/r/{window.token}/")
    fill_rating(visitor, service="就业登记", grade="满意")
    visitor.get_by_role("button", name="提交评价").click()
    expect(visitor.get_by_role("heading", name="暂不能再次评价")).to_be_visible()
    expect(visitor.get_by_role("status")).to_have_text(
        "感谢您的评价！同一设备一小时内对本窗口只能评价一次，请稍后再评。"
    )
    assert Rating.objects.count() == 1
    shoot(visitor, screenshot_dir, "3-phone-refused")
    # The refusal is a 429, which Chromium logs as a failed resource; nothing else may have gone wrong.
    assert [e for e in visitor.js_errors if "status of 429" not in e] == []

    # 3. The institution's user, told in the portal, opens the case: deadline 15 working days after the rating.
    case = Case.objects.get(rating=rating)
    assert case.deadline == case_deadline(today) and case.deadline > today
    staff = sign_in(open_page(browser, live_server), "quality_keeper")
    expect(staff.locator(".header-link .badge")).to_have_text("1")
    staff.get_by_role("link", name="通知").click()
    told = f"就业登记窗口收到一条“非常不满意”评价，请于{case.deadline:%Y-%m-%d}前核实整改并答复。"
    staff.get_by_role("link", name=told).click()
    expect(staff).to_have_url(re.compile(rf"/satisfaction/cases/{case.pk}/$"))
    shown = DEADLINE.fullmatch(fact(staff, "办理期限").inner_text())
    assert shown and date(*map(int, shown.groups())) == case.deadline
    expect(fact(staff, "状态")).to_have_text("待核实")
    expect(fact(staff, "服务态度")).to_have_text("非常不满意")
    expect(fact(staff, "回访电话")).to_contain_text("139****5678")
    assert RATER_PHONE not in staff.content()

    # 核实: founded, with the findings.
    verify = section(staff, "核实")
    verify.get_by_label("属实", exact=True).check()
    verify.get_by_label("核实情况").fill("调取窗口监控，该时段窗口人员使用手机、未及时叫号，情况属实。")
    verify.get_by_role("button", name="保存").click()
    expect(staff.get_by_text("已保存。")).to_be_visible()
    expect(fact(staff, "状态")).to_have_text("整改中")
    shoot(staff, screenshot_dir, "4-case-verified")

    # 整改.
    rectify = section(staff, "整改")
    rectify.get_by_label("整改措施").fill("对当事人批评教育并通报；窗口实行工作时间手机统一存放，增设取号提醒屏。")
    rectify.get_by_role("button", name="保存").click()
    expect(staff.get_by_text("已保存。")).to_be_visible()
    expect(fact(staff, "状态")).to_have_text("待回复")

    # 回访: the phone in clear (the view is recorded), the call made today.
    staff.get_by_role("button", name="查看完整号码（将记录）").click()
    expect(fact(staff, "回访电话")).to_have_text("+86" + RATER_PHONE)
    callback = section(staff, "回访")
    callback.get_by_label("回访日期").fill(f"{today:%Y-%m-%d}")
    callback.get_by_label("回访结果").fill("已电话回访，评价人认可整改措施。")
    callback.get_by_role("button", name="保存").click()
    expect(staff.get_by_text("已保存。")).to_be_visible()
    expect(fact(staff, "回访")).to_have_text(f"{today:%Y-%m-%d}：已电话回访，评价人认可整改措施。")

    # 答复并办结.
    reply = "您反映的问题属实。我们已对当事人批评教育，窗口工作时间手机统一存放，并增设取号提醒屏。感谢您的监督！"
    section(staff, "答复并办结").get_by_label("答复评价人").fill(reply)
    section(staff, "答复并办结").get_by_role("button", name="保存").click()
    expect(staff.get_by_text("已保存。")).to_be_visible()
    expect(fact(staff, "状态")).to_have_text("已办结")
    expect(fact(staff, "答复")).to_have_text(reply)
    expect(staff.get_by_text("已超期")).to_have_count(0)
    assert RATER_PHONE not in staff.content()
    case.refresh_from_db()
    assert case.founded and case.callback_on == today
    assert timezone.localdate(case.replied_at) <= case.deadline
    shoot(staff, screenshot_dir, "5-case-closed")
    assert staff.js_errors == []

    # 4. The visitor reads the reply with the receipt code (typed in lower case, in groups).
    visitor.goto(f"/satisfaction/r/{window.token}/")
    visitor.get_by_role("link", name="查询评价办理情况").click()
    visitor.get_by_label("查询码").fill(f"{code[:4]}-{code[4:8]}-{code[8:]}".lower())
    visitor.get_by_role("button", name="查询").click()
    expect(fact(visitor, "办理状态")).to_have_text("已办结")
    expect(fact(visitor, "答复")).to_have_text(reply)
    expect(fact(visitor, "总体评价")).to_have_text("非常不满意")
    assert RATER_PHONE not in visitor.content() and "窗口人员玩手机" not in visitor.content()
    no_sideways_scrolling(visitor)
    shoot(visitor, screenshot_dir, "6-phone-status")

    # The institution's e-mail of the rating carries neither the phone nor the comment.
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [keeper.email]
    for message in mailoutbox:
        assert RATER_PHONE not in message.subject + message.body and "玩手机" not in message.body
    visitor.context.close()
    staff.context.close()


def previous_working_day(day: date) -> date:
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def test_a_complaint_answered_the_same_day_and_one_missed_and_alarmed(
    browser, live_server, screenshot_dir, eager_celery, mailoutbox
):
    institution, keeper, admin = platform()
    today = timezone.localdate()

    # 1. On a phone, the platform's public 意见箱 (the CAPTCHA's answer read from its store, as a person reads it).
    visitor = open_page(browser, live_server, **PHONE)
    visitor.goto(f"/complaints/{institution.pk}/new/")
    expect(visitor.get_by_role("heading", name=f"{institution.name} · 意见箱")).to_be_visible()
    visitor.get_by_label("您的姓名").fill(COMPLAINANT)
    visitor.get_by_label("联系电话").fill(COMPLAINANT_PHONE)
    visitor.get_by_label("投诉事项").fill(
        "上午在就业登记窗口办理失业登记，工作人员说系统故障让改天再来，但后面的人都办了。"
    )
    visitor.get_by_label("被投诉工作人员（工号或姓名）").fill("GQ015")
    visitor.get_by_label("同意在本机构网页公布处理结果（不含姓名和电话）").check()
    key = visitor.locator("input[name=captcha_0]").input_value()
    visitor.get_by_label("验证码").fill(CaptchaStore.objects.get(hashkey=key).response)
    no_sideways_scrolling(visitor)
    shoot(visitor, screenshot_dir, "7-phone-complaint-form")
    visitor.get_by_role("button", name="提交").click()

    expect(visitor.get_by_role("heading", name="投诉办理进度")).to_be_visible()
    expect(visitor.get_by_text("已收到您的投诉。")).to_be_visible()
    online = Complaint.objects.get()
    assert online.channel == Channel.ONLINE and online.complainant_phone == "+86" + COMPLAINANT_PHONE
    expect(fact(visitor, "回执号")).to_have_text(online.receipt_number)
    assert COMPLAINANT not in visitor.content() and COMPLAINANT_PHONE not in visitor.content()
    no_sideways_scrolling(visitor)
    assert visitor.js_errors == []

    # 2. The institution's user answers it the same day, with a handling deadline.
    staff = sign_in(open_page(browser, live_server), "quality_keeper")
    staff.goto("/complaints/staff/")
    staff.get_by_role("link", name=online.receipt_number).click()
    expect(fact(staff, "投诉人")).to_contain_text("欧***")
    assert COMPLAINANT not in staff.content() and COMPLAINANT_PHONE not in staff.content()
    handling_deadline = today + timedelta(days=7)
    staff.get_by_label("回音内容").fill("您的投诉已收到，我们正在调取窗口记录核实，将在处理时限内告知您结果。")
    staff.get_by_label("处理时限").fill(f"{handling_deadline:%Y-%m-%d}")
    staff.get_by_role("button", name="保存回音").click()
    expect(staff.get_by_text("已保存。")).to_be_visible()
    expect(staff.locator("h1 .status")).to_have_text("已回音")
    expect(staff.get_by_text("回音逾期")).to_have_count(0)
    online.refresh_from_db()
    assert timezone.localdate(online.first_answered_at) == timezone.localdate(online.received_at) == today
    assert not online.first_answer_missed() and online.handling_deadline == handling_deadline

    # 3. A phone complaint logged on a past working day and never answered; the hourly alarm finds it.
    received = timezone.make_aware(datetime.combine(previous_working_day(today), time(10, 0)))
    missed, _token = complaint_file(
        institution=institution, channel=Channel.PHONE, actor=keeper, received_at=received,
        filing=Filing(name=CALLER, phone=CALLER_PHONE, facts="窗口工作人员上班时间离岗，等候四十分钟无人办理。"),
    )  # fmt: skip
    assert missed.first_answer_due_at < timezone.now()
    assert first_answers_alarm() == 1
    assert first_answers_alarm() == 0  # once per complaint
    missed.refresh_from_db()
    assert missed.first_answer_alarmed_at is not None

    # 4. The staff list shows the missed first answer in its alarm style; the answered one has none.
    staff.goto("/complaints/staff/")
    missed_row = staff.get_by_role("row").filter(has=staff.get_by_role("link", name=missed.receipt_number))
    online_row = staff.get_by_role("row").filter(has=staff.get_by_role("link", name=online.receipt_number))
    alarm = missed_row.locator(".status--rejected")
    expect(alarm).to_have_text("逾期未回音·已告警")
    expect(online_row.locator(".status--rejected")).to_have_count(0)
    expect(online_row.locator(".status--answered")).to_have_text("已回音")
    assert alarm.evaluate("e => getComputedStyle(e).color") != online_row.locator(".status").evaluate(
        "e => getComputedStyle(e).color"
    )
    staff.get_by_label("仅看回音逾期").check()
    staff.get_by_role("button", name="筛选").click()
    expect(staff.get_by_role("link", name=missed.receipt_number)).to_be_visible()
    expect(staff.get_by_role("link", name=online.receipt_number)).to_have_count(0)
    staff.goto("/complaints/staff/")
    shoot(staff, screenshot_dir, "8-staff-list-alarm")

    # 5. The institution's user was told: the header's badge (two complaints received, one alarm) and the page.
    expect(staff.locator(".header-link .badge")).to_have_text("3")
    staff.get_by_role("link", name="通知").click()
    due = timezone.localtime(missed.first_answer_due_at)
    alarm_text = (
        f"逾期未回音：{institution.name} 的群众投诉 {missed.receipt_number} "
        f"应于 {due:%Y-%m-%d %H:%M}（北京时间）前回音，至今未回音。"
    )
    staff.get_by_role("link", name=alarm_text).click()
    expect(staff).to_have_url(re.compile(rf"/complaints/staff/{missed.pk}/$"))
    expect(fact(staff, "回音时限")).to_contain_text("回音逾期")
    expect(fact(staff, "回音时限")).to_contain_text("告警")
    assert Notification.objects.filter(user=admin, text=alarm_text).count() == 1  # the supervising admin too
    assert staff.js_errors == []

    # 6. No notification nor e-mail carries a complainant's name or phone.
    identities = (COMPLAINANT, COMPLAINANT_PHONE, CALLER, CALLER_PHONE, CALLER_PHONE[3:])
    texts = [note.text + note.link for note in Notification.objects.all()]
    texts += [message.subject + message.body for message in mailoutbox]
    assert len(texts) == 4 + 4  # the keeper's two complaints received and alarm, the admin's alarm; an e-mail each
    for text in texts:
        assert not any(identity in text for identity in identities), text
    visitor.context.close()
    staff.context.close()
