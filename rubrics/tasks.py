"""Celery tasks of the assessments. Thin: the logic is in rubrics.ledger_uploads."""

from celery import shared_task

from rubrics.ledger_uploads import ledger_run


@shared_task(name="rubrics.tasks.ledger_import", acks_late=True)
def ledger_import(upload_id: int, attempt: int) -> None:
    """Import an uploaded ledger (a killed worker's task is delivered again: acks_late; a lost one is restarted from
    the page once stalled)."""
    ledger_run(upload_id, attempt)
