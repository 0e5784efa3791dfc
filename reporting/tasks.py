"""Celery tasks of the upward reports. Thin: the logic is in reporting.reminders."""

from celery import shared_task

from reporting import reminders


@shared_task(name="reporting.tasks.reports_remind")
def reports_remind() -> int:
    """Tell the regions whose report is due in 3 days, due today or overdue (run every few hours; once a day each)."""
    return reminders.reports_remind()
