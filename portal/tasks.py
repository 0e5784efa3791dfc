"""Periodic tasks of the shared core. Thin: the logic is in services."""

import logging

from celery import shared_task
from django.conf import settings

from portal import audit_anchors, services

logger = logging.getLogger(__name__)


@shared_task(name="portal.tasks.flag_inactive_accounts")
def flag_inactive_accounts() -> int:
    count = services.users_flag_inactive(days=settings.ACCOUNT_INACTIVE_DAYS)
    logger.info("flagged %d inactive accounts", count)
    return count


@shared_task(
    name="portal.tasks.send_notification_email",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_kwargs={"max_retries": 8},
)
def send_notification_email(notification_id: int) -> None:
    """E-mail one portal notification. Retries while the mail server is unreachable."""
    from portal.models import Notification

    note = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if note is None:
        logger.warning("notification %s is gone; nothing sent", notification_id)
        return
    services.notification_email_send(notification=note)


@shared_task(name="portal.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete expired sessions from the database (what `manage.py clearsessions` does); beat runs it daily."""
    from importlib import import_module

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@shared_task(name="portal.tasks.send_pending_notification_emails")
def send_pending_notification_emails() -> int:
    """The catch-up of notification e-mails whose task never ran (beat, every few minutes; idempotent)."""
    count = services.notifications_email_pending()
    if count:
        logger.info("sent %d pending notification e-mails", count)
    return count


@shared_task(name="portal.tasks.audit_anchor")
def audit_anchor() -> bool:
    """Anchor the audit chain's head outside the database (beat, every 15 minutes; no line while the head stays)."""
    return audit_anchors.audit_anchor_write(source="beat") is not None
