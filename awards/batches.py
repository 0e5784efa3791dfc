"""Batch rendering of plaques (issue 7, 4): a Celery job per chunk, progress in the database, one ZIP at the end.

The awards are split into chunks so that every worker process renders at once (2 cores, 2 processes), on one
machine or several. Each plaque is written to the batch's folder in the storage (the local disk or the object store)
as it is done; the progress is the number of files there plus the failures, so a chunk that runs twice (a killed
worker, acks_late) counts nothing twice. A chunk is rendered by one process at a time: two copies of it run together
after a worker was down for over an hour (the broker gives the killed delivery back when the sweep has queued the
chunk again), and the second one leaves it to the first (`_chunk_claimed`). A plaque that fails is reported with the
institution's name and the others go on. The chunk that finishes last writes the ZIP.
"""

import fcntl
import logging
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.enums import BatchStatus
from awards.models import Announcement, Award, PlaqueBatch
from portal import files
from portal.audit import AuditEvent, audit
from portal.models import Region, User
from portal.transitions import AlreadyExists, Refused, transition

logger = logging.getLogger(__name__)
CHUNK = 50


def batch_awards(batch: PlaqueBatch):
    if batch.announcement_id:
        awards = Award.objects.filter(announcement=batch.announcement_id)
    else:
        awards = Award.objects.filter(
            programme__region__code__startswith=batch.region.code_prefix, awarded_on__year=batch.year
        )
    return awards.select_related("programme__region", "announcement", "institution").order_by("plaque_number")


@transaction.atomic
def batch_start(*, actor: User, announcement: Announcement | None = None, region: Region | None = None,
                year: int | None = None) -> PlaqueBatch:
    """Queue a batch for an announcement, or for a jurisdiction's year. Refused when there is nothing to render.

    While a batch of the same scope is queued or running, it is the answer (AlreadyExists): a second click, or two
    admins at once, must not render every plaque twice. The scope's row (the announcement, or the region) is locked
    first so that two requests at once cannot both find none. Side effects: the batch row, an audit record, the
    chunks queued after the commit.
    """
    if announcement is not None:
        Announcement.objects.select_for_update(no_key=True).get(pk=announcement.pk)
        same_scope = PlaqueBatch.objects.filter(announcement=announcement)
    else:
        Region.objects.select_for_update(no_key=True).get(pk=region.pk)
        same_scope = PlaqueBatch.objects.filter(announcement=None, region=region, year=year)
    running = same_scope.filter(status__in=(BatchStatus.QUEUED, BatchStatus.RUNNING)).order_by("-created_at").first()
    if running is not None:
        raise AlreadyExists(_("这些奖牌正在批量生成，已为您打开其进度。"), running)
    batch = PlaqueBatch(announcement=announcement, region=region, year=year, created_by=actor)
    ids = list(batch_awards(batch).values_list("pk", flat=True))
    if not ids:
        raise Refused(_("没有可生成的奖牌。"))
    chunks = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    batch.total = len(ids)
    batch.chunks = chunks
    batch.chunks_total = len(chunks)
    batch.save()
    audit(AuditEvent.EXPORT, user=actor, obj=batch, detail=f"plaque batch of {len(ids)}")
    transaction.on_commit(lambda: _queue_chunks(batch, range(len(chunks))))
    return batch


def _queue_chunks(batch: PlaqueBatch, indexes) -> None:
    from awards.tasks import render_plaque_chunk
    from portal.queue import enqueue

    for index in indexes:
        enqueue(render_plaque_chunk, batch.pk, index, batch.chunks[index])


# A batch that wrote no plaque for this long lost its chunks (the broker was down when they were queued, or a worker
# was killed without a redelivery): the sweep queues its unfinished chunks again. Rendering twice writes nothing twice.
STALLED_AFTER = timedelta(minutes=10)


def batches_resume(now=None) -> int:
    """Queue again the unfinished chunks of stalled batches, or write the ZIP of one whose chunks are all done (its
    writer was killed); returns how many chunks were queued."""
    now = now or timezone.now()
    stalled = PlaqueBatch.objects.filter(status__in=(BatchStatus.QUEUED, BatchStatus.RUNNING)).filter(
        Q(progressed_at__lte=now - STALLED_AFTER) | Q(progressed_at__isnull=True, created_at__lte=now - STALLED_AFTER)
    )
    queued = 0
    for batch in stalled:
        if not PlaqueBatch.objects.filter(pk=batch.pk, progressed_at=batch.progressed_at).update(progressed_at=now):
            continue  # another sweep or a plaque got there first
        missing = [index for index in range(len(batch.chunks)) if index not in batch.chunks_done]
        if not missing:
            _write_archive(batch)
        _queue_chunks(batch, missing)
        queued += len(missing)
    return queued


def _folder(batch_id: int) -> str:
    """The batch's folder in the storage, where each plaque is kept as it is done until the ZIP holds them all."""
    return f"plaque-batches/batch-{batch_id}"


def _plaques(batch_id: int) -> list[str]:
    """The names of the plaques written so far, in order."""
    return [name for name in files.walk(default_storage, _folder(batch_id)) if name.endswith(".pdf")]


def _settled(batch: PlaqueBatch, index: int) -> bool:
    return index in batch.chunks_done or batch.status in (BatchStatus.DONE, BatchStatus.FAILED)


# PostgreSQL advisory lock keys of chunks: "PL" in the top bits, then the batch (32 bits) and the chunk (16 bits).
# Clear of portal.audit.CHAIN_LOCK_KEY, the only other key of the one-number kind.
CLAIM_KEY_BASE = 0x504C << 48


def claim_key(batch_id: int, index: int) -> int:
    return CLAIM_KEY_BASE | (batch_id & 0xFFFFFFFF) << 16 | index & 0xFFFF


@contextmanager
def _chunk_claimed(batch_id: int, index: int) -> Iterator[bool]:
    """Whether this process holds the chunk, until the block ends. A lock of the process's own session, not a row: a
    worker killed while rendering leaves no claim behind, its lock goes with it.

    PostgreSQL (several machines): a session advisory lock, which the server drops when the worker's connection ends
    (the kernel closes it when the process is killed; keepalives find a machine that vanished within two minutes).
    SQLite (one machine): the kernel's lock on a file in VAR_DIR, which goes with the killed process.
    """
    if connection.vendor == "postgresql":
        with _advisory_lock(claim_key(batch_id, index)) as claimed:
            yield claimed
        return
    folder = Path(settings.VAR_DIR) / "plaque-claims"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"batch-{batch_id}-chunk-{index}.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
        else:
            yield True


@contextmanager
def _advisory_lock(key: int) -> Iterator[bool]:
    with connection.cursor() as cursor:
        # Session-level settings: the server notices a vanished client after about 60 + 3 × 10 seconds of silence.
        cursor.execute(
            "SELECT set_config('tcp_keepalives_idle', '60', false), set_config('tcp_keepalives_interval', '10', false),"
            " set_config('tcp_keepalives_count', '3', false), pg_try_advisory_lock(%s)",
            [key],
        )
        claimed = cursor.fetchone()[-1]
    try:
        yield claimed
    finally:
        if claimed:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            except DatabaseError:  # the session is gone, and its lock with it
                logger.warning("chunk claim %s not released: the database connection was lost", key)


def chunk_render(*, batch_id: int, index: int, award_ids: list[int]) -> None:
    batch = PlaqueBatch.objects.get(pk=batch_id)
    if _settled(batch, index):
        return
    # QUEUED → RUNNING (PlaqueBatch.TRANSITIONS) as a conditional UPDATE: the chunks of one batch start side by side.
    PlaqueBatch.objects.filter(pk=batch_id, status=BatchStatus.QUEUED).update(status=BatchStatus.RUNNING)
    with _chunk_claimed(batch_id, index) as claimed:
        if not claimed:
            logger.info("chunk %s of batch %s is being rendered by another process", index, batch_id)
            return
        batch.refresh_from_db()
        if _settled(batch, index):  # finished while this copy waited in the queue
            return
        _render_awards(batch_id, award_ids)
        _chunk_finished(batch_id, index)


def _render_awards(batch_id: int, award_ids: list[int]) -> None:
    from awards.services import award_plaque_pdf

    folder = _folder(batch_id)
    for award in Award.objects.filter(pk__in=award_ids).select_related("programme__region", "announcement", "institution"):
        name = f"{folder}/{award.plaque_number}.pdf"
        if default_storage.exists(name):
            continue
        try:
            pdf = award_plaque_pdf(award)
        except Exception as error:  # one plaque's failure is reported; the others go on
            logger.exception("plaque %s failed", award.plaque_number)
            _record_failure(batch_id, award, error)
            continue
        files.save_whole(default_storage, name, ContentFile(pdf))  # a file is either whole or absent
        logger.info("plaque %s rendered into batch %s", award.plaque_number, batch_id)
        _clear_failure(batch_id, award)
        PlaqueBatch.objects.filter(pk=batch_id).update(done=len(_plaques(batch_id)), progressed_at=timezone.now())


def _record_failure(batch_id: int, award: Award, error: Exception) -> None:
    with transaction.atomic():
        batch = PlaqueBatch.objects.select_for_update().get(pk=batch_id)
        if all(item["award"] != award.pk for item in batch.failures):
            batch.failures.append({"award": award.pk, "name": award.institution_name, "error": str(error)[:200]})
            batch.save(update_fields=["failures"])


def _clear_failure(batch_id: int, award: Award) -> None:
    """A plaque that failed once and rendered on a redelivered chunk is no longer a failure."""
    with transaction.atomic():
        batch = PlaqueBatch.objects.select_for_update().get(pk=batch_id)
        kept = [item for item in batch.failures if item["award"] != award.pk]
        if len(kept) != len(batch.failures):
            batch.failures = kept
            batch.save(update_fields=["failures"])


def _chunk_finished(batch_id: int, index: int) -> None:
    with transaction.atomic():
        batch = PlaqueBatch.objects.select_for_update().get(pk=batch_id)
        if index in batch.chunks_done:
            return
        batch.chunks_done.append(index)
        batch.save(update_fields=["chunks_done"])
        # Only the call that completes the set writes the ZIP: two writers would delete each other's files.
        last = len(batch.chunks_done) == batch.chunks_total
    if last:
        _write_archive(batch)


def _write_archive(batch: PlaqueBatch) -> None:
    plaques = _plaques(batch.pk)
    with tempfile.TemporaryFile() as raw:
        with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
            for name in plaques:
                with default_storage.open(name, "rb") as plaque:
                    archive.writestr(name.rsplit("/", 1)[-1], plaque.read())
        batch.archive.save(f"plaques-{batch.pk}.zip", File(raw, name="plaques.zip"), save=False)
    batch = transition(
        batch, BatchStatus.DONE if plaques else BatchStatus.FAILED, table=PlaqueBatch.TRANSITIONS, actor=None,
        fields={"archive": batch.archive.name, "done": len(plaques), "finished_at": timezone.now()},
        audit_detail=f"plaque batch {batch.pk}: {len(plaques)} plaques, {len(batch.failures)} failed",
    )
    # Only now: a writer killed before this line leaves the plaques for the sweep to write the ZIP again.
    for name in files.walk(default_storage, _folder(batch.pk)):
        default_storage.delete(name)
    if files.is_local(default_storage):
        shutil.rmtree(default_storage.path(_folder(batch.pk)), ignore_errors=True)  # the folder, and partial files
    for claim in (Path(settings.VAR_DIR) / "plaque-claims").glob(f"batch-{batch.pk}-chunk-*.lock"):
        claim.unlink(missing_ok=True)
