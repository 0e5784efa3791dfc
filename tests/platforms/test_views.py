from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from platforms.models import PlatformProfile, ServicePoint, StaffMember
from tests.factories import ReviewerFactory

pytestmark = pytest.mark.django_db

# Every URL of a platform: (name, args from the fixtures platform p, member m, window w, duty args).
URLS = [
    ("platforms:staff", "p"), ("platforms:staff_add", "p"), ("platforms:staff_export", "p"), ("platforms:staff_edit", "m"),
    ("platforms:staff_leave", "m"), ("platforms:windows", "p"), ("platforms:window_add", "p"), ("platforms:profile", "p"),
    ("platforms:window_edit", "w"), ("platforms:window_active", "w"), ("platforms:window_poster", "w"),
    ("platforms:duties", "p"), ("platforms:duty_record", "d"),
]
EDIT_ONLY = {"platforms:staff_add", "platforms:staff_edit", "platforms:staff_leave", "platforms:window_add",
             "platforms:profile", "platforms:window_edit", "platforms:window_active", "platforms:duty_record"}


def url_of(name, kind, platform, member, window):
    args = {"p": [platform.pk], "m": [member.pk], "w": [window.pk], "d": [platform.pk, 2026, 1, "survey"]}[kind]
    return reverse(name, args=args)


@pytest.mark.parametrize(("name", "kind"), URLS)
@pytest.mark.parametrize("who", ["outsider", "far_admin"])
def test_every_url_other_institution_or_county_gets_404(client, login, request, platform, member, window, name, kind, who):
    login(request.getfixturevalue(who))

    response = client.post(url_of(name, kind, platform, member, window))

    assert response.status_code == 404


@pytest.mark.parametrize(("name", "kind"), [url for url in URLS if url[0] in EDIT_ONLY])
def test_edit_urls_supervising_admin_gets_404(client, login, admin, platform, member, window, name, kind):
    login(admin)

    response = client.post(url_of(name, kind, platform, member, window))

    assert response.status_code == 404


def test_staff_page_anonymous_redirects_to_login(client, platform):
    response = client.get(reverse("platforms:staff", args=[platform.pk]))

    assert response.status_code == 302 and "/login" in response["Location"]


def test_staff_page_shows_ratio_and_shortfall(client, login, keeper, platform, member):
    StaffMember.objects.create(institution=platform, name="赵海涛")
    StaffMember.objects.create(institution=platform, name="陈建国")
    login(keeper)

    page = client.get(reverse("platforms:staff", args=[platform.pk])).content.decode()

    assert "1 / 3" in page and "33.33%" in page and "还需 1 名劳动保障协理员" in page


def test_staff_add_by_keeper(client, login, keeper, platform):
    login(keeper)

    response = client.post(reverse("platforms:staff_add", args=[platform.pk]), {
        "name": "孙晓燕", "position": "职业介绍", "staff_number": "GQ03", "qualifications": ["labour_assistant"],
        "joined_on": "2025-01-02",
    })

    assert response.status_code == 302
    assert list(StaffMember.objects.values_list("name", "qualifications")) == [("孙晓燕", ["labour_assistant"])]


def test_staff_leave_keeps_the_row(client, login, keeper, member):
    login(keeper)

    response = client.post(reverse("platforms:staff_leave", args=[member.pk]), {"left_on": "2026-05-01"})

    member.refresh_from_db()
    assert (response.status_code, member.left_on.isoformat()) == (302, "2026-05-01")


def test_staff_leave_get_is_refused(client, login, keeper, member):
    login(keeper)

    assert client.get(reverse("platforms:staff_leave", args=[member.pk])).status_code == 405


def test_staff_export_has_the_register(client, login, admin, platform, member):
    StaffMember.objects.create(institution=platform, name="=SUM(A1)", left_on="2026-02-03")
    login(admin)

    response = client.get(reverse("platforms:staff_export", args=[platform.pk]))

    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1] == [1, "王丽娟", "负责人", "GQ01", "劳动保障协理员、职业指导师（职业指导人员）", None, "在岗"]
    assert rows[2][1:2] + rows[2][6:] == ["'=SUM(A1)", "2026-02-03"]


def test_window_add_refuses_a_duplicate_name(client, login, keeper, platform, window):
    login(keeper)

    response = client.post(reverse("platforms:window_add", args=[platform.pk]), {"name": "就业登记窗口"})

    assert response.status_code == 200 and "本机构已有同名窗口" in response.content.decode()


def test_window_deactivate(client, login, keeper, window):
    login(keeper)

    client.post(reverse("platforms:window_active", args=[window.pk]), {"active": "0"})

    assert ServicePoint.objects.get(pk=window.pk).is_active is False


def test_profile_saves_the_complaint_phone(client, login, keeper, platform):
    login(keeper)

    client.post(reverse("platforms:profile", args=[platform.pk]), {"complaint_phone": "0533-6961234"})

    assert PlatformProfile.objects.get(institution=platform).complaint_phone == "0533-6961234"


def test_overview_flags_those_short(client, login, admin, platform, other_platform, member):
    login(admin)

    response = client.get(reverse("platforms:overview_staffing"))

    rows = response.context["rows"]
    assert [(p.name, f.meets) for p, f in rows] == [("芦湖街道社区就业服务站", False), ("田镇街道便民服务中心", True)]
    assert response.context["short"] == 1


def test_overview_export_content(client, login, admin, platform, member):
    login(admin)

    response = client.get(reverse("platforms:overview_staffing_export"))

    rows = [[c.value for c in row] for row in load_workbook(BytesIO(response.content)).active.iter_rows()]
    assert rows[1] == [1, "田镇街道便民服务中心", "高青县", 1, 1, "100.00%", 1, "100.00%", "达标", None]


def test_overview_far_admin_sees_none(client, login, far_admin, platform):
    login(far_admin)

    assert client.get(reverse("platforms:overview_staffing")).context["rows"] == []


def test_overview_wrong_role_gets_403(client, login, keeper):
    login(ReviewerFactory())

    assert client.get(reverse("platforms:overview_duties")).status_code == 403


def test_duties_pages_render_for_keeper_and_admin(client, login, keeper, admin, platform, other_platform, window):
    login(keeper)
    own = client.get(reverse("platforms:duties", args=[platform.pk]) + "?year=2026")
    windows = client.get(reverse("platforms:windows", args=[platform.pk]))
    login(admin)

    overview = client.get(reverse("platforms:overview_duties") + "?year=2026")

    assert (own.status_code, windows.status_code, overview.status_code) == (200, 200, 200)
    assert len(own.context["cells"]) == 8 and "登记完成" in own.content.decode()
    assert sorted(p.name for p, _cells in overview.context["rows"]) == sorted(["芦湖街道社区就业服务站", "田镇街道便民服务中心"])
