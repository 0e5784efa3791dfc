"""Celery tasks of the campaigns. Thin: the logic is in communities.milestones."""

from celery import shared_task

from communities.milestones import milestones_remind


@shared_task(name="communities.tasks.milestones_remind")
def remind_milestones() -> int:
    """Tell whoever owes a step of a campaign's plan that it is due or overdue (daily; idempotent within a day)."""
    return milestones_remind()
