"""Receipt numbers handed to the public (an objection's, a complaint's): a prefix, the day in Beijing time and six
characters that read out unambiguously over the phone, unique among the model's rows."""

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Model
from django.utils import timezone

RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone
BEIJING = ZoneInfo("Asia/Shanghai")


def receipt_number(prefix: str, model: type[Model], now: datetime, field: str = "receipt_number") -> str:
    """`YY20261207-7KQ2MX` for prefix YY: a number no row of `model` holds yet."""
    day = timezone.localtime(now, BEIJING).strftime("%Y%m%d")
    while True:
        number = f"{prefix}{day}-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(6))
        if not model._default_manager.filter(**{field: number}).exists():
            return number
