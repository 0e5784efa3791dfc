import pytest

from complaints.deadlines import first_answer_due
from portal.models import WorkdayOverride
from portal.workdays import invalidate_calendar
from tests.complaints.conftest import at


@pytest.fixture
def labour_day(db):
    """A holiday schedule of our own (overrides win over the package): 4-30 to 5-3 off, 5-4 and Saturday 5-9 work."""
    for day, working in [(30, False)]:
        WorkdayOverride.objects.create(date=at(2026, 4, day).date(), is_working_day=working)
    for day, working in [(1, False), (2, False), (3, False), (4, True), (9, True)]:
        WorkdayOverride.objects.create(date=at(2026, 5, day).date(), is_working_day=working)
    invalidate_calendar()
    yield
    invalidate_calendar()


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2026, 3, 2, 16, 59), at(2026, 3, 3)),  # Monday before 17:00: by 24:00 the same day
        (at(2026, 3, 2, 17, 0), at(2026, 3, 4)),  # at 17:00: by 24:00 of the next working day
        (at(2026, 3, 6, 18, 0), at(2026, 3, 10)),  # Friday evening: Monday
        (at(2026, 3, 7, 10, 0), at(2026, 3, 10)),  # Saturday morning: Monday
    ],
)
def test_first_answer_due_before_and_after_five_and_weekend(db, received, due):
    invalidate_calendar()

    assert first_answer_due(received) == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2026, 4, 30, 10, 0), at(2026, 5, 5)),  # on a holiday: the first working day after it (Monday 5-4)
        (at(2026, 5, 8, 18, 0), at(2026, 5, 10)),  # Friday evening before a make-up Saturday: that Saturday
        (at(2026, 5, 9, 9, 0), at(2026, 5, 10)),  # on the make-up Saturday before 17:00: the same day
    ],
)
def test_first_answer_due_holiday_and_make_up_workday(labour_day, received, due):
    assert first_answer_due(received) == due
