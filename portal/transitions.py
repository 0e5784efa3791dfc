"""One mechanism for every status field (applications, score sheets, assignments, objections, identity requests,
announcements, awards, plaque batches, institutions, accounts).

The allowed moves are data beside each model (`TRANSITIONS = {status: {next statuses}}`); `transition()` is the one
function that changes a status: it opens a transaction, locks the row, refuses a move that is not in the table, saves
the status and the fields that go with it with its history (who, when, the reason), writes one audit record and
queues the follow-up work for after the commit. Named verbs (`application_submit`, `objection_decide`, …) check their
own preconditions and then call it; nothing else assigns a status.

Two errors, both with a Chinese message the views show as it is:
- `TransitionError`: the move is not allowed from the current status (a double click, a stale page, a race).
- `Refused`: anything else a verb refuses (a missing reason, a deadline passed, a placeholder unknown to a template).
"""

from collections.abc import Callable, Mapping
from datetime import datetime

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from portal.audit import AuditEvent, audit


class Refused(Exception):
    """An action refused for a reason the user can act on; the message is shown as it is."""


class TransitionError(Refused):
    """A status move the model's table of moves does not allow from the current status."""


class AlreadyExists(TransitionError):
    """What a create-once action would make exists already (a second click, two people at once): `existing` is it,
    for the view to open with the message."""

    def __init__(self, message: str, existing):
        super().__init__(message)
        self.existing = existing


def allowed(table: Mapping[str, set[str]], current: str, to: str) -> bool:
    return to in table.get(current, set())


def transition(
    obj: Model,
    to: str,
    *,
    table: Mapping[str, set[str]],
    actor,
    note: str = "",
    field: str = "status",
    fields: Mapping[str, object] | None = None,
    now: datetime | None = None,
    request=None,
    audit_detail: str | None = None,
    also: Callable[[Model], None] | None = None,
    after_commit: Callable[[Model], None] | None = None,
    refusal: str | None = None,
) -> Model:
    """Move `obj`'s status to `to` if its table allows it; returns the saved, locked copy.

    Side effects: the row saved with `update_fields` (the status and `fields`), its history (actor, `note` or the new
    status's label as the change reason, `now` as the date), one `transition` audit record; `also(saved)` runs in the
    same transaction (notifications: a crash after the commit must not leave a change nobody was told of), and
    `after_commit(saved)` after it (work for the broker). `refusal` words the refusal of a move the table does not
    allow (with %(current)s and %(target)s, the statuses' labels).
    """
    model = type(obj)
    fields = dict(fields or {})
    with transaction.atomic():
        locked = model._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)
        current = getattr(locked, field)
        if not allowed(table, current, to):
            raise TransitionError(refusal_text(locked, field, current, to, refusal))
        setattr(locked, field, to)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked._history_user = actor
        locked._change_reason = note or dict(model._meta.get_field(field).flatchoices).get(to, to)
        if now is not None:
            locked._history_date = now
        update = [field, *fields]
        if any(f.name == "updated_at" for f in model._meta.fields):
            update.append("updated_at")
        locked.save(update_fields=update)
        detail = audit_detail if audit_detail is not None else f"{current}→{to} {note}".strip()
        audit(AuditEvent.TRANSITION, user=actor, request=request, obj=locked, detail=detail)
        if also is not None:
            also(locked)
        if after_commit is not None:
            transaction.on_commit(lambda: after_commit(locked))
    return locked


def refusal_text(obj: Model, field: str, current: str, to: str, wording: str | None = None) -> str:
    """「当前状态为“已提交”，不能变更为“草稿”。」 with the statuses' own labels."""
    choices = dict(obj._meta.get_field(field).flatchoices)
    return (wording or _("当前状态为“%(current)s”，不能变更为“%(target)s”。")) % {
        "current": choices.get(current, current),
        "target": choices.get(to, to),
    }
