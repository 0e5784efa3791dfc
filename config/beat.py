"""The periodic work of Celery beat (settings.CELERY_BEAT_SCHEDULE): every task is idempotent and catches up from the
database, so a missed run only delays it."""

BEAT_SCHEDULE = {
    "flag-inactive-accounts": {"task": "portal.tasks.flag_inactive_accounts", "schedule": 6 * 60 * 60},
    "clear-expired-sessions": {"task": "portal.tasks.clear_expired_sessions", "schedule": 24 * 60 * 60},
    # E-mails the broker never took (Redis down when they were queued) go out when it is back.
    "send-pending-notification-emails": {"task": "portal.tasks.send_pending_notification_emails", "schedule": 5 * 60},
    # Closes ended notices, reminds handlers and admins, purges old identities; idempotent, so it catches up.
    "publicity-sweep": {"task": "publicity.tasks.publicity_sweep", "schedule": 5 * 60},
    # Queues again the chunks of plaque batches that wrote nothing for a while (a worker died, Redis lost them).
    "awards-sweep": {"task": "awards.tasks.awards_sweep", "schedule": 5 * 60},
    # The audit chain's head, outside the database (docs/security.md 9); no new line while the head has not moved.
    "audit-anchor": {"task": "portal.tasks.audit_anchor", "schedule": 15 * 60},
    # The campaigns' milestones due within a week or overdue: their owners told (once, then weekly while overdue).
    "communities-milestones": {"task": "communities.tasks.milestones_remind", "schedule": 6 * 60 * 60},
    # Upward reports due in 3 days, today or overdue: the region's admins told, once a day at most.
    "reporting-remind": {"task": "reporting.tasks.reports_remind", "schedule": 6 * 60 * 60},
    # Quarterly duties due or overdue (weekly at most); a same-day first answer missed (each alarmed once, checked every
    # 15 minutes); unfavourable ratings' cases near their 15 working days (daily); raters' and complainants' data purged.
    "platforms-duties-remind": {"task": "platforms.tasks.duties_remind", "schedule": 6 * 60 * 60},
    "complaints-first-answers": {"task": "complaints.tasks.first_answers_alarm", "schedule": 15 * 60},
    "satisfaction-cases-remind": {"task": "satisfaction.tasks.cases_remind", "schedule": 6 * 60 * 60},
    "personal-data-purge": {"task": "config.tasks.personal_data_purge", "schedule": 24 * 60 * 60},
}
