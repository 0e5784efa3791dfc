"""Ledger imports of an assessment (台账导入): the Excel ledger of a `rate` item with a `ledger` key, uploaded in the
browser and imported by a Celery task (rubrics.tasks.ledger_import) with rubrics.ledger, its progress written to the
row every 1,000 rows for the page's progress bar, its rows stored (`LedgerEntry`, masked ID numbers only) and, when
the admin applies it, the item's achieved, total and excluded set from it.

The rows are a table (`LedgerEntry`) rather than a compressed file beside the import: the result page filters them by
outcome and pages through them with SQL, the export streams them, and the same person in another community's ledger
is found by the keyed hash's index. Storing 50,000 rows adds about half a second to the import (executemany, below;
scripts/bench_ledger_store.py).

The uploaded file holds ID numbers in clear: it is kept only until its import has finished, then deleted.

A run belongs to an `attempt`: restarting a stalled import (its worker killed, its task lost; nothing written for
`STALLED_AFTER`) starts a new attempt, and a run of an older attempt stops at its next progress report and stores
nothing (its rows are written in the transaction that checks the attempt).
"""

from __future__ import annotations

import datetime
import logging
import re
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import AuditEvent, audit
from portal.transitions import Refused
from rubrics import ledger, uploads
from rubrics.assessments import check_open, rescore
from rubrics.enums import LedgerStatus
from rubrics.ledger import LedgerError, Outcome, import_ledger
from rubrics.models import Assessment, LedgerEntry, LedgerUpload
from rubrics.services import rubric_data

logger = logging.getLogger(__name__)

STALLED_AFTER = timedelta(minutes=3)  # an import reports every 1,000 rows, a fraction of a second apart
BATCH = 5_000  # rows per executemany
PROGRESS_EVERY = ledger.PROGRESS_EVERY  # rows between two progress reports
ACTIVE = (LedgerStatus.QUEUED, LedgerStatus.RUNNING)


class Superseded(Exception):
    """This run's attempt is no longer the import's (it was restarted): stop, store nothing."""


def ledger_item(assessment: Assessment, code: str, data: dict | None = None) -> dict:
    """The item of the assessment's rubric that takes a ledger; Refused when it has none."""
    data = data or rubric_data(assessment.rubric)
    for item in data["items"] + data.get("bonus", []):
        if str(item["code"]) == code and item.get("ledger") and item.get("kind") == "rate":
            return item
    raise Refused(_("评分项“%(code)s”不能导入台账。") % {"code": code})


def is_stalled(upload: LedgerUpload, now=None) -> bool:
    """Queued or running and nothing written for STALLED_AFTER: its worker died or its task was lost."""
    last = upload.progressed_at or upload.created_at
    return upload.status in ACTIVE and last <= (now or timezone.now()) - STALLED_AFTER


def ledger_start(*, assessment: Assessment, item_code: str, uploaded, actor) -> LedgerUpload:
    """Store an uploaded ledger (after the portal's upload inspection: ValidationError in Chinese) and its import row,
    queued. The caller queues the task after the commit (rubrics.tasks.ledger_import). Side effects: the file, the
    row, an audit record."""
    check_open(assessment)
    ledger_item(assessment, item_code)
    uploads.inspect(uploaded, limits=uploads.EXCEL_LIMITS, allowed=uploads.EXCEL_TYPES)
    upload = LedgerUpload.objects.create(
        assessment=assessment, item_code=item_code, file=uploaded, original_name=uploaded.name[:200],
        created_by=actor, progressed_at=timezone.now(),
    )
    audit(AuditEvent.TRANSITION, user=actor, obj=assessment, detail=f"ledger import #{upload.pk} of {item_code} queued")
    return upload


def ledger_restart(*, upload: LedgerUpload, actor) -> LedgerUpload:
    """Start a stalled import again, as a new attempt (Refused when it is not stalled). The caller queues the task."""
    check_open(upload.assessment)
    if not is_stalled(upload):
        raise Refused(_("该台账正在导入，尚未停滞，请稍候。") if upload.status in ACTIVE else _("该台账已导入完毕。"))
    LedgerUpload.objects.filter(pk=upload.pk).update(
        attempt=upload.attempt + 1, status=LedgerStatus.QUEUED, done=0, progressed_at=timezone.now(), error=""
    )
    upload.refresh_from_db()
    audit(AuditEvent.TRANSITION, user=actor, obj=upload.assessment, detail=f"ledger import #{upload.pk} restarted")
    return upload


def _period_end(period: str) -> datetime.date | None:
    """The end of an assessment's period where it names a year (「2024年度」: 2024-12-31)."""
    year = re.search(r"(19|20)\d{2}", period or "")
    return datetime.date(int(year.group(0)), 12, 31) if year else None


def _elsewhere(upload: LedgerUpload) -> dict[str, str]:
    """The persons of the same item's ledgers applied in the other assessments of the rubric and period: by keyed
    hash, where they are (the subject's name)."""
    assessment = upload.assessment
    entries = LedgerEntry.objects.filter(
        upload__applied_at__isnull=False, upload__item_code=upload.item_code, upload__assessment__rubric=assessment.rubric_id,
        upload__assessment__period=assessment.period,
    ).exclude(upload__assessment=assessment).exclude(Q(outcome=Outcome.REFUSED) | Q(id_hash=""))
    return dict(entries.values_list("id_hash", "upload__assessment__subject"))


def _report(upload_id: int, attempt: int):
    def progress(done: int, total: int) -> None:
        updated = LedgerUpload.objects.filter(pk=upload_id, attempt=attempt).update(
            done=done, total=total, progressed_at=timezone.now()
        )
        if not updated:
            raise Superseded

    return progress


def ledger_run(upload_id: int, attempt: int) -> None:
    """The import itself (the task's body): claim the attempt, read the file with progress, store the rows and the
    counts, delete the file. A ledger refused as a whole (LedgerError) fails the import with its Chinese message."""
    claimed = LedgerUpload.objects.filter(pk=upload_id, attempt=attempt, status__in=ACTIVE).update(
        status=LedgerStatus.RUNNING, progressed_at=timezone.now()
    )
    if not claimed:
        return
    upload = LedgerUpload.objects.select_related("assessment__rubric").get(pk=upload_id)
    try:
        item = ledger_item(upload.assessment, upload.item_code)
        with upload.file.open("rb") as handle:
            content = handle.read()
        result = import_ledger(content, item, progress=_report(upload_id, attempt), every=PROGRESS_EVERY,
                               period_end=_period_end(upload.assessment.period), elsewhere=_elsewhere(upload))
    except Superseded:
        logger.info("ledger import %s: attempt %s superseded", upload_id, attempt)
        return
    except (LedgerError, Refused) as error:
        _finish(upload, attempt, status=LedgerStatus.FAILED, error=str(error))
        return
    except Exception:
        logger.exception("ledger import %s failed", upload_id)
        _finish(upload, attempt, status=LedgerStatus.FAILED, error=_("导入时发生错误，请检查文件后重新上传。"))
        return
    _store(upload, attempt, result)


COLUMNS = ("upload", "row", "name", "id_masked", "id_hash", "registered", "status", "reason", "note", "outcome", "why")


def _insert_entries(upload_id: int, rows) -> None:
    """The rows as LedgerEntry rows, with one prepared INSERT run for many rows (executemany): the ORM's bulk_create
    spends about 3 s of 50,000 rows building and compiling model instances, the database under a second."""
    fields = [LedgerEntry._meta.get_field(name) for name in COLUMNS]
    quote = connection.ops.quote_name
    # The table's and columns' names come from the model's own metadata, the values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # nosec B608
        quote(LedgerEntry._meta.db_table), ", ".join(quote(field.column) for field in fields), ", ".join(["%s"] * len(fields))
    )
    date = connection.ops.adapt_datefield_value
    values = [
        (upload_id, row.row, row.name[:100], row.id_masked[:40], row.id_hash, date(row.registered), row.status[:100],
         row.reason[:100], row.note[:200], row.outcome.value, row.why)
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), BATCH):
            cursor.executemany(sql, values[start:start + BATCH])


def _store(upload: LedgerUpload, attempt: int, result) -> None:
    """The rows and counts of a finished import, written with the attempt checked in the same transaction."""
    counts = {outcome.value: result.count(outcome) for outcome in Outcome}
    with transaction.atomic():
        if not LedgerUpload.objects.select_for_update().filter(pk=upload.pk, attempt=attempt).exists():
            return
        LedgerEntry.objects.filter(upload_id=upload.pk).delete()
        _insert_entries(upload.pk, result.rows)
        _finish(upload, attempt, status=LedgerStatus.DONE, **counts, done=len(result.rows), total=len(result.rows))


def _finish(upload: LedgerUpload, attempt: int, *, status: str, **fields) -> None:
    """The import's last word, and the file (ID numbers in clear) deleted once it is said."""
    now = timezone.now()
    with transaction.atomic():
        if not LedgerUpload.objects.filter(pk=upload.pk, attempt=attempt).update(
            status=status, finished_at=now, progressed_at=now, file="", **fields
        ):
            return
        name = upload.file.name
        transaction.on_commit(lambda: upload.file.storage.delete(name) if name else None)


@transaction.atomic
def ledger_apply(*, upload: LedgerUpload, actor) -> Assessment:
    """Set the item's achieved, total and excluded from a finished import, with the import as their source (its other
    facts, e.g. deductions, stay). Side effects: the assessment (history), the import marked applied (others of the
    item no longer), an audit record."""
    check_open(upload.assessment)
    if upload.status != LedgerStatus.DONE:
        raise Refused(_("台账尚未导入完毕，不能采用。"))
    assessment = Assessment.objects.select_for_update().get(pk=upload.assessment_id)
    facts = upload.facts()
    assessment.facts = {**assessment.facts, upload.item_code: {**assessment.facts.get(upload.item_code, {}), **facts}}
    assessment.sources = {**assessment.sources, upload.item_code: {
        "kind": "ledger", "upload": upload.pk, "file": upload.original_name, "by": actor.username,
        "at": timezone.now().isoformat(timespec="seconds"), "facts": facts,
    }}
    rescore(assessment)
    assessment._change_reason = f"ledger #{upload.pk} applied by {actor.username}"
    assessment.save()
    LedgerUpload.objects.filter(assessment=assessment, item_code=upload.item_code).exclude(pk=upload.pk).update(applied_at=None)
    LedgerUpload.objects.filter(pk=upload.pk).update(applied_at=timezone.now())
    audit(AuditEvent.TRANSITION, user=actor, obj=assessment, detail=f"ledger import #{upload.pk} applied to {upload.item_code}")
    return assessment
