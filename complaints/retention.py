"""Complainants' identities kept only as long as the handling needs them (PIPL, as objectors' are): erased
settings.OBJECTION_RETENTION_DAYS after the outcome was told; the complaint, its handling and its outcome stay."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from complaints.enums import ComplaintStatus
from complaints.models import IDENTITY_FIELDS, Complaint
from portal.audit import AuditEvent, audit


def identities_purge(now: datetime | None = None) -> int:
    """Erase the name and phone of complaints told their outcome before the retention cut-off; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OBJECTION_RETENTION_DAYS)
    kept = Q()
    for field in IDENTITY_FIELDS:
        kept |= ~Q(**{field: ""})
    count = 0
    for complaint in Complaint.objects.filter(kept, status=ComplaintStatus.TOLD, told_at__lt=cutoff):
        with transaction.atomic():
            for field in IDENTITY_FIELDS:
                setattr(complaint, field, "")
            complaint.save(update_fields=list(IDENTITY_FIELDS))
            audit(AuditEvent.PURGE, username="celery", obj=complaint, detail=f"complainant identity of {complaint.receipt_number}")
        count += 1
    return count
