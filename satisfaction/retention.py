"""Raters' phones kept only as long as the case needs them (PIPL; the rating form says 「办结后按规定删除」): erased
settings.OBJECTION_RETENTION_DAYS after the case closed, the same retention as objectors' identities."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.audit import AuditEvent, audit
from satisfaction.enums import CaseStatus
from satisfaction.models import Rating


def phones_purge(now: datetime | None = None) -> int:
    """Erase the phone of every rating whose case closed (replied) before the retention cut-off; the rating, its
    grades and the case's record stay. Returns how many were erased."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OBJECTION_RETENTION_DAYS)
    due = Rating.objects.filter(case__status=CaseStatus.CLOSED, case__replied_at__lt=cutoff).exclude(phone="")
    count = 0
    for rating in due:
        with transaction.atomic():
            rating.phone = ""
            rating.save(update_fields=["phone"])
            audit(AuditEvent.PURGE, username="celery", obj=rating, detail=f"rater's phone of rating {rating.pk}")
        count += 1
    return count
