"""A rater's phone is erased once the case has been closed for the retention period (PIPL; the rating form promises
「办结后按规定删除」); the rating and its case stay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.models import AuditRecord
from satisfaction import services
from satisfaction.models import Case, Rating
from satisfaction.retention import phones_purge
from tests.satisfaction.world import BAD, BUILT_AT, PHONE, build, rate
from tests.worlds import module_world

_world, world = module_world("world", build, built_at=BUILT_AT)
pytestmark = pytest.mark.django_db


def test_the_phone_goes_after_the_retention_of_a_closed_case_and_only_then(world, settings):
    settings.OBJECTION_RETENTION_DAYS = 30
    user = world["tianzhen_user"]
    closed = Case.objects.get(rating=rate(world["point"], BAD, device="dev-a"))
    services.case_verify(case=closed, actor=user, founded=False, findings="系政策规定")
    services.case_reply(case=Case.objects.get(pk=closed.pk), actor=user, text="已解释政策")
    open_case = Case.objects.get(rating=rate(world["point"], BAD, device="dev-b", address="203.0.113.10"))

    assert phones_purge(now=timezone.now() + timedelta(days=29)) == 0  # not yet
    erased = phones_purge(now=timezone.now() + timedelta(days=31))
    again = phones_purge(now=timezone.now() + timedelta(days=31))

    assert (erased, again) == (1, 0)
    assert Rating.objects.get(pk=closed.rating_id).phone == ""
    assert Rating.objects.get(pk=closed.rating_id).overall == BAD["overall"]  # the rating itself stays
    assert PHONE in Rating.objects.get(pk=open_case.rating_id).phone  # a case still open keeps it
    assert AuditRecord.objects.filter(event="purge", object_type="satisfaction.rating").count() == 1
