"""Periodic tasks of the shared core. Thin: the logic is in services."""

import logging

from celery import shared_task
from django.conf import settings

from portal import services

logger = logging.getLogger(__name__)


@shared_task(name="portal.tasks.flag_inactive_accounts")
def flag_inactive_accounts() -> int:
    count = services.users_flag_inactive(days=settings.ACCOUNT_INACTIVE_DAYS)
    logger.info("flagged %d inactive accounts", count)
    return count
