"""Queueing a Celery task from any layer without importing the Celery app (which belongs to the project package)."""

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """Queue `task` now. When the broker cannot take it (Redis down), log it and return False: every caller's work
    is also found from the database by a periodic catch-up (an e-mail not yet sent, a reply, a batch's chunk), so
    nothing is lost and the request that asked for it does not fail after its data was committed."""
    from kombu.exceptions import KombuError

    try:
        task.delay(*args)
    except (KombuError, OSError) as error:
        logger.warning("broker unavailable: %s%r left to the catch-up (%s)", task.name, args, error)
        return False
    return True
