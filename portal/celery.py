"""The Celery app. Broker and schedule come from settings (CELERY_* names)."""

import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
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
