"""Backup and restore (docs/security.md 22): one archive of database and media; a restore into an empty database finds
every record, and refuses live data, a changed archive, an unsafe member path and another migration state."""

import hashlib
import importlib
import io
import json
import shutil
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test import override_settings

from applications.models import Application, Attachment
from portal.audit import AuditEvent, audit
from portal.audit_anchors import audit_anchor_write
from portal.audit_check import FaultKind, audit_log_verify
from portal.backup import EXCLUDE
from portal.models import AuditRecord, Programme, User
from portal.services import programme_admin_grant
from tests.applications.factories import PNG, ApplicationFactory, AttachmentFactory
from tests.factories import ApplicantFactory, InstitutionFactory, ProgrammeFactory, UserFactory

PORTAL_MIGRATIONS = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "portal" / "migrations").glob("0*.py"))
LATEST_PORTAL_MIGRATION = PORTAL_MIGRATIONS[-1]

pytestmark = pytest.mark.backup


@pytest.fixture
def media_root(settings, tmp_path):
    """A MEDIA_ROOT of this test alone, so emptying it leaves other tests' files alone."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_data() -> dict:
    """One of everything the restore must bring back: rows, history, a file, object and model permissions, audit."""
    attachment = AttachmentFactory()
    programme = attachment.application.round.programme
    admin = UserFactory(username="programme-admin")
    programme_admin_grant(programme=programme, user=admin)  # guardian row + audit record
    group = Group.objects.create(name="查看组")
    group.permissions.add(Permission.objects.get(codename="view_programme"))
    admin.groups.add(group)
    admin.user_permissions.add(Permission.objects.get(codename="view_institution"))
    audit(AuditEvent.EXPORT, user=admin, obj=programme, detail="备份测试")
    LogEntry.objects.log_actions(user_id=admin.pk, queryset=[programme], action_flag=CHANGE, change_message="改名")
    # A history row naming a user who no longer exists (history keeps foreign keys without a constraint).
    gone = ApplicantFactory(username="gone")
    ApplicationFactory(created_by=gone, institution=gone.institution).delete()
    gone.delete()
    return {"attachment": attachment, "programme": programme, "admin": admin}


def run_backup(output) -> tuple:
    out = io.StringIO()
    call_command("backup", output=output, stdout=out)
    (archive,) = output.glob("backup-*.tar.gz")
    return archive, out.getvalue()


def restore(archive) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), yes=True, stdout=out)
    return out.getvalue().strip()


def dumped_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in EXCLUDE and model._meta.label not in EXCLUDE
    ]


def rows() -> dict[str, list]:
    """Every row of every table a backup holds. Content types and permissions by natural key (their ids differ between
    databases); many-to-many rows without their own id (loaddata numbers them afresh)."""
    natural = {model: {obj.pk: obj.natural_key() for obj in model.objects.all()} for model in (ContentType, Permission)}
    snapshot = {}
    for model in dumped_models():
        auto = model._meta.auto_created
        fields = [field for field in model._meta.concrete_fields if not (auto and field.primary_key)]
        values = [
            {
                field.name: natural.get(field.related_model, {}).get(value, value)
                for field, value in zip(fields, row, strict=True)
            }
            for row in model._base_manager.order_by("pk").values_list(*(field.attname for field in fields))
        ]
        snapshot[model._meta.label] = sorted(values, key=repr) if auto else values
    return snapshot


def empty_database(media_root) -> None:
    """Leave what a freshly migrated database holds: no rows, new content types and permissions (with new ids).

    TRUNCATE on PostgreSQL; on SQLite DELETE, with the audit table's append-only trigger lifted for it (as in
    tests/conftest.py). Sequences are not reset, so content types and permissions come back under other ids.
    """
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=True)
    append_only = importlib.import_module("portal.migrations.0006_auditrecord_append_only")
    if connection.vendor == "sqlite":
        with connection.schema_editor() as editor:
            append_only.allow_update_and_delete(None, editor)
    try:
        connection.ops.execute_sql_flush(statements)
    finally:
        if connection.vendor == "sqlite":
            with connection.schema_editor() as editor:
                append_only.forbid_update_and_delete(None, editor)
    ContentType.objects.clear_cache()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    shutil.rmtree(media_root)


def rewrite(archive, target, *, data=None, extra=None, manifest=None):
    """A copy of `archive` with data.json replaced, extra members (listed in the manifest), or the manifest edited."""
    with tarfile.open(archive, "r:gz") as tar:
        members = {member.name: tar.extractfile(member).read() for member in tar}
    document = json.loads(members.pop("manifest.json"))
    if data is not None:
        members["data.json"] = data
    for name, content in (extra or {}).items():
        members[name] = content
        document["sha256"][name] = hashlib.sha256(content).hexdigest()
    if manifest is not None:
        manifest(document)
    members["manifest.json"] = json.dumps(document).encode()
    with tarfile.open(target, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return target


# --- backup ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_backup_writes_one_private_archive_named_in_beijing_time(settings, tmp_path, media_root):
    settings.VAR_DIR = tmp_path
    made = make_data()

    with time_machine.travel(datetime(2026, 3, 1, 16, 30, 5, tzinfo=UTC), tick=False):
        call_command("backup", stdout=io.StringIO())

    folder = tmp_path / "backups"
    archive = folder / "backup-20260302-003005.tar.gz"
    assert [path.name for path in folder.iterdir()] == [archive.name]
    assert (folder.stat().st_mode & 0o777, archive.stat().st_mode & 0o777) == (0o700, 0o600)
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
        data = json.loads(tar.extractfile("data.json").read())
    assert names == ["data.json", f"media/{made['attachment'].file.name}", "manifest.json"]
    assert manifest["created_at"] == "2026-03-02T00:30:05+08:00"
    assert manifest["counts"]["applications.Attachment"] == 1
    assert manifest["migrations"]["portal"][-1] == LATEST_PORTAL_MIGRATION
    assert manifest["sha256"][f"media/{made['attachment'].file.name}"] == hashlib.sha256(PNG).hexdigest()
    (grant,) = [obj for obj in data if obj["model"] == "guardian.userobjectpermission"]
    assert (grant["fields"]["content_type"], grant["fields"]["permission"]) == (
        ["portal", "programme"],
        ["manage_programme", "portal", "programme"],
    )
    assert not any(obj["model"].startswith(("contenttypes.", "sessions.")) for obj in data)


def test_backup_refuses_folder_inside_media_root(media_root):
    with pytest.raises(CommandError, match="备份目录不能在 MEDIA_ROOT 之内"):
        call_command("backup", output=media_root / "backups")


# --- restore ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_restore_into_empty_database_finds_every_record(tmp_path, media_root):
    made = make_data()
    audit_anchor_write(source="test")
    before = rows()
    old_content_type = ContentType.objects.get_for_model(Programme).pk
    archive, printed = run_backup(tmp_path / "backups")
    empty_database(media_root)
    assert ContentType.objects.get_for_model(Programme).pk != old_content_type  # natural keys are put to the test

    message = restore(archive)

    records = sum(len(table) for table in before.values())
    assert message == f"恢复完成：共 {records} 条记录，1 个文件。"
    assert f"共 {records} 条记录，1 个文件" in printed
    assert rows() == before
    attachment = Attachment.objects.get(pk=made["attachment"].pk)
    with attachment.file.open("rb") as restored:
        assert restored.read() == PNG
    assert (
        Application.objects.get(pk=attachment.application_id).institution_name
        == made["attachment"].application.institution_name
    )
    admin = User.objects.get(username="programme-admin")
    assert admin.has_perm("portal.manage_programme", made["programme"])
    assert not admin.has_perm("portal.manage_programme", ProgrammeFactory())
    assert (admin.has_perm("portal.view_programme"), admin.has_perm("portal.view_institution")) == (True, True)
    verified = io.StringIO()
    call_command("audit_verify", stdout=verified)  # the same audit key: the chain and the anchor still hold
    lines = verified.getvalue().splitlines()
    assert lines[0] == f"审计记录完整：共 {AuditRecord.objects.count()} 条。"
    assert lines[1].startswith("锚点一致：共 1 个，")
    # Sequences follow the restored ids: new rows (and audit records) still fit.
    audit(AuditEvent.EXPORT, obj=InstitutionFactory(), detail="恢复后")
    call_command("audit_verify", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_restored_audit_log_needs_its_key_and_shows_the_records_after_the_backup_as_lost(tmp_path, media_root):
    make_data()
    archive, _ = run_backup(tmp_path / "backups")  # its own audit record comes after the dump
    audit_anchor_write(source="test")
    empty_database(media_root)
    restore(archive)
    first = AuditRecord.objects.order_by("id").first()

    with override_settings(AUDIT_HMAC_KEY="another-audit-key-of-at-least-32-characters"):
        other_key = audit_log_verify().first_fault
    lost = audit_log_verify().first_fault

    assert (other_key.kind, other_key.position, other_key.record.pk) == (FaultKind.OTHER_KEY, 1, first.pk)
    assert (lost.kind, lost.position) == (FaultKind.TRUNCATED, AuditRecord.objects.count() + 1)


@pytest.mark.django_db(transaction=True)
def test_restore_rolls_back_when_counts_differ(tmp_path, media_root):
    make_data()
    users = User.objects.count()
    archive, _ = run_backup(tmp_path / "backups")
    empty_database(media_root)
    wrong = rewrite(archive, tmp_path / "wrong.tar.gz", manifest=lambda m: m["counts"].update({"portal.User": 99}))

    with pytest.raises(CommandError, match=f"记录数与备份不符（portal.User：应为 99，实为 {users}）"):
        restore(wrong)

    assert (User.objects.count(), AuditRecord.objects.count(), media_root.exists()) == (0, 0, False)


@pytest.mark.django_db
def test_restore_refuses_non_empty_database(tmp_path, media_root):
    make_data()
    archive, _ = run_backup(tmp_path / "backups")
    before = rows()

    with pytest.raises(CommandError, match="数据库中已有数据.*恢复只能写入刚迁移的空数据库"):
        restore(archive)

    assert rows() == before


@pytest.mark.django_db
def test_restore_refuses_changed_data(tmp_path, media_root):
    make_data()
    archive, _ = run_backup(tmp_path / "backups")
    with tarfile.open(archive, "r:gz") as tar:
        data = bytearray(tar.extractfile("data.json").read())
    data[data.index(b"programme-admin")] = ord("P")

    with pytest.raises(CommandError, match=r"备份文件校验失败（data\.json）"):
        restore(rewrite(archive, tmp_path / "changed.tar.gz", data=bytes(data)))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["media/../../escaped.txt", "ABSOLUTE", "media/./x.txt", "media"])
def test_restore_refuses_unsafe_member_path(tmp_path, media_root, name):
    make_data()
    archive, _ = run_backup(tmp_path / "backups")
    name = str(tmp_path / "escaped.txt") if name == "ABSOLUTE" else name
    bad = rewrite(archive, tmp_path / "bad.tar.gz", extra={name: b"owned"})

    with pytest.raises(CommandError, match="备份文件中有(不安全的路径|不认识的成员)"):
        restore(bad)

    assert not (tmp_path / "escaped.txt").exists()


@pytest.mark.django_db
def test_restore_refuses_other_migration_state(tmp_path, media_root):
    make_data()
    archive, _ = run_backup(tmp_path / "backups")
    older = rewrite(archive, tmp_path / "older.tar.gz", manifest=lambda m: m["migrations"]["portal"].pop())

    with pytest.raises(CommandError, match=f"portal：备份为 {PORTAL_MIGRATIONS[-2]}，本库为 {LATEST_PORTAL_MIGRATION}"):
        restore(older)
