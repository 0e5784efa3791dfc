from datetime import date, datetime
from io import BytesIO

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from platforms.models import ServicePoint
from satisfaction import services
from satisfaction.models import Case, PublishedRanking, Rating
from satisfaction.quarters import Quarter
from tests.satisfaction.world import BAD, BEIJING, BUILT_AT, GOOD, PHONE, build, rate
from tests.worlds import module_world

_world, world = module_world("world", build, built_at=BUILT_AT)
pytestmark = pytest.mark.django_db
FORM = {
    "service": "就业登记", "overall": "2", "efficiency": "3", "competence": "4", "attitude": "1",
    "comment": "等候太久", "phone": PHONE, "phone_consent": "on",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def _url(point):
    return reverse("satisfaction:rate", args=[point.token])


def test_rate_page_names_window_and_sets_device_cookie(client, world):
    response = client.get(_url(world["point"]))

    assert response.status_code == 200
    assert "高青县田镇街道便民服务中心" in response.text and "就业登记窗口" in response.text
    assert "satisfaction_device" in response.cookies


def test_rate_unknown_or_inactive_window_is_404(client, world):
    ServicePoint.objects.filter(pk=world["luhu_point"].pk).update(is_active=False)

    assert client.get("/satisfaction/r/nope/").status_code == 404
    assert client.get(_url(world["luhu_point"])).status_code == 404


def test_rate_post_stores_and_thanks_with_receipt_code_without_phone(client, world):
    client.get(_url(world["point"]))

    response = client.post(_url(world["point"]), FORM, follow=True)

    rating = Rating.objects.get()
    assert (rating.overall, rating.attitude, rating.phone) == (2, 1, "+86" + PHONE)
    assert rating.receipt_code in response.text
    assert PHONE not in response.text and "8612345678" not in response.text


def test_rate_post_without_device_cookie_is_refused(client, world):
    response = client.post(_url(world["point"]), FORM)

    assert response.status_code == 200 and "Cookie" in response.text
    assert not Rating.objects.exists()


def test_rate_second_rating_same_device_refused_politely(client, world):
    client.get(_url(world["point"]))
    client.post(_url(world["point"]), FORM)

    response = client.post(_url(world["point"]), {**FORM, "overall": "5", "phone": "", "phone_consent": ""})

    assert response.status_code == 429 and "同一设备一小时内" in response.text
    assert Rating.objects.count() == 1


def test_rate_phone_only_with_unfavourable_and_consent(client, world):
    client.get(_url(world["point"]))

    response = client.post(_url(world["point"]), {**FORM, "phone_consent": ""})

    assert "留电话须勾选同意回访" in response.text
    assert not Rating.objects.exists()


def test_status_page_shows_reply_not_phone(client, world):
    rating = rate(world["point"], BAD)
    case = services.case_verify(case=rating.case, actor=world["tianzhen_user"], founded=False, findings="不属实")
    services.case_reply(case=case, actor=world["tianzhen_user"], text="已向您说明政策")

    response = client.post(reverse("satisfaction:status"), {"code": rating.receipt_code.lower()})

    assert "已向您说明政策" in response.text and "已办结" in response.text
    assert PHONE not in response.text and "等候太久" not in response.text


def test_status_wrong_code(client, world):
    response = client.post(reverse("satisfaction:status"), {"code": "AAAABBBBCCCC"})

    assert "查询码不正确" in response.text


# --- staff -------------------------------------------------------------------------------------------------------


def test_case_page_masks_phone_and_reveal_is_audited(client, login, world):
    from portal.models import AuditRecord

    case = rate(world["point"], BAD).case
    login(world["tianzhen_user"])

    page = client.get(case.get_absolute_url())
    revealed = client.post(reverse("satisfaction:case_phone", args=[case.pk]))

    assert "138****5678" in page.text and PHONE not in page.text
    assert PHONE in revealed.text
    assert AuditRecord.objects.filter(event="personal_data_view", object_id=str(case.pk)).count() == 1


def test_case_step_verify_then_refused_rectify_shows_message(client, login, world):
    case = rate(world["point"], BAD).case
    login(world["tianzhen_user"])

    client.post(reverse("satisfaction:case_step", args=[case.pk, "verify"]), {"verify-founded": "no", "verify-findings": "政策"})
    response = client.post(reverse("satisfaction:case_step", args=[case.pk, "rectify"]), {"rectify-measures": "x"})

    assert Case.objects.get(pk=case.pk).status == "answering"
    assert response.status_code == 400 and "无需整改" in response.text


def test_supervising_admin_reads_but_does_not_handle(client, login, world):
    case = rate(world["point"], BAD).case
    login(world["admin"])

    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.post(reverse("satisfaction:case_phone", args=[case.pk])).status_code == 403


@pytest.mark.parametrize("who", ["other_user", "other_admin"])
def test_outsiders_get_404_on_staff_urls(client, login, world, who):
    case = rate(world["point"], BAD).case
    login(world[who])
    urls = [
        reverse("satisfaction:institution", args=[world["tianzhen"].pk]),
        case.get_absolute_url(),
    ]

    assert [client.get(url).status_code for url in urls] == [404, 404]
    if who == "other_user":
        assert client.post(reverse("satisfaction:case_phone", args=[case.pk])).status_code == 404
        assert client.post(reverse("satisfaction:case_step", args=[case.pk, "verify"]), {}).status_code == 404


def test_anonymous_staff_urls_redirect_to_login(client, world):
    response = client.get(reverse("satisfaction:results"))

    assert response.status_code == 302 and "login" in response.url


def test_results_ranks_jurisdiction_only(client, login, world):
    rate(world["point"], GOOD)
    rate(world["other_point"], GOOD)
    login(world["admin"])

    response = client.get(reverse("satisfaction:results"), {"q": "2026Q4"})

    assert "高青县田镇街道便民服务中心" in response.text and "桓台县" not in response.text


def test_viewer_of_city_reads_both_counties(client, login, world):
    rate(world["point"], GOOD)
    rate(world["other_point"], GOOD)
    login(world["viewer"])

    response = client.get(reverse("satisfaction:results"), {"q": "2026Q4"})

    assert "高青县田镇街道便民服务中心" in response.text and "桓台县索镇街道便民服务中心" in response.text


def test_export_has_rates_and_no_phone_or_comment(client, login, world):
    rate(world["point"], BAD)
    rate(world["point"], GOOD, device="g")
    login(world["admin"])

    response = client.get(reverse("satisfaction:export"), {"q": "2026Q4"})

    sheet = load_workbook(BytesIO(response.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row]
    assert cells[: len(sheet[1])][:3] == ["序号", "机构", "评价数"]
    assert "高青县田镇街道便民服务中心" in cells and "50.00" in cells
    assert not any(PHONE[-4:] in c or "等候太久" in c for c in cells)


def test_publish_ranking_then_public_page_has_names_and_rates_only(client, login, world, time_machine):
    rate(world["point"], BAD, now=datetime(2026, 8, 3, 9, tzinfo=BEIJING))
    rate(world["luhu_point"], GOOD, now=datetime(2026, 8, 3, 9, tzinfo=BEIJING))
    login(world["admin"])

    response = client.post(reverse("satisfaction:publish"), {"region": world["gaoqing"].pk, "quarter": "2026Q3"})
    ranking = PublishedRanking.objects.get()
    client.logout()
    public = client.get(ranking.get_absolute_url())

    assert response.status_code == 302 and response.url == ranking.get_absolute_url()
    assert [row["institution"] for row in ranking.rows] == ["高青县芦湖街道社区就业服务站", "高青县田镇街道便民服务中心"]
    assert "100.00%" in public.text and "高青县田镇街道便民服务中心" in public.text
    assert PHONE not in public.text and PHONE[-4:] not in public.text and "等候太久" not in public.text
    assert "csrftoken" not in public.cookies and "sessionid" not in public.cookies


def test_publish_refused_for_unfinished_quarter_and_other_county(world):
    rate(world["point"], GOOD)

    with pytest.raises(services.Refused, match="尚未结束"):
        services.ranking_publish(region=world["gaoqing"], quarter=Quarter(2026, 4), actor=world["admin"])
    from satisfaction.selectors import regions_publishable_by

    assert world["huantai"] not in regions_publishable_by(world["admin"])
    assert date(2026, 12, 31) == Quarter(2026, 4).last_day
