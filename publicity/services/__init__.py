"""Writes of publicity (公示) and objections (异议), seed 000 五.3–五.4, by sub-topic: `notices` (the period, publishing,
the adjusted list), `objections` (filing, handling, replies) and `sweep` (the time-keeping Celery runs). Callers import
from here: `from publicity import services`.
"""

from publicity.services.notices import (  # noqa: F401
    DEFAULT_TEMPLATE,
    PLACEHOLDER,
    SHANGHAI,
    Candidate,
    Period,
    adjusted_list,
    latest_notice,
    list_publish,
    notice_draft,
    notice_issuers,
    notice_publish,
    programme_issuers,
    programme_templates_save,
    publicity_blockers,
    publicity_period,
    round_contacts,
)
from publicity.services.objections import (  # noqa: F401
    OBJECTION_UPLOAD_LIMITS,
    Identity,
    identity_reveal,
    may_see_identity,
    objection_assign,
    objection_decide,
    objection_file,
    objection_find,
    objection_open,
    objection_reply_send,
    private_link,
)
from publicity.services.sweep import (  # noqa: F401
    notices_close_ended,
    objection_replies_send_pending,
    objections_purge,
    objections_remind_due,
)
