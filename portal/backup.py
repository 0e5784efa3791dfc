"""Backup and restore of the database and the uploaded files (docs/security.md 22).

One archive, `backup-YYYYmmdd-HHMMSS.tar.gz` (Beijing time), holds `data.json` (a `dumpdata` fixture), `media/…`
(every file of the uploads' storage, read through the storage API: MEDIA_ROOT or the object store's bucket) and
`manifest.json` (format, time, migration state, rows per model, the SHA-256 of every other member). A restore goes
only into an empty database migrated to the same state: it never merges into or overwrites live data. The checksums
catch a damaged or altered member, not a forger who also rewrites the manifest: keep archives where only operators
can read them (they hold every applicant's data and password hashes).

No key is in an archive: back up the field key (FIELD_ENCRYPTION_KEYS or var/field_key) and the audit key
(AUDIT_HMAC_KEY or var/audit_key) apart from it, together. A restored audit log verifies only with the audit key its
records were signed with, and against the anchor file as it is: anchors written after the archive was made name
records the archive does not hold, so `audit_verify` reports them as a missing tail (they are lost). Restore runs as
the tables' owner, as migrate does (loaddata resets the sequences, which the application role may not).
"""

import datetime as dt
import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers import json as json_serializer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from portal import files
from portal.services import ADMIN_ROLES, role_group_name, role_groups_ensure

FORMAT_VERSION = 1
SHANGHAI = ZoneInfo("Asia/Shanghai")
MANIFEST, DATA, MEDIA = "manifest.json", "data.json", "media"
# Not dumped: migrate recreates content types and permissions (with ids of its own, hence the natural keys below), and
# sessions are transient (everyone signs in again). The admin's LogEntry is kept: it is a record of who changed what.
EXCLUDE = ["contenttypes", "auth.Permission", "sessions"]
# References to these are written by natural key: their ids are whatever migrate gave them in each database.
BY_NATURAL_KEY = (ContentType, Permission)
SERIALIZER_FORMAT = "portal-backup-json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A refused backup or restore; the message is Chinese and shown as-is."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    counts: dict[str, int]
    files: int


@dataclass(frozen=True)
class RestoreResult:
    records: int
    files: int


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds; a backup keeps the microseconds (the audit hashes cover them)."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class Serializer(json_serializer.Serializer):
    """Django's JSON with exact times, and natural keys only for references to ContentType and Permission.

    Why not natural keys everywhere (plain `natural_foreign=True`): User has one too, and a history row may still name a
    deleted user (simple-history's copies of foreign keys have no constraint); looking that user up would fail the dump.
    The stock JSON Deserializer reads both forms, so loaddata needs nothing special.
    """

    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = field.related_model in BY_NATURAL_KEY
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = field.related_model in BY_NATURAL_KEY
        super().handle_m2m_field(obj, field)


Deserializer = json_serializer.Deserializer  # register_serializer() wants both halves in the module


def backup_create(*, output_dir: Path | None = None, now: dt.datetime | None = None) -> BackupResult:
    """Write one archive of the database and the stored files into `output_dir` (default VAR_DIR/backups, mode 0700).

    The files are read through the storage API, from the local disk or the object store alike. Side effects: the
    archive file (mode 0600), written under a temporary name and renamed when complete.
    """
    output_dir = Path(output_dir or settings.VAR_DIR / "backups")
    if files.is_local(default_storage) and output_dir.resolve().is_relative_to(Path(default_storage.path("")).resolve()):
        raise BackupError("备份目录不能在 MEDIA_ROOT 之内：备份会把自己和以前的备份也装进去。")
    if not output_dir.exists():
        output_dir.mkdir(parents=True)
        output_dir.chmod(0o700)
    now = (now or dt.datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    path = output_dir / now.strftime("backup-%Y%m%d-%H%M%S.tar.gz")
    if path.exists():
        raise BackupError(f"备份文件已存在：{path}，请稍后再试。")
    fd, partial = tempfile.mkstemp(dir=output_dir, prefix=".backup-", suffix=".partial")  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "wb") as raw, tempfile.TemporaryDirectory(prefix="portal-backup-") as work:
            data = Path(work) / DATA
            migrations = _dump_database(data)
            counts = _count_records(data)
            with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                checksums = {DATA: _add_file(tar, DATA, data)}
                for name in files.walk(default_storage):
                    checksums[f"{MEDIA}/{name}"] = _add_stored(tar, f"{MEDIA}/{name}", name)
                manifest = {
                    "format": FORMAT_VERSION,
                    "created_at": now.isoformat(timespec="seconds"),
                    "database": connection.vendor,
                    "migrations": migrations,
                    "counts": counts,
                    "sha256": checksums,
                }
                _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return BackupResult(path=path, counts=counts, files=len(checksums) - 1)


def backup_restore(*, archive: Path) -> RestoreResult:
    """Restore an archive into this database, which must be empty and migrated to the archive's migration state.

    Checks every member's checksum first, then loads data.json and verifies the rows per model, then writes the media
    files, all in one transaction: any failure leaves the database empty. Side effects: every row of the archive, and
    its files in the storage (MEDIA_ROOT or the object store; a file already there under the same name is replaced).
    """
    ContentType.objects.clear_cache()  # natural keys must resolve to this database's ids
    try:
        tar = tarfile.open(archive, mode="r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"无法读取备份文件 {archive}：{error}")
    with tar, tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
        data = Path(work) / DATA
        manifest = _verify_archive(tar, data)
        _check_migrations(manifest["migrations"])
        _check_empty()
        with transaction.atomic():
            # migrate made the three administrators' groups afresh; the archive brings them with their own ids (the
            # accounts' memberships name those), and role_groups_ensure() puts their exact permissions back after.
            Group.objects.filter(name__in=_admin_group_names()).delete()
            call_command("loaddata", str(data), verbosity=0)
            role_groups_ensure()
            _check_counts(manifest["counts"])
            files = _restore_media(tar, manifest["sha256"])
    return RestoreResult(records=sum(manifest["counts"].values()), files=files)


# --- backup ----------------------------------------------------------------------------------------------------------


def _dump_database(path: Path) -> dict[str, list[str]]:
    """dumpdata into `path` from one snapshot; returns the migration state seen in that snapshot."""
    serializers.register_serializer(SERIALIZER_FORMAT, __name__)
    outermost = not connection.in_atomic_block
    # One transaction, so every table is read at the same moment. PostgreSQL: a repeatable-read snapshot, writers go
    # on. SQLite: the settings open transactions with BEGIN IMMEDIATE, so writers wait (up to the 20 s timeout).
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # Through stdout rather than output=: dumpdata opens output= in the locale's encoding; loaddata reads UTF-8.
        with path.open("w", encoding="utf-8") as stream:
            call_command(
                "dumpdata",
                format=SERIALIZER_FORMAT,
                exclude=EXCLUDE,
                natural_foreign=True,  # narrowed to ContentType and Permission by Serializer above
                natural_primary=False,
                use_base_manager=True,  # every row, whatever a default manager would hide
                stdout=stream,
                verbosity=0,
            )
        return _migration_state()


def _migration_state() -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        state.setdefault(app_label, []).append(name)
    return state


def _count_records(path: Path) -> dict[str, int]:
    """Rows per model in a fixture, including the rows of automatic many-to-many tables (portal.User_groups)."""
    counts: Counter[str] = Counter()
    with path.open(encoding="utf-8") as fixture:
        for obj in json.load(fixture):
            model = apps.get_model(obj["model"])
            counts[model._meta.label] += 1
            for field in model._meta.many_to_many:
                through = field.remote_field.through._meta
                if through.auto_created:
                    counts[through.label] += len(obj["fields"].get(field.name, []))
    return {label: count for label, count in sorted(counts.items()) if count}


class _HashingReader:
    """A file object that hashes what tarfile reads from it, so a file is read once and its checksum fits its bytes."""

    def __init__(self, raw):
        self.raw, self.digest = raw, hashlib.sha256()

    def read(self, size=-1):
        chunk = self.raw.read(size)
        self.digest.update(chunk)
        return chunk


def _add_file(tar: tarfile.TarFile, name: str, source: Path) -> str:
    """Add one file (size taken when opened; tarfile reads exactly that much) and return its SHA-256."""
    with source.open("rb") as raw:
        stat = os.fstat(raw.fileno())
        reader = _HashingReader(raw)
        tar.addfile(_tar_info(name, stat.st_size, stat.st_mtime), reader)
    return reader.digest.hexdigest()


def _add_stored(tar: tarfile.TarFile, member: str, name: str) -> str:
    """Add one file of the storage (size taken when opened; tarfile reads exactly that much) and return its SHA-256."""
    with default_storage.open(name, "rb") as stored:
        reader = _HashingReader(stored)
        tar.addfile(_tar_info(member, stored.size, _modified(name)), reader)
    return reader.digest.hexdigest()


def _modified(name: str) -> float:
    try:
        return default_storage.get_modified_time(name).timestamp()
    except NotImplementedError:
        return time.time()


def _add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    tar.addfile(_tar_info(name, len(content), time.time()), io.BytesIO(content))


def _tar_info(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    """A member owned by nobody in particular, readable by its owner only."""
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    return info


# --- restore ---------------------------------------------------------------------------------------------------------


def _member_name(member: tarfile.TarInfo) -> str:
    """The member's name if it is a regular file at a safe path: manifest.json, data.json or media/<relative path>."""
    name = member.name
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or str(path) != name:
        raise BackupError(f"备份文件中有不安全的路径：{name!r}，已拒绝恢复。")
    if not member.isfile():
        raise BackupError(f"备份文件中的 {name!r} 不是普通文件，已拒绝恢复。")
    if name not in (MANIFEST, DATA) and not (path.parts[0] == MEDIA and len(path.parts) > 1):
        raise BackupError(f"备份文件中有不认识的成员：{name!r}，已拒绝恢复。")
    return name


def _verify_archive(tar: tarfile.TarFile, data: Path) -> dict:
    """Read the manifest, check every member against its checksum, and copy data.json to `data`."""
    seen: dict[str, str] = {}
    manifest_bytes = None
    for member in tar:
        name = _member_name(member)
        if name in seen or (name == MANIFEST and manifest_bytes is not None):
            raise BackupError(f"备份文件中的 {name!r} 出现了两次，已拒绝恢复。")
        source = tar.extractfile(member)
        if name == MANIFEST:
            manifest_bytes = source.read()
            continue
        seen[name] = _copy_hashed(source, data if name == DATA else None)
    try:
        manifest = json.loads(manifest_bytes)
        if not all(isinstance(manifest[key], dict) for key in ("sha256", "migrations", "counts")):
            raise TypeError
    except (TypeError, ValueError, KeyError):
        raise BackupError("备份文件缺少清单（manifest.json）或清单无法读取。")
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('format')} 不受支持（本程序为 {FORMAT_VERSION}）。")
    expected = manifest["sha256"]
    bad = sorted(name for name in expected.keys() | seen.keys() if expected.get(name) != seen.get(name))
    if bad or DATA not in seen:
        raise BackupError(f"备份文件校验失败（{'、'.join(bad) or DATA}）：文件已损坏或被改动，已拒绝恢复。")
    return manifest


def _copy_hashed(source, target) -> str:
    """Copy `source` to `target` (a path, an open file, or None for nowhere) and return the SHA-256 of what was read."""
    digest = hashlib.sha256()
    with nullcontext(target) if hasattr(target, "write") else Path(target or os.devnull).open("wb") as sink:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            sink.write(chunk)
    return digest.hexdigest()


def _check_migrations(expected: dict[str, list[str]]) -> None:
    current = _migration_state()
    differing = sorted(app for app in expected.keys() | current.keys() if expected.get(app) != current.get(app))
    if differing:
        detail = "；".join(
            f"{app}：备份为 {(expected.get(app) or ['无'])[-1]}，本库为 {(current.get(app) or ['无'])[-1]}"
            for app in differing
        )
        raise BackupError(f"数据库的迁移状态与备份不同（{detail}）。请先迁移到与备份相同的状态再恢复。")


def _admin_group_names() -> list[str]:
    return [role_group_name(role) for role in ADMIN_ROLES]


def _check_empty() -> None:
    """Refuse a database with any row in a table the archive restores: loaddata would overwrite rows of the same id.
    The administrators' groups that migrate makes (and their permissions) do not count."""
    made_by_migrate = {
        Group: Group.objects.filter(name__in=_admin_group_names()),
        Group.permissions.through: Group.permissions.through.objects.filter(group__name__in=_admin_group_names()),
    }
    filled = [
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
        and not _excluded(model)
        and model._base_manager.exclude(pk__in=made_by_migrate[model].values("pk") if model in made_by_migrate else []).exists()
    ]
    if filled:
        raise BackupError(
            f"数据库中已有数据（{'、'.join(filled[:5])}{' 等' if len(filled) > 5 else ''}）："
            "恢复只能写入刚迁移的空数据库，不会覆盖现有数据。"
        )


def _excluded(model) -> bool:
    return model._meta.app_label in EXCLUDE or model._meta.label in EXCLUDE


def _check_counts(expected: dict[str, int]) -> None:
    wrong = [
        f"{label}：应为 {count}，实为 {actual}"
        for label, count in expected.items()
        if (actual := apps.get_model(label)._base_manager.count()) != count
    ]
    if wrong:
        raise BackupError(f"恢复后的记录数与备份不符（{'；'.join(wrong)}），已撤销恢复。")


def _restore_media(tar: tarfile.TarFile, checksums: dict[str, str]) -> int:
    """Write every media member into the storage, checking its checksum again as it is read."""
    count = 0
    for member in tar:
        name = _member_name(member)
        if not name.startswith(f"{MEDIA}/"):
            continue
        with tempfile.TemporaryFile(prefix="portal-restore-") as copy:
            if _copy_hashed(tar.extractfile(member), copy) != checksums[name]:
                raise BackupError(f"备份文件校验失败（{name}）：读取时内容已改变，已撤销恢复。")
            try:
                files.save_whole(default_storage, name.removeprefix(f"{MEDIA}/"), File(copy, name=name))
            except SuspiciousFileOperation:  # through a symbolic link inside MEDIA_ROOT
                raise BackupError(f"{name!r} 会写到 MEDIA_ROOT 之外，已撤销恢复。")
        count += 1
    return count
