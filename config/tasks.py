"""Celery tasks that span apps (the project's top layer may read them all)."""

from celery import shared_task

from complaints.retention import identities_purge
from satisfaction.retention import phones_purge


@shared_task(name="config.tasks.personal_data_purge")
def personal_data_purge() -> int:
    """Daily (beat): raters' phones and complainants' identities erased once their retention is over."""
    return phones_purge() + identities_purge()
