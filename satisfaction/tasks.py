"""Celery tasks of the satisfaction app: thin, the logic is in satisfaction.reminders."""

import logging

from celery import shared_task

from satisfaction import reminders

logger = logging.getLogger(__name__)


@shared_task(name="satisfaction.tasks.cases_remind")
def cases_remind() -> int:
    run = reminders.cases_remind()
    if run is None:
        logger.info("satisfaction reminders: already ran today")
        return 0
    logger.info("satisfaction reminders: %d cases, %d people told", run.cases, run.notified)
    return run.cases
