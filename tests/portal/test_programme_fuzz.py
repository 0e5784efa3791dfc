"""No input makes a 500 on the programme pages (docs/security.md 12): the programme form with its departments' rows,
the system administrator's region choice, and the department form, fuzzed as tests/test_fuzz.py fuzzes the others."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal import services
from tests.factories import DepartmentFactory, ProgrammeFactory, SystemAdminFactory, UserFactory
from tests.test_fuzz import FEW, QUERY, VALUE, around, check, id_text, rolled_back

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]


@pytest.fixture
def world():
    programme = ProgrammeFactory()
    extra = DepartmentFactory(region=programme.region)
    admin = UserFactory(region=programme.region)
    services.programme_admin_grant(programme=programme, user=admin)
    return programme, extra, admin


def _programme_data(programme, extra):
    known = [programme.lead_department_id, extra.pk]
    return around({
        "name": "高青县评定", "period": st.sampled_from(["13", "14", "15", "current"]), "period_quota": "5",
        "plaque_name": "", "doc_prefix": "", "publicity_days": "5", "publicity_template": "", "announcement_template": "",
        "departments-TOTAL_FORMS": st.sampled_from(["0", "1", "2", "9", "-1", "x"]), "departments-INITIAL_FORMS": "0",
        "departments-0-department": id_text(known), "departments-0-weight": st.sampled_from(["1", "0", "-1", "1e9"]),
        "departments-1-department": id_text(known), "departments-1-weight": VALUE,
    })


@FEW
@given(data=st.data())
def test_programme_form_posts(login, world, data):
    programme, extra, admin = world
    client = login(admin)
    payload = data.draw(_programme_data(programme, extra))
    with rolled_back():
        check(client.post("/programmes/new/", payload))
        check(client.post(f"/programmes/{programme.pk}/edit/", payload))


@FEW
@given(query=QUERY)
def test_system_admins_region_choice_and_department_list(login, query):
    client = login(SystemAdminFactory())
    with rolled_back():
        check(client.get("/programmes/new/", query))
        check(client.get("/departments/", query))


@FEW
@given(data=around({"name": "高青县财政局", "short_name": "县财政局", "kind": "finance", "doc_prefix": "高财字"}))
def test_department_form_posts(login, world, data):
    _programme, extra, admin = world
    client = login(admin)
    with rolled_back():
        check(client.post("/departments/new/", data))
        check(client.post(f"/departments/{extra.pk}/edit/", data))
