"""The programme admin's pages: a round's table and its export, return / accept / reject, institutions and staff."""

import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm
from stdnum.cn.uscc import calc_check_digit

from applications import services
from applications.enums import ApplicationStatus as S
from portal import services as portal_services
from portal.enums import InstitutionKind, InstitutionStatus, Role
from portal.models import AuditRecord, Notification, User
from tests.applications.factories import ApplicationFactory, AttachmentFactory
from tests.factories import (
    ApplicantFactory,
    InstitutionFactory,
    ProgrammeFactory,
    RegionFactory,
    RoundFactory,
    UserFactory,
    next_uscc,
)
from tests.portal.helpers import queued_messages as messages_of
from tests.portal.helpers import visible_text

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def admin_of(programme, **fields):
    admin = UserFactory(**fields)
    portal_services.programme_admin_grant(programme=programme, user=admin)
    return admin


def other_county():
    return RegionFactory(code="370321", name="桓台县")


def other_admin():
    """An admin of another county's programme."""
    return admin_of(ProgrammeFactory(region=other_county()))


def digit_only_uscc() -> str:
    """A USCC of digits only, which a careless exporter would turn into a number (and lose its last digits)."""
    for serial in range(1, 100):
        body = f"913703220000{serial:05d}"
        check = calc_check_digit(body)
        if check.isdigit():
            return body + check
    raise AssertionError("no all-digit code found")


def submitted(round, *, name=None, kind=InstitutionKind.COMMERCIAL_HR, region=None, status=S.SUBMITTED, minutes_ago=60, **fields):
    institution = InstitutionFactory(kind=kind, region=region or RegionFactory(), **({"name": name} if name else {}), **fields)
    submitted_at = timezone.now() - timedelta(minutes=minutes_ago) if status != S.DRAFT else None
    return ApplicationFactory(round=round, institution=institution, status=status, submitted_at=submitted_at)


@pytest.fixture
def table():
    """A round with five applications in two counties, and its admin."""
    round = RoundFactory()
    rows = {
        "luzhong": submitted(round, name="鲁中人力资源服务有限公司", minutes_ago=50),
        "centre": submitted(round, name="高青县公共就业和人才服务中心", kind=InstitutionKind.PUBLIC_AGENCY, minutes_ago=40),
        "market": submitted(round, name="高青县零工市场", kind=InstitutionKind.GIG_MARKET, status=S.RETURNED, minutes_ago=30),
        "huantai": submitted(round, name="桓台县人力资源服务中心", region=other_county(), minutes_ago=20),
        "draft": submitted(round, name="青城镇就业服务站", kind=InstitutionKind.GRASSROOTS_PLATFORM, status=S.DRAFT),
    }
    return round, rows, admin_of(round.programme)


def table_url(round, **params) -> str:
    url = reverse("applications:round_applications", args=[round.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def names(response) -> list[str]:
    return [application.institution_name for application in response.context["page"].object_list]


# --- the round's table -------------------------------------------------------------------------------


def test_round_table_lists_every_application_newest_submission_first_drafts_last(login, table):
    round, rows, admin = table
    client = login(admin)

    response = client.get(table_url(round))

    assert response.status_code == 200
    assert names(response) == [
        "桓台县人力资源服务中心",
        "高青县零工市场",
        "高青县公共就业和人才服务中心",
        "鲁中人力资源服务有限公司",
        "青城镇就业服务站",
    ]
    page = visible_text(response)
    assert "已提交 3" in page and "退回补正 1" in page and "草稿 1" in page


def test_round_table_sorts_oldest_first_with_drafts_still_last(login, table):
    round, rows, admin = table
    client = login(admin)

    response = client.get(table_url(round, sort="submitted"))

    assert names(response) == [
        "鲁中人力资源服务有限公司",
        "高青县公共就业和人才服务中心",
        "高青县零工市场",
        "桓台县人力资源服务中心",
        "青城镇就业服务站",
    ]


def test_round_table_sorts_by_name(login, table):
    round, rows, admin = table
    client = login(admin)

    response = client.get(table_url(round, sort="name"))

    assert names(response) == sorted(names(response))
    assert len(names(response)) == 5


def test_round_table_searches_by_name(login, table):
    round, rows, admin = table
    client = login(admin)

    response = client.get(table_url(round, q="零工"))

    assert names(response) == ["高青县零工市场"]


def test_round_table_searches_by_uscc_case_insensitively(login, table):
    round, rows, admin = table
    client = login(admin)
    uscc = rows["centre"].institution.uscc

    response = client.get(table_url(round, q=uscc.lower()))

    assert names(response) == ["高青县公共就业和人才服务中心"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "returned"}, ["高青县零工市场"]),
        ({"kind": "public_agency"}, ["高青县公共就业和人才服务中心"]),
        ({"region": "370321"}, ["桓台县人力资源服务中心"]),
        ({"status": "submitted", "kind": "commercial_hr"}, ["桓台县人力资源服务中心", "鲁中人力资源服务有限公司"]),
    ],
)
def test_round_table_filters(login, table, params, expected):
    round, rows, admin = table
    client = login(admin)

    response = client.get(table_url(round, **params))

    assert names(response) == expected


def test_round_table_with_a_nul_character_ignores_the_filters(login, table):
    round, rows, admin = table
    client = login(admin)

    response = client.get(reverse("applications:round_applications", args=[round.pk]), {"q": "\x00", "status": "returned"})

    assert response.status_code == 200
    assert len(names(response)) == 5


def test_round_table_with_no_match_says_so(login, table):
    round, rows, admin = table
    client = login(admin)

    response = client.get(table_url(round, q="不存在的机构"))

    assert names(response) == []
    assert "没有符合条件的申报" in visible_text(response)


def test_round_table_pagination_keeps_the_filters_in_its_links(login, table, settings):
    settings.PAGINATE_BY = 2
    round, rows, admin = table
    submitted(round, name="鲁西人力资源服务有限公司", minutes_ago=10)
    client = login(admin)

    first = client.get(table_url(round, status="submitted", kind="commercial_hr"))
    second = client.get(table_url(round, status="submitted", kind="commercial_hr", page=2))

    assert names(first) == ["鲁西人力资源服务有限公司", "桓台县人力资源服务中心"]
    assert names(second) == ["鲁中人力资源服务有限公司"]
    links = re.findall(r'href="(\?[^"]*)"', first.content.decode())
    assert "?status=submitted&amp;kind=commercial_hr&amp;page=2" in links
    assert "?status=submitted&amp;kind=commercial_hr&amp;export=xlsx" in links
    assert "?status=submitted&amp;kind=commercial_hr&amp;page=1" in re.findall(r'href="(\?[^"]*)"', second.content.decode())


def test_round_table_of_another_programme_is_404(login, table):
    round, rows, admin = table
    client = login(other_admin())

    response = client.get(table_url(round))

    assert response.status_code == 404


def test_round_table_for_an_admin_through_a_group_or_a_global_permission(login, table):
    round, rows, admin = table
    through_group = UserFactory(role=Role.PROGRAMME_ADMIN)
    group = Group.objects.create(name="评定工作组")
    group.user_set.add(through_group)
    assign_perm("portal.manage_programme", group, round.programme)
    everywhere = UserFactory(role=Role.PROGRAMME_ADMIN)
    everywhere.user_permissions.add(Permission.objects.get(codename="manage_programme"))

    assert login(through_group).get(table_url(round)).status_code == 200
    assert login(everywhere).get(table_url(round)).status_code == 200


def test_round_table_of_a_round_that_does_not_exist_is_404(login, table):
    round, rows, admin = table

    assert login(admin).get(reverse("applications:round_applications", args=[round.pk + 1000])).status_code == 404


def test_round_table_refuses_an_applicant(login, table):
    round, rows, admin = table
    client = login(rows["luzhong"].created_by)

    response = client.get(table_url(round))

    assert response.status_code == 403


def test_round_table_anonymous_is_sent_to_login(client, table):
    round, rows, admin = table

    response = client.get(table_url(round))

    assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={table_url(round)}")


# --- the round's table: queries and the cache of its rendering ------------------------------------------


def application_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries if "applications_a" in query["sql"]]


def row_of(response, name) -> str:
    """The visible text of the table row that names `name`."""
    for row in re.findall(r"<tr>.*?</tr>", response.content.decode(), flags=re.S):
        if name in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"no row for {name}")


def test_round_table_queries_do_not_grow_with_the_rows(login, table):
    round, rows, admin = table
    client = login(admin)
    cache.clear()
    few = len(application_queries(client, table_url(round)))
    for n in range(30):
        application = submitted(round, minutes_ago=100 + n)
        AttachmentFactory(application=application)
    cache.clear()

    assert len(application_queries(client, table_url(round))) == few
    assert len(application_queries(client, table_url(round, page=2))) == few


def test_round_table_attachment_counts_on_a_page(login, table):
    round, rows, admin = table
    AttachmentFactory(application=rows["centre"])
    AttachmentFactory(application=rows["centre"])
    client = login(admin)

    response = client.get(table_url(round))

    assert row_of(response, "高青县公共就业和人才服务中心").endswith(" 2")
    assert row_of(response, "鲁中人力资源服务有限公司").endswith(" 0")


def test_round_table_is_served_from_the_cache_until_an_application_changes(login, table):
    round, rows, admin = table
    client = login(admin)
    client.get(table_url(round))

    assert application_queries(client, table_url(round)) == []  # the cached rendering

    services.application_accept(application=rows["luzhong"], actor=admin)
    response = client.get(table_url(round))
    assert "已受理 1" in visible_text(response) and "已提交 2" in visible_text(response)
    assert "已受理" in row_of(response, "鲁中人力资源服务有限公司")


def test_round_table_shows_a_new_or_deleted_attachment(login, table):
    round, rows, admin = table
    client = login(admin)
    client.get(table_url(round))

    attachment = AttachmentFactory(application=rows["market"])
    assert row_of(client.get(table_url(round)), "高青县零工市场").endswith(" 1")
    attachment.delete()
    assert row_of(client.get(table_url(round)), "高青县零工市场").endswith(" 0")


def test_round_table_shows_a_changed_institution(login, table):
    round, rows, admin = table
    client = login(admin)
    client.get(table_url(round))
    institution = rows["centre"].institution
    institution.uscc = next_uscc()
    institution.save()

    assert institution.uscc in row_of(client.get(table_url(round)), "高青县公共就业和人才服务中心")


def test_round_table_cached_per_query_and_language(login, table):
    round, rows, admin = table
    client = login(admin)
    client.get(table_url(round))

    assert names(client.get(table_url(round, q="零工"))) == ["高青县零工市场"]
    english = client.get(table_url(round), HTTP_ACCEPT_LANGUAGE="en")
    assert "Filter" in visible_text(english) and "Submitted 3" in visible_text(english)
    assert "筛选" in visible_text(client.get(table_url(round)))


def test_round_table_cache_is_read_only_after_the_permission_check(login, table, client):
    round, rows, admin = table
    login(admin).get(table_url(round))  # cached now
    client.logout()

    assert login(other_admin()).get(table_url(round)).status_code == 404
    assert login(rows["luzhong"].created_by).get(table_url(round)).status_code == 403
    client.logout()
    assert client.get(table_url(round)).status_code == 302


def test_round_table_cached_page_shows_this_requests_messages_only(login, table):
    round, rows, admin = table
    client = login(admin)
    client.get(table_url(round))  # cached now
    storage = CookieStorage(HttpRequest())  # a message left by a redirect, as the messages cookie carries it
    client.cookies[storage.cookie_name] = storage._encode([Message(constants.SUCCESS, "已受理，申报进入评审。")])

    assert "已受理，申报进入评审。" in visible_text(client.get(table_url(round)))
    assert "已受理，申报进入评审。" not in visible_text(client.get(table_url(round)))


def test_round_table_fragment_holds_no_messages_nor_csrf_token():
    """The cached fragment is the same for every admin of the round: nothing of the request may be inside."""
    source = (django_settings.BASE_DIR / "templates" / "applications" / "_round_table.html").read_text()
    source = re.sub(r"{% comment %}.*?{% endcomment %}", "", source, flags=re.S)

    assert "csrf" not in source and "messages" not in source and "request" not in source and "user" not in source


# --- the Excel export --------------------------------------------------------------------------------


def test_export_writes_header_text_cells_and_neutralises_formulas(login):
    round = RoundFactory()
    uscc = digit_only_uscc()
    application = submitted(round, name='=HYPERLINK("http://evil.example","点我")', uscc=uscc)
    application.principal_name = "+张三"
    application.save()
    AttachmentFactory(application=application)
    client = login(admin_of(round.programme))

    response = client.get(table_url(round, export="xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "申报机构", "统一社会信用代码", "机构类型", "区划", "主要负责人", "状态", "提交时间", "附件数")
    assert len(rows) == 2
    number, name, code, kind, region, principal, status, _, attachments = rows[1]
    assert (number, code, kind, region, status, attachments) == (1, uscc, "经营性人力资源服务机构", "高青县", "已提交", 1)
    assert name == '\'=HYPERLINK("http://evil.example","点我")'
    assert principal == "'+张三"
    uscc_cell, name_cell = sheet["C2"], sheet["B2"]
    assert (uscc_cell.data_type, uscc_cell.number_format) == ("s", "@")
    assert name_cell.data_type == "s"


def test_export_follows_the_filters(login, table):
    round, rows, admin = table
    client = login(admin)

    response = client.get(table_url(round, kind="public_agency", export="xlsx"))

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["高青县公共就业和人才服务中心"]


def test_export_of_another_programme_is_404(login, table):
    round, rows, admin = table
    client = login(other_admin())

    response = client.get(table_url(round, export="xlsx"))

    assert response.status_code == 404
    assert response["Content-Type"] != XLSX


# --- return, accept, reject --------------------------------------------------------------------------


@pytest.fixture
def case():
    application = ApplicationFactory(status=S.SUBMITTED, submitted_at=timezone.now())
    return application, admin_of(application.round.programme)


def decide(client, name, application, data):
    return client.post(reverse(f"applications:{name}", args=[application.pk]), data)


@pytest.mark.history
def test_return_with_reason_and_deadline(login, case):
    application, admin = case
    client = login(admin)
    deadline = timezone.localdate() + timedelta(days=5)

    response = decide(client, "return", application, {"reason": "请补充2025年服务台账", "deadline": deadline.isoformat()})

    assert (response.status_code, response["Location"]) == (302, application.get_absolute_url())
    assert messages_of(response) == ["已退回补正，并已通知申报机构。"]
    application.refresh_from_db()
    assert (application.status, application.return_reason, application.return_deadline) == (
        S.RETURNED,
        "请补充2025年服务台账",
        deadline,
    )
    assert application.history.order_by("-history_date", "-history_id").first().history_user == admin


def test_return_with_a_past_deadline_is_refused(login, case):
    application, admin = case
    client = login(admin)
    yesterday = timezone.localdate() - timedelta(days=1)

    response = decide(client, "return", application, {"reason": "补充", "deadline": yesterday.isoformat()})

    assert messages_of(response) == ["补正截止日期不能早于今天。"]
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_return_without_a_reason_is_refused(login, case):
    application, admin = case
    client = login(admin)

    response = decide(client, "return", application, {"deadline": timezone.localdate().isoformat()})

    assert messages_of(response) == ["这个字段是必填项。"]
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_accept(login, case):
    application, admin = case
    client = login(admin)

    response = decide(client, "accept", application, {"note": "材料齐全"})

    assert messages_of(response) == ["已受理，申报进入评审。"]
    application.refresh_from_db()
    assert (application.status, application.decision_reason) == (S.ACCEPTED, "材料齐全")


def test_accept_of_a_draft_is_refused_with_the_reason(login):
    application = ApplicationFactory()
    client = login(admin_of(application.round.programme))

    response = decide(client, "accept", application, {})

    assert messages_of(response) == ["当前状态为“草稿”，不能变更为“已受理”。"]
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_reject_with_a_reason(login, case):
    application, admin = case
    client = login(admin)

    response = decide(client, "reject", application, {"reason": "不属于评定对象"})

    assert messages_of(response) == ["已决定不予受理，并已通知申报机构。"]
    application.refresh_from_db()
    assert (application.status, application.decision_reason) == (S.REJECTED, "不属于评定对象")


def test_reject_without_a_reason_is_refused(login, case):
    application, admin = case
    client = login(admin)

    response = decide(client, "reject", application, {"reason": ""})

    assert messages_of(response) == ["这个字段是必填项。"]
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


@pytest.mark.parametrize("name", ["return", "accept", "reject"])
def test_decisions_refuse_get(login, case, name):
    application, admin = case
    client = login(admin)

    response = client.get(reverse(f"applications:{name}", args=[application.pk]))

    assert response.status_code == 405


@pytest.mark.parametrize("name", ["return", "accept", "reject"])
def test_decisions_by_another_programme_admin_are_404(login, case, name):
    application, admin = case
    client = login(other_admin())
    data = {"reason": "越权", "deadline": timezone.localdate().isoformat(), "note": "越权"}

    response = decide(client, name, application, data)

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


@pytest.mark.parametrize("name", ["return", "accept", "reject"])
def test_decisions_by_the_applicant_are_403(login, case, name):
    application, admin = case
    client = login(application.created_by)

    response = decide(client, name, application, {"reason": "自己受理", "note": ""})

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_detail_shows_the_admin_the_decision_forms(login, case):
    application, admin = case
    client = login(admin)

    response = client.get(application.get_absolute_url())

    assert response.status_code == 200
    page = visible_text(response)
    assert "受理意见（可选）" in page and "退回原因及需补正的内容" in page and "不予受理的理由" in page
    assert application.institution.uscc in page


def test_detail_shows_the_principals_phone_and_the_contact_email(login, case):
    """Issue 13: annex 2 asks for both; the detail page left them out."""
    application, admin = case
    application.principal_phone = "+8613905330001"
    application.contact_email = "hr@gaoqing.example.cn"
    application.save(update_fields=["principal_phone", "contact_email"])

    page = visible_text(login(admin).get(application.get_absolute_url()))

    assert "负责人电话 139 0533 0001" in page
    assert "联系邮箱 hr@gaoqing.example.cn" in page


# --- institutions ------------------------------------------------------------------------------------


@pytest.fixture
def jurisdiction():
    """An admin of the Gaoqing programme, a pending Gaoqing institution with one staff member, and a Huantai one."""
    admin = admin_of(ProgrammeFactory())
    pending = InstitutionFactory(name="高青县新登记服务机构", status=InstitutionStatus.PENDING)
    staff = ApplicantFactory(institution=pending, username="xindengji")
    elsewhere = InstitutionFactory(name="桓台县某机构", region=other_county())
    return admin, pending, staff, elsewhere


def institution_url(institution) -> str:
    return reverse("applications:institution", args=[institution.pk])


def test_institution_list_shows_the_admins_jurisdiction_only(login, jurisdiction):
    admin, pending, staff, elsewhere = jurisdiction
    client = login(admin)

    response = client.get(reverse("applications:institutions"))

    assert response.status_code == 200
    listed = [institution.name for institution in response.context["page"].object_list]
    assert pending.name in listed
    assert elsewhere.name not in listed


def test_institution_list_filters_by_status_and_searches_by_uscc(login, jurisdiction):
    admin, pending, staff, elsewhere = jurisdiction
    InstitutionFactory(name="高青县已核验机构")
    client = login(admin)

    by_status = client.get(reverse("applications:institutions"), {"status": "pending"})
    by_uscc = client.get(reverse("applications:institutions"), {"q": pending.uscc.lower()})

    assert [i.name for i in by_status.context["page"].object_list] == ["高青县新登记服务机构"]
    assert [i.name for i in by_uscc.context["page"].object_list] == ["高青县新登记服务机构"]


def test_institution_list_search_ignores_a_nul_character(login, jurisdiction):
    admin, pending, staff, elsewhere = jurisdiction
    client = login(admin)

    response = client.get(reverse("applications:institutions"), {"q": "新登记\x00"})

    assert response.status_code == 200
    assert [i.name for i in response.context["page"].object_list] == ["高青县新登记服务机构"]


def test_institution_list_refuses_an_applicant(login, jurisdiction):
    admin, pending, staff, elsewhere = jurisdiction
    client = login(staff)

    response = client.get(reverse("applications:institutions"))

    assert response.status_code == 403


def test_institution_detail_shows_registration_and_staff(login, jurisdiction):
    admin, pending, staff, elsewhere = jurisdiction
    client = login(admin)

    response = client.get(institution_url(pending))

    assert response.status_code == 200
    page = visible_text(response)
    assert pending.uscc in page
    assert "xindengji" in page


def test_institution_detail_outside_the_jurisdiction_is_404(login, jurisdiction):
    admin, pending, staff, elsewhere = jurisdiction
    client = login(admin)

    response = client.get(institution_url(elsewhere))

    assert response.status_code == 404


@pytest.mark.history
def test_institution_verify_tells_its_staff(login, jurisdiction):
    admin, pending, staff, elsewhere = jurisdiction
    client = login(admin)

    response = client.post(
        reverse("applications:institution_decide", args=[pending.pk]), {"decision": "verify", "note": ""}
    )

    assert (response.status_code, response["Location"]) == (302, institution_url(pending))
    assert messages_of(response) == ["已核验通过。"]
    pending.refresh_from_db()
    assert pending.status == InstitutionStatus.VERIFIED
    assert pending.verified_at is not None
    assert pending.history.order_by("-history_date", "-history_id").first().history_user == admin
    assert list(Notification.objects.filter(user=staff).values_list("text", flat=True)) == [
        "机构“高青县新登记服务机构”已通过核验，可以申报。"
    ]


def test_institution_reject_with_a_note(login, jurisdiction):
    admin, pending, staff, elsewhere = jurisdiction
    client = login(admin)

    response = client.post(
        reverse("applications:institution_decide", args=[pending.pk]), {"decision": "reject", "note": "营业执照不清晰"}
    )

    assert messages_of(response) == ["已标记为未通过核验。"]
    pending.refresh_from_db()
    assert pending.status == InstitutionStatus.REJECTED
    assert list(Notification.objects.filter(user=staff).values_list("text", flat=True)) == [
        "机构“高青县新登记服务机构”未通过核验。 营业执照不清晰"
    ]


def test_institution_decision_without_a_choice_changes_nothing(login, jurisdiction):
    admin, pending, staff, elsewhere = jurisdiction
    client = login(admin)

    response = client.post(reverse("applications:institution_decide", args=[pending.pk]), {"note": "忘了选"})

    assert messages_of(response) == ["请选择“核验通过”或“核验不通过”。"]
    pending.refresh_from_db()
    assert pending.status == InstitutionStatus.PENDING
    assert Notification.objects.count() == 0


def test_institution_decision_outside_the_jurisdiction_is_404(login, jurisdiction):
    admin, pending, staff, elsewhere = jurisdiction
    client = login(admin)

    response = client.post(reverse("applications:institution_decide", args=[elsewhere.pk]), {"decision": "reject"})

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == InstitutionStatus.VERIFIED


def test_institution_decision_refuses_get(login, jurisdiction):
    admin, pending, staff, elsewhere = jurisdiction
    client = login(admin)

    response = client.get(reverse("applications:institution_decide", args=[pending.pk]))

    assert response.status_code == 405


# --- staff accounts ----------------------------------------------------------------------------------


def test_invite_staff_sends_one_email_whose_link_sets_a_password(login, jurisdiction, client):
    admin, pending, staff, elsewhere = jurisdiction
    login(admin)

    response = client.post(
        institution_url(pending), {"username": "new_staff", "full_name": "吴经办", "email": "wu@example.cn"}
    )

    assert (response.status_code, response["Location"]) == (302, institution_url(pending))
    assert messages_of(response) == ["已创建账号，并向 wu@example.cn 发送了设置密码的链接。"]
    invited = User.objects.get(username="new_staff")
    assert (invited.role, invited.institution, invited.has_usable_password()) == (Role.APPLICANT, pending, False)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject) == (["wu@example.cn"], "【标杆评定】请设置您的账号密码")
    assert "用户名为 new_staff" in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)

    client.logout()
    confirm = client.get(link, follow=True)
    assert confirm.status_code == 200
    assert confirm.context["validlink"] is True
    set_password_url = confirm.redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": "Wu-jingban-2026", "new_password2": "Wu-jingban-2026"})
    assert (done.status_code, done["Location"]) == (302, reverse("password_reset_complete"))
    invited.refresh_from_db()
    assert invited.check_password("Wu-jingban-2026")
    assert invited.must_change_password is False
    signed_in = client.post(reverse("login"), {"username": "new_staff", "password": "Wu-jingban-2026"})
    assert (signed_in.status_code, signed_in["Location"]) == (302, reverse("home"))
    assert client.session["_auth_user_id"] == str(invited.pk)
    assert client.get(link, follow=True).context["validlink"] is False  # the link works once


def test_invite_staff_with_a_taken_username_is_refused(login, jurisdiction):
    admin, pending, staff, elsewhere = jurisdiction
    client = login(admin)

    response = client.post(institution_url(pending), {"username": "XinDengJi", "full_name": "重名", "email": "x@example.cn"})

    assert response.status_code == 200
    assert response.context["invite_form"].errors["username"] == ["该用户名已被使用，请换一个。"]
    assert mail.outbox == []


def test_invite_staff_sent_twice_at_once_makes_one_account():
    """The second of two invitations that both passed the form's check is refused by name, with no second e-mail."""
    institution = InstitutionFactory()
    admin = UserFactory()
    values = {"username": "new_staff", "full_name": "吴经办", "email": "wu@example.cn", "request": RequestFactory().post("/")}
    portal_services.institution_staff_invite(institution=institution, actor=admin, **values)

    with pytest.raises(ValidationError) as refused:
        portal_services.institution_staff_invite(institution=institution, actor=admin, **values)

    assert refused.value.message_dict == {"username": ["该用户名已被使用，请换一个。"]}
    assert (User.objects.filter(username="new_staff").count(), len(mail.outbox)) == (1, 1)


def test_invite_staff_outside_the_jurisdiction_is_404(login, jurisdiction):
    admin, pending, staff, elsewhere = jurisdiction
    client = login(admin)

    response = client.post(institution_url(elsewhere), {"username": "intruder", "full_name": "外人", "email": "i@example.cn"})

    assert response.status_code == 404
    assert not User.objects.filter(username="intruder").exists()
    assert mail.outbox == []


@pytest.mark.history
def test_disable_staff_ends_its_sessions_and_login(login, jurisdiction, client):
    admin, pending, staff, elsewhere = jurisdiction
    staff_client = Client()
    staff_client.force_login(staff)
    login(admin)

    response = client.post(
        reverse("applications:staff_set_active", args=[pending.pk, staff.pk]), {"active": "0"}
    )

    assert messages_of(response) == ["已停用账号 xindengji。"]
    staff.refresh_from_db()
    assert staff.is_active is False
    assert staff.history.order_by("-history_date", "-history_id").first().history_user == admin
    home = staff_client.get(reverse("home"))
    assert (home.status_code, home["Location"]) == (302, f"{reverse('login')}?next={reverse('home')}")
    refused = Client().post(reverse("login"), {"username": "xindengji", "password": "Test-pass-2026"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["__all__"]


@pytest.mark.history
def test_disabling_twice_is_one_change(login, jurisdiction, client):
    """A second click (or a colleague at the same time) finds the account disabled already: no error, no second
    history row or audit record."""
    admin, pending, staff, elsewhere = jurisdiction
    login(admin)
    url = reverse("applications:staff_set_active", args=[pending.pk, staff.pk])

    client.post(url, {"active": "0"})
    rows = (staff.history.count(), AuditRecord.objects.filter(detail=f"account {staff.username} disabled").count())
    again = client.post(url, {"active": "0"})

    assert again.status_code == 302
    assert messages_of(again) == ["已停用账号 xindengji。"]
    assert (staff.history.count(), AuditRecord.objects.filter(detail=f"account {staff.username} disabled").count()) == rows
    assert rows[1] == 1


def test_enable_staff_again_allows_login(login, jurisdiction, client):
    admin, pending, staff, elsewhere = jurisdiction
    staff.is_active = False
    staff.save()
    login(admin)

    response = client.post(reverse("applications:staff_set_active", args=[pending.pk, staff.pk]), {"active": "1"})

    assert messages_of(response) == ["已启用账号 xindengji。"]
    signed_in = Client().post(reverse("login"), {"username": "xindengji", "password": "Test-pass-2026"})
    assert signed_in.status_code == 302


def test_disable_staff_of_another_institution_through_this_one_is_404(login, jurisdiction):
    admin, pending, staff, elsewhere = jurisdiction
    other_staff = ApplicantFactory(institution=InstitutionFactory())
    client = login(admin)

    response = client.post(reverse("applications:staff_set_active", args=[pending.pk, other_staff.pk]), {"active": "0"})

    assert response.status_code == 404
    other_staff.refresh_from_db()
    assert other_staff.is_active is True


def test_disable_staff_by_the_applicant_is_403(login, jurisdiction):
    admin, pending, staff, elsewhere = jurisdiction
    colleague = ApplicantFactory(institution=pending)
    client = login(staff)

    response = client.post(reverse("applications:staff_set_active", args=[pending.pk, colleague.pk]), {"active": "0"})

    assert response.status_code == 403
    colleague.refresh_from_db()
    assert colleague.is_active is True
