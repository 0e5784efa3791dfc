"""What people do during the outages, over HTTP, and what the database says afterwards about each thing they sent.

A write is prepared (signed in, form read, CAPTCHA answered) and sent later, so that a stream of them can be sent
while a server is down. `application_state` and `objection_state` classify what the database kept of one write:
complete (every row the service writes), absent (none of them), or half-written (anything else).
"""

import re
import time
from dataclasses import dataclass

from tests.faults.browser import Browser, Form, Reply
from tests.faults.stack import Stack

NOT_SAVED = "您刚才提交的内容没有保存"  # the 503 page (templates/503.html)
COMPLETE, ABSENT, HALF = "complete", "absent", "half-written"


@dataclass
class Write:
    kind: str  # "application" or "objection"
    key: str  # the application's id, or the tag written into the objection's facts
    browser: Browser
    form: Form
    saved_at: str  # the pattern of where the portal sends the person when it was saved
    reply: Reply | None = None
    sent_at: float = 0.0  # time.monotonic()
    answered_at: float = 0.0

    def send(self) -> Reply:
        self.sent_at = time.monotonic()
        self.reply = self.browser.submit(self.form)
        self.answered_at = time.monotonic()
        return self.reply

    @property
    def outcome(self) -> str:
        """saved (redirected where a saved write goes), refused (the 503 page), http500, or other."""
        reply = self.reply
        if reply.status == 302 and re.fullmatch(self.saved_at, reply.location):
            return "saved"
        if reply.status == 503 and NOT_SAVED in reply.body and reply.headers.get("retry-after") == "60":
            return "refused"
        return "http500" if reply.status == 500 else "other"


def signed_in(stack: Stack, username: str) -> Browser:
    browser = stack.browser()
    reply = browser.sign_in(username, stack.seed["password"])
    assert reply.status == 302, f"sign-in of {username}: {reply.status} {reply.error}"
    keys = stack.seed.get("totp_keys", {}).get(username)
    if keys:  # staff give the code of their authenticator app after the password; each app once
        reply = browser.second_factor(keys.pop(0))
        assert reply.status == 302, f"second factor of {username}: {reply.status} {reply.error}"
    return browser


def prepare_submission(stack: Stack, browser: Browser, application_id: int) -> Write:
    """The applicant's complete draft, opened in the form and about to be sent with 提交申报."""
    path = f"/applications/{application_id}/edit/"
    page, form = browser.form(path, action=path)
    assert form is not None, f"no form at {path}: {page.status}"
    form.set("action", "submit")
    return Write("application", str(application_id), browser, form, rf"/applications/{application_id}/")


def prepare_objection(stack: Stack, tag: str, entry: int) -> Write:
    """A visitor's objection against `entry`, the CAPTCHA answered as the browser test does (read from the database)."""
    browser = stack.browser()
    path = f"/notices/{stack.seed['notice']}/objection/"
    page, form = browser.form(path, action=path)
    assert form is not None, f"no objection form: {page.status}"
    (answer,) = stack.sql("SELECT response FROM captcha_captchastore WHERE hashkey = %s", [form.get("captcha_0")])[0]
    for name, value in {
        "entry": str(entry),
        "name": "欧阳测试",
        "phone": "139 1234 5678",
        "email": "ouyang.ceshi@example.org",
        "facts": f"该机构申报材料中所列服务台账人数与实际不符，请予核查。（{tag}）",
        "consent": "on",
        "captcha_1": answer,
    }.items():
        form.set(name, value)
    return Write("objection", tag, browser, form, r"/objections/[\w-]+/[\w-]+/")  # the receipt


def application_state(stack: Stack, application_id: int) -> str:
    """Submitted with its time, its history, its audit record and the institution told; or a draft with none of them."""
    ((status, submitted_at, institution),) = stack.sql(
        "SELECT status, submitted_at, institution_id FROM applications_application WHERE id = %s", [application_id]
    )
    ((history,),) = stack.sql(
        "SELECT count(*) FROM applications_historicalapplication WHERE id = %s AND status = 'submitted'", [application_id]
    )
    ((audited,),) = stack.sql(
        "SELECT count(*) FROM portal_auditrecord WHERE object_type = 'applications.application' AND object_id = %s"
        " AND detail LIKE 'draft→submitted%%'",
        [str(application_id)],
    )
    ((staff,),) = stack.sql("SELECT count(*) FROM portal_user WHERE institution_id = %s AND is_active", [institution])
    ((told,),) = stack.sql(
        "SELECT count(*) FROM portal_notification WHERE link = %s", [f"/applications/{application_id}/"]
    )
    if status == "submitted" and submitted_at and history == 1 and audited == 1 and told == staff:
        return COMPLETE
    if status == "draft" and not submitted_at and history == audited == told == 0:
        return ABSENT
    return HALF


def objection_rows(stack: Stack, tag: str) -> list[tuple[int, str]]:
    return stack.sql("SELECT id, receipt_number FROM publicity_objection WHERE facts LIKE %s", [f"%（{tag}）"])


def objection_state(stack: Stack, tag: str) -> str:
    """One objection with its history, its audit record and the programme's admins told; or nothing at all."""
    rows = objection_rows(stack, tag)
    if not rows:
        return ABSENT
    if len(rows) > 1:
        return HALF  # filed twice
    ((objection_id, receipt),) = rows
    ((history,),) = stack.sql("SELECT count(*) FROM publicity_historicalobjection WHERE id = %s", [objection_id])
    ((audited,),) = stack.sql(
        "SELECT count(*) FROM portal_auditrecord WHERE object_type = 'publicity.objection' AND object_id = %s",
        [str(objection_id)],
    )
    ((told,),) = stack.sql("SELECT count(*) FROM portal_notification WHERE text LIKE %s", [f"%{receipt}%"])
    return COMPLETE if history == 1 and audited == 1 and told == stack.seed["notice_admins"] else HALF


def state(stack: Stack, write: Write) -> str:
    """What the database kept of `write`: COMPLETE, ABSENT or HALF."""
    return application_state(stack, int(write.key)) if write.kind == "application" else objection_state(stack, write.key)
