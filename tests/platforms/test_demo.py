import pytest

from platforms.demo import seed_platforms
from platforms.models import Duty, ServicePoint
from platforms.selectors import staffing


@pytest.mark.django_db
def test_seed_platforms_is_idempotent_and_one_is_short(platform, other_platform):
    seed_platforms()
    seed_platforms()

    short = [p.name for p in (platform, other_platform) if not staffing(p).meets]
    assert len(short) == 1 and staffing(platform if short == [platform.name] else other_platform).shortfalls == ["还需 1 名职业指导师"]
    assert (ServicePoint.objects.count(), Duty.objects.count()) == (4, 12)
