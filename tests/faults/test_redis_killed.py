"""Redis SIGKILLed: what applicants and visitors send is saved, and the e-mails it could not queue go out once later.

With Redis gone the portal has no cache (sessions come from the database) and no broker: `enqueue` logs each e-mail
task it cannot queue and the request succeeds. Applicants sign in and submit, visitors file objections, all while
Redis is down. When it is back the worker reconnects by itself, and beat's catch-up
(`send_pending_notification_emails`) finds the notifications never e-mailed. The catch-up leaves alone what is
younger than 2 minutes (the on-commit task may be sending it): the test moves those rows' time back 3 minutes, as
the clock would, then queues the catch-up twice, as two beat ticks would.
"""

import pytest

from tests.faults.flows import COMPLETE, prepare_objection, prepare_submission, signed_in, state
from tests.faults.servers import wait_until

pytestmark = pytest.mark.faults


def _unmailed(stack, after: int) -> list[tuple[int, str, str]]:
    """The notifications written after id `after` whose e-mail has not gone out (to users with an address)."""
    return stack.sql(
        "SELECT n.id, u.email, n.text FROM portal_notification n JOIN portal_user u ON u.id = n.user_id"
        " WHERE n.id > %s AND n.emailed_at IS NULL AND u.email <> '' ORDER BY n.id",
        [after],
    )


def _copies(mails, notifications) -> list[int]:
    """How many messages went to each notification's user with its text (each text names its application or
    objection, so no other message matches)."""
    return [sum(1 for m in mails if m["To"] == to and text in m.get_body().get_content()) for _id, to, text in notifications]


def test_redis_killed_submissions_and_objections_are_saved_and_mailed_once_when_it_is_back(stack, figures):
    applicants = stack.seed["applications"][:3]
    entries = stack.seed["entries"]
    ((last,),) = stack.sql("SELECT coalesce(max(id), 0) FROM portal_notification")
    wait_until(lambda: not stack.redis.client().llen("celery"), timeout=60, interval=0.2, what="an idle queue")

    stack.redis.kill()
    writes = [prepare_submission(stack, signed_in(stack, a["username"]), a["id"]) for a in applicants]
    writes += [prepare_objection(stack, f"redis-{n}", entry) for n, entry in enumerate(entries)]
    for write in writes:
        write.send()
    states = [state(stack, write) for write in writes]
    unmailed = _unmailed(stack, last)
    sent_while_down = sum(_copies(stack.mails(), unmailed))
    stack.redis.start()
    stack.sql("UPDATE portal_notification SET created_at = created_at - interval '3 minutes' WHERE emailed_at IS NULL")
    for _ in range(2):
        stack.send_task("portal.tasks.send_pending_notification_emails")
    wait_until(lambda: not _unmailed(stack, last), timeout=60, interval=0.3, what="the catch-up's e-mails")
    copies = _copies(stack.mails(), unmailed)

    saved = states.count(COMPLETE)
    submitted, filed = len(applicants), len(entries)
    figures.append(
        f"outage redis: submitted {submitted} applications + {filed} objections while down (signed in while down too); "
        f"saved {saved}/{len(writes)}, pages {[w.outcome for w in writes].count('saved')}/{len(writes)} as when up; "
        f"e-mails not queued {len(unmailed)}, sent while down {sent_while_down}, sent after recovery "
        f"{sum(1 for c in copies if c)}/{len(unmailed)}, twice {sum(1 for c in copies if c > 1)}; "
        f"lost {len(writes) - saved + sum(1 for c in copies if not c)}"
    )
    assert [w.outcome for w in writes] == ["saved"] * len(writes)
    assert states == [COMPLETE] * len(writes)
    assert len(unmailed) == submitted + filed * stack.seed["notice_admins"] and sent_while_down == 0
    assert copies == [1] * len(unmailed)
