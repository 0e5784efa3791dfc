from io import BytesIO

import pytest
from openpyxl import load_workbook

from appraisal import services
from appraisal.enums import AppraisalStatus
from appraisal.models import Appraisal
from tests.appraisal.conftest import marks, substantiated


def _urls(appraisal, member):
    pk = appraisal.pk
    return [f"/appraisal/{pk}/", f"/appraisal/{pk}/settings/", f"/appraisal/{pk}/staff/{member.pk}/",
            f"/appraisal/{pk}/conclude/", f"/appraisal/{pk}/export/"]


@pytest.mark.parametrize("who", ["outsider", "far_admin"])
def test_every_url_404_for_another_institution_and_another_county(client, login, request, appraisal, staff, who):
    login(request.getfixturevalue(who))

    codes = [client.post(url).status_code if url.endswith("conclude/") else client.get(url).status_code
             for url in _urls(appraisal, staff[0])]

    assert codes == [404] * 5


def test_admin_reads_and_exports_but_does_not_edit(client, login, admin, appraisal, staff):
    login(admin)

    assert client.get(f"/appraisal/{appraisal.pk}/").status_code == 200
    assert client.get(f"/appraisal/{appraisal.pk}/export/").status_code == 200
    assert client.get(f"/appraisal/{appraisal.pk}/staff/{staff[0].pk}/").status_code == 404
    assert client.post(f"/appraisal/{appraisal.pk}/conclude/").status_code == 404
    assert [a.pk for a in client.get("/appraisal/").context["appraisals"]] == [appraisal.pk]


def test_anonymous_redirected_to_login(client, appraisal):
    assert client.get(f"/appraisal/{appraisal.pk}/").status_code == 302


def test_keeper_opens_scores_and_concludes(client, login, keeper, platform, staff):
    login(keeper)

    response = client.post("/appraisal/open/", {"year": "2026"})
    appraisal = Appraisal.objects.get(institution=platform, year=2026)
    assert response.url == f"/appraisal/{appraisal.pk}/"
    form = {f"{s}_{d}": "80" for s in ("clients", "peers", "leaders") for d in ("de", "qin", "ji", "xiao")}
    for member in staff:
        assert client.post(f"/appraisal/{appraisal.pk}/staff/{member.pk}/", form).status_code == 302
    assert client.get(f"/appraisal/{appraisal.pk}/conclude/").status_code == 405
    client.post(f"/appraisal/{appraisal.pk}/conclude/")

    appraisal.refresh_from_db()
    assert appraisal.status == AppraisalStatus.CONCLUDED
    assert [str(s.total) for s in appraisal.scores.all()] == ["80.00", "80.00"]


def test_score_form_refuses_over_100(client, login, keeper, appraisal, staff):
    login(keeper)
    form = {f"{s}_{d}": "80" for s in ("clients", "peers", "leaders") for d in ("de", "qin", "ji", "xiao")}

    response = client.post(f"/appraisal/{appraisal.pk}/staff/{staff[0].pk}/", form | {"leaders_ji": "101"})

    assert response.status_code == 200
    assert not appraisal.scores.exists()


def test_export_lists_grades_complaints_and_dismissal(client, login, keeper, platform, staff):
    before = services.appraisal_open(institution=platform, year=2025, actor=keeper)
    for member in staff:
        services.score_save(appraisal=before, member=member, marks=marks(50, 50, 50, 50), actor=keeper)
    services.appraisal_conclude(appraisal=before, actor=keeper)
    now = services.appraisal_open(institution=platform, year=2026, actor=keeper)
    services.score_save(appraisal=now, member=staff[0], marks=marks(50, 50, 50, 50), actor=keeper)
    services.score_save(appraisal=now, member=staff[1], marks=marks(95, 95, 95, 90), actor=keeper)
    substantiated(staff[1], 2026, 3)
    login(keeper)

    response = client.get(f"/appraisal/{now.pk}/export/")

    rows = [list(r) for r in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert rows[0] == ["序号", "姓名", "岗位", "工号", "德（百分制）", "勤（百分制）", "绩（百分制）", "效（百分制）",
                       "总分", "当年查实投诉次数", "等级", "评定依据", "处理提示"]
    assert rows[1] == [1, "王丽娟", None, None, "50.00", "50.00", "50.00", "50.00", "50.00", 0, "不称职", "按总分评定", "应予辞退"]
    assert rows[2] == [2, "赵海涛", None, None, "95.00", "95.00", "95.00", "90.00", "94.00", 3, "不称职",
                       "当年被投诉并查实3次，按业务规范三(五)2评为不称职", "应予辞退"]


def test_detail_shows_grade_reason_and_dismissal(client, login, keeper, platform, staff):
    before = services.appraisal_open(institution=platform, year=2025, actor=keeper)
    for member in staff:
        services.score_save(appraisal=before, member=member, marks=marks(50, 50, 50, 50), actor=keeper)
    services.appraisal_conclude(appraisal=before, actor=keeper)
    now = services.appraisal_open(institution=platform, year=2026, actor=keeper)
    services.score_save(appraisal=now, member=staff[0], marks=marks(50, 50, 50, 50), actor=keeper)
    login(keeper)

    page = client.get(f"/appraisal/{now.pk}/").content.decode()

    assert page.count("应予辞退") == 2  # the rules panel, and the flag on 王丽娟's line
    assert "连续两年考核不称职（三(四)4）" in page
    assert "评分</a>" in page  # 赵海涛 not yet scored
    assert client.get("/appraisal/").context["form"] is not None
