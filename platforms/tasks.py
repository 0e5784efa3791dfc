"""Celery tasks of the platforms. Thin: the logic is in platforms.duties."""

from celery import shared_task

from platforms.duties import duties_remind as remind


@shared_task(name="platforms.tasks.duties_remind")
def duties_remind() -> int:
    """Tell the grassroots platforms of their quarterly duties due within 10 days or overdue (daily; at most once a
    week per platform and quarter)."""
    return remind()
