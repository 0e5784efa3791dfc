"""Celery keeps the publicity deadlines. Thin: the logic is in publicity.services.

Nothing here decides a state: a notice is open or ended by its dates. The sweep only tells people, once, and
catches up after a worker was down (each step claims its row with a conditional UPDATE).
"""

import logging

from celery import shared_task

from publicity import services

logger = logging.getLogger(__name__)


@shared_task(name="publicity.tasks.publicity_sweep")
def publicity_sweep() -> dict[str, int]:
    done = {
        "notices_ended": services.notices_close_ended(),
        "reminders": services.objections_remind_due(),
        "replies": services.objection_replies_send_pending(),
        "purged": services.objections_purge(),
    }
    logger.info("publicity sweep: %s", done)
    return done


@shared_task(
    name="publicity.tasks.send_objection_reply",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_kwargs={"max_retries": 8},
)
def send_objection_reply(objection_id: int) -> bool:
    from publicity.models import Objection

    objection = Objection.objects.filter(pk=objection_id).first()
    if objection is None:
        logger.warning("objection %s is gone; no reply sent", objection_id)
        return False
    return services.objection_reply_send(objection=objection)
