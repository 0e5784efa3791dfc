"""Celery tasks of the complaints app: thin, the work is in complaints.alarms."""

from celery import shared_task

from complaints.alarms import first_answers_alarm as first_answers_alarm_service


@shared_task(name="complaints.tasks.first_answers_alarm")
def first_answers_alarm() -> int:
    """Hourly (beat): alarm the complaints whose first answer (当日回音) is overdue."""
    return first_answers_alarm_service()
