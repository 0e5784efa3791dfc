from datetime import date

import pytest

from platforms.models import Qualification, StaffMember
from platforms.selectors import staffing, staffing_of
from tests.factories import InstitutionFactory

A, G = Qualification.LABOUR_ASSISTANT.value, Qualification.CAREER_GUIDANCE.value


def test_staffing_of_exactly_half_and_a_fifth_meets():
    figures = staffing_of([[A, G], [A], [], [], [A], [], [], [], [A], [A, G]])

    assert (figures.total, figures.meets, figures.shortfalls) == (10, True, [])
    assert [(r.count, r.percent, r.needed) for r in figures.ratios] == [(5, "50.00%", 0), (2, "20.00%", 0)]


def test_staffing_of_just_below_names_the_shortfall():
    figures = staffing_of([[A], [A], [], [], [], [G]])  # 2 of 6 协理员 (33 %): 3 needed; 1 of 6 指导师: ceil(1.2) = 2

    assert figures.meets is False
    assert figures.shortfalls == ["还需 1 名劳动保障协理员", "还需 1 名职业指导师"]


def test_staffing_of_odd_total_rounds_up():
    figures = staffing_of([[A, G], [A], [], [A], [G]])  # 5 people: 3 协理员 (ceil 2.5), 1 指导师

    assert (figures.meets, [r.needed for r in figures.ratios]) == (True, [0, 0])


def test_staffing_of_empty_register_is_not_met():
    figures = staffing_of([])

    assert (figures.total, figures.meets, figures.shortfalls) == (0, False, ["尚未登记在岗工作人员"])
    assert [r.percent for r in figures.ratios] == ["—", "—"]


@pytest.mark.django_db
def test_staffing_counts_only_current_staff():
    platform = InstitutionFactory()
    StaffMember.objects.create(institution=platform, name="甲", qualifications=[A, G])
    StaffMember.objects.create(institution=platform, name="乙", qualifications=[A])
    StaffMember.objects.create(institution=platform, name="丙", qualifications=[G], left_on=date(2026, 1, 1))
    StaffMember.objects.create(institution=platform, name="丁", qualifications=[], left_on=date(2099, 1, 1))

    figures = staffing(platform, today=date(2026, 6, 1))

    assert figures.total == 3
    assert [(r.count, r.needed) for r in figures.ratios] == [(2, 0), (1, 0)]
