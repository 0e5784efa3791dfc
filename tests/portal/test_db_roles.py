"""The application's PostgreSQL role (docs/security.md 9, portal/db_roles.py): it appends audit records and does its
ordinary work, but cannot change, delete or truncate audit records, nor lift or drop the append-only trigger."""

import io
import secrets

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from portal.audit import audit
from portal.db_roles import app_role_problems
from portal.enums import AuditEvent
from portal.models import AuditRecord
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles and grants are PostgreSQL's")

REFUSED = {
    "UPDATE": ("UPDATE portal_auditrecord SET detail = 'changed'", "permission denied for table portal_auditrecord"),
    "DELETE": ("DELETE FROM portal_auditrecord", "permission denied for table portal_auditrecord"),
    "TRUNCATE": ("TRUNCATE portal_auditrecord", "permission denied for table portal_auditrecord"),
    "DISABLE TRIGGER": ("ALTER TABLE portal_auditrecord DISABLE TRIGGER ALL", "must be owner of table portal_auditrecord"),
    "DROP TRIGGER": (
        "DROP TRIGGER portal_auditrecord_append_only ON portal_auditrecord",
        "must be owner of (table|relation) portal_auditrecord",
    ),
    "DROP TABLE": ("DROP TABLE portal_auditrecord", "must be owner of table portal_auditrecord"),
}


@pytest.fixture
def app_role():
    """A fresh application role made by db_roles in the test database (rolled back with the test), as its session."""
    role = f"portal_app_test_{secrets.token_hex(4)}"
    call_command("db_roles", app_role=role, execute=True, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


@pytest.mark.history
@postgresql_only
def test_app_role_appends_audit_records_and_does_ordinary_work(app_role, db_role_figure):
    db_role_figure("INSERT allowed")

    record = audit(AuditEvent.LOGIN, username="a")
    ProgrammeFactory()  # writes several tables and their history

    assert AuditRecord.objects.get().pk == record.pk
    call_command("audit_verify", stdout=io.StringIO())


@postgresql_only
@pytest.mark.parametrize("statement", list(REFUSED))
def test_app_role_cannot_change_or_remove_audit_records_nor_lift_the_trigger(app_role, db_role_figure, statement):
    db_role_figure(f"{statement} refused")
    audit(AuditEvent.LOGIN, username="a")
    sql, message = REFUSED[statement]

    with pytest.raises(DatabaseError, match=message), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert AuditRecord.objects.values_list("detail", flat=True).get() == ""


@postgresql_only
def test_app_role_has_no_way_round_the_guard_and_the_owner_has():
    role = f"portal_app_test_{secrets.token_hex(4)}"
    call_command("db_roles", app_role=role, execute=True, stdout=io.StringIO())

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        [owner] = cursor.fetchone()

    assert app_role_problems(role=role) == []
    assert app_role_problems(role=owner)[:3] == ["是超级用户", "可绕过行级安全", "是数据表所有者或其成员"]


@postgresql_only
def test_db_roles_prints_the_sql_without_a_password():
    out = io.StringIO()

    call_command("db_roles", app_role="portal_app", stdout=out)

    printed = out.getvalue()
    assert 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "public" TO "portal_app";' in printed
    assert 'REVOKE UPDATE, DELETE ON "public"."portal_auditrecord" FROM "portal_app";' in printed
    assert "PASSWORD" not in printed
    assert printed.rstrip().endswith("-- 口令：在 psql 中执行 \\password portal_app，或用 --from-url-env 与 --execute。")


@postgresql_only
def test_db_roles_takes_role_and_password_from_the_applications_database_url(monkeypatch):
    role = f"portal_app_test_{secrets.token_hex(4)}"
    monkeypatch.setenv("TEST_APP_DATABASE_URL", f"postgres://{role}:Ein%40langes-Passwort-2026@db:5432/portal")
    out = io.StringIO()

    call_command("db_roles", from_url_env="TEST_APP_DATABASE_URL", execute=True, stdout=out)

    with connection.cursor() as cursor:
        cursor.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [role])
        [stored] = cursor.fetchone()
    assert stored.startswith("SCRAM-SHA-256$")  # hashed by libpq before it left: the clear password is in no log
    assert out.getvalue().strip() == f"应用角色 {role} 已就绪：审计表只能查询和追加。"


@postgresql_only
def test_db_roles_never_prints_a_password(monkeypatch):
    monkeypatch.setenv("TEST_APP_DATABASE_URL", "postgres://portal_app:secret-pass@db:5432/portal")

    with pytest.raises(CommandError, match="--from-url-env 只能与 --execute 一起使用：口令不打印。"):
        call_command("db_roles", from_url_env="TEST_APP_DATABASE_URL", stdout=io.StringIO())


@postgresql_only
@pytest.mark.parametrize("role", ["current user", "Bad-Name"])
def test_db_roles_refuses_the_owner_and_odd_names(role):
    if role == "current user":
        role = connection.settings_dict["USER"]

    with pytest.raises(CommandError, match="不能用作应用角色|角色名“Bad-Name”无效"):
        call_command("db_roles", app_role=role, execute=True, stdout=io.StringIO())


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal on other databases")
def test_db_roles_refuses_other_databases():

    with pytest.raises(CommandError, match="db_roles 只适用于 PostgreSQL。"):
        call_command("db_roles", app_role="portal_app", stdout=io.StringIO())
