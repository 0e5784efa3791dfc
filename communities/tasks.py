"""Celery tasks of the campaigns. Thin: the logic is in communities.milestones and communities.rechecks."""

from celery import shared_task

from communities.milestones import milestones_remind
from communities.rechecks import rectifications_remind


@shared_task(name="communities.tasks.milestones_remind")
def remind_milestones() -> int:
    """Tell whoever owes a step of a campaign's plan, or a rectification, that it is due or overdue (every few hours;
    idempotent within a day)."""
    return milestones_remind() + rectifications_remind()
