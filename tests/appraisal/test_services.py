from decimal import Decimal

import pytest

from appraisal import selectors, services
from appraisal.enums import AppraisalStatus, Grade
from appraisal.models import Appraisal
from portal.transitions import AlreadyExists, Refused
from tests.appraisal.conftest import marks, substantiated


def _score_all(appraisal, staff, keeper, values=(95, 95, 95, 95)):
    for member in staff:
        services.score_save(appraisal=appraisal, member=member, marks=marks(*values), actor=keeper)


def test_complaints_two_graded_by_score_three_incompetent(appraisal, staff, keeper):
    _score_all(appraisal, staff, keeper)
    substantiated(staff[0], 2026, 2)
    substantiated(staff[1], 2026, 3)
    substantiated(staff[0], 2025, 5)  # another year does not count

    lines = {line.member.name: line for line in selectors.lines(appraisal)}

    assert (lines["王丽娟"].grade, lines["王丽娟"].complaints) == (Grade.EXCELLENT, 2)
    assert (lines["赵海涛"].grade, lines["赵海涛"].complaints) == (Grade.INCOMPETENT, 3)
    assert lines["赵海涛"].reason == "当年被投诉并查实3次，按业务规范三(五)2评为不称职"


def test_conclude_refused_naming_who_is_missing(appraisal, staff, keeper):
    services.score_save(appraisal=appraisal, member=staff[0], marks=marks(80, 80, 80, 80), actor=keeper)

    with pytest.raises(Refused, match="以下在岗工作人员尚未评分：赵海涛。"):
        services.appraisal_conclude(appraisal=appraisal, actor=keeper)
    assert Appraisal.objects.get(pk=appraisal.pk).status == AppraisalStatus.DRAFT


@pytest.mark.history
def test_conclude_keeps_grades_and_history(appraisal, staff, keeper):
    _score_all(appraisal, staff, keeper)
    substantiated(staff[1], 2026, 3)

    services.appraisal_conclude(appraisal=appraisal, actor=keeper)

    rows = {s.staff_member.name: (s.total, s.grade, s.complaints) for s in appraisal.scores.all()}
    assert rows == {"王丽娟": (Decimal("95.00"), Grade.EXCELLENT, 0), "赵海涛": (Decimal("95.00"), Grade.INCOMPETENT, 3)}
    assert appraisal.history.first().status == AppraisalStatus.CONCLUDED
    assert appraisal.history.first().history_user == keeper
    with pytest.raises(Refused):
        services.score_save(appraisal=appraisal, member=staff[0], marks=marks(1, 1, 1, 1), actor=keeper)


def test_two_consecutive_years_incompetent_flagged(platform, staff, keeper):
    before = services.appraisal_open(institution=platform, year=2025, actor=keeper)
    services.score_save(appraisal=before, member=staff[0], marks=marks(50, 50, 50, 50), actor=keeper)
    services.score_save(appraisal=before, member=staff[1], marks=marks(50, 50, 50, 50), actor=keeper)
    services.appraisal_conclude(appraisal=before, actor=keeper)
    now = services.appraisal_open(institution=platform, year=2026, actor=keeper)
    services.score_save(appraisal=now, member=staff[0], marks=marks(59, 59, 59, 59), actor=keeper)
    services.score_save(appraisal=now, member=staff[1], marks=marks(60, 60, 60, 60), actor=keeper)

    lines = {line.member.name: (line.grade, line.dismiss) for line in selectors.lines(now)}

    assert lines == {"王丽娟": (Grade.INCOMPETENT, True), "赵海涛": (Grade.BASIC, False)}


def test_open_twice_refused_with_the_existing(appraisal, platform, keeper):
    with pytest.raises(AlreadyExists) as error:
        services.appraisal_open(institution=platform, year=2026, actor=keeper)

    assert error.value.existing == appraisal


def test_configure_recomputes_totals_and_checks_weights(appraisal, staff, keeper):
    by_source = {"clients": (100,) * 4, "peers": (0,) * 4, "leaders": (0,) * 4}
    services.score_save(appraisal=appraisal, member=staff[0], marks=marks(by_source=by_source), actor=keeper)
    values = dict(weight_clients=Decimal(50), weight_peers=Decimal(25), weight_leaders=Decimal(25),
                  excellent_from=Decimal(95), competent_from=Decimal(80), basic_from=Decimal(60))

    services.appraisal_configure(appraisal=appraisal, actor=keeper, **values)

    assert appraisal.scores.get().total == Decimal("50.00")
    with pytest.raises(Refused, match="权重之和应为100%"):
        services.appraisal_configure(appraisal=appraisal, actor=keeper, **(values | {"weight_peers": Decimal(30)}))
    with pytest.raises(Refused, match="依次递减"):
        services.appraisal_configure(appraisal=appraisal, actor=keeper, **(values | {"basic_from": Decimal(80)}))
