"""What the admin's and the department lead's home pages say about publicity: objections waiting, the next step."""

from datetime import date

import pytest
import time_machine

from awards.selectors import publicity_steps
from publicity import services
from publicity.selectors import objection_counts, objections_for_user
from tests.awards.results_builders import issue
from tests.portal.helpers import visible_text
from tests.publicity.publicity_builders import at, file, listed_round, publish

pytestmark = pytest.mark.django_db

PUBLISHED = at(2026, 9, 28, 9)  # the period runs to Fri 9 October 2026 (National Day in between)
DURING = at(2026, 10, 8, 10)
AFTER = at(2026, 10, 12, 10)


@pytest.fixture
def listed():
    listed = listed_round()
    publish(listed, PUBLISHED)
    return listed


def test_steps_follow_the_notice_and_its_objections(listed):
    objection, _token = file(listed, DURING)

    with time_machine.travel(DURING, tick=False):
        during = publicity_steps([listed.programme])
    with time_machine.travel(AFTER, tick=False):
        waiting = publicity_steps([listed.programme])
        services.objection_assign(objection=objection, handler=listed.lead, deadline=date(2026, 10, 13), actor=listed.admin)
        services.objection_decide(objection=objection, upheld=False, findings="经核查", reply="异议不成立", actor=listed.lead)
        ready = publicity_steps([listed.programme])

    assert [(s.round, s.notice, s.ready, s.next_step) for s in during] == [
        (listed.round, listed.notice, False, "公示中，异议受理至2026年10月9日24时")
    ]
    assert [(s.ready, s.next_step) for s in waiting] == [(False, "公示期满，1件异议待办结")]
    assert [(s.ready, s.next_step) for s in ready] == [(True, "公示期满，可以公布结果")]


def test_an_announced_round_leaves_the_steps(listed):
    with time_machine.travel(AFTER, tick=False):
        issue(listed, now=AFTER)

        assert publicity_steps([listed.programme]) == []


def test_steps_of_other_programmes_are_not_listed(listed):
    other = listed_round(names=("丙",))

    assert publicity_steps([other.programme]) == []


def test_objection_counts_received_verifying_and_overdue(listed):
    received, _ = file(listed, DURING)
    verifying, _ = file(listed, DURING, rank=2)
    with time_machine.travel(DURING, tick=False):
        services.objection_assign(objection=verifying, handler=listed.lead, deadline=date(2026, 10, 9), actor=listed.admin)

    with time_machine.travel(AFTER, tick=False):
        counts = objection_counts(objections_for_user(listed.admin))

    assert counts == {"received": 1, "verifying": 1, "overdue": 1}


def test_admin_home_shows_waiting_objections_and_the_next_step(login, listed):
    file(listed, DURING)
    client = login(listed.admin)

    with time_machine.travel(AFTER, tick=False):
        page = visible_text(client.get("/home/"))

    assert "1 待交办异议" in page
    assert "0 核查中的异议" in page
    assert f"{listed.round} {listed.notice.title} 公示期满，1件异议待办结" in page


def test_department_lead_home_lists_the_objections_to_verify(login, listed):
    objection, _ = file(listed, DURING)
    with time_machine.travel(DURING, tick=False):
        services.objection_assign(objection=objection, handler=listed.lead, deadline=date(2026, 10, 9), actor=listed.admin)
    other_lead_objection, _ = file(listed, DURING, rank=2)  # not given to this lead

    with time_machine.travel(AFTER, tick=False):
        page = visible_text(login(listed.lead).get("/home/"))

    assert "交我核查的异议" in page
    assert f"1 {objection.receipt_number} 申报机构甲 2026-10-09 （已超期）" in page
    assert other_lead_objection.receipt_number not in page


def test_department_lead_without_objections_sees_no_such_panel(login, listed):
    assert "交我核查的异议" not in visible_text(login(listed.lead).get("/home/"))
