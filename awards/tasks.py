"""Celery tasks of the plaques. Thin: the logic is in awards.batches."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="awards.tasks.render_plaque_chunk", acks_late=True)
def render_plaque_chunk(batch_id: int, index: int, award_ids: list[int]) -> None:
    from awards.batches import chunk_render

    chunk_render(batch_id=batch_id, index=index, award_ids=award_ids)


@shared_task(name="awards.tasks.awards_sweep")
def awards_sweep() -> dict[str, int]:
    """Queue again the chunks of plaque batches that wrote nothing for a while (a worker died, Redis lost them)."""
    from awards.batches import batches_resume

    done = {"batches_resumed": batches_resume()}
    logger.info("awards sweep: %s", done)
    return done
