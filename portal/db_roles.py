"""The PostgreSQL role the portal runs as (docs/security.md 9): one that does not own the tables.

The append-only trigger binds everyone but a table's owner: the owner can TRUNCATE (which a row trigger never sees),
ALTER TABLE … DISABLE TRIGGER, or drop the table. So migrations run as the owner, and web, worker and beat connect as
an application role made here: SELECT, INSERT, UPDATE, DELETE on the tables, USAGE on the sequences, and on the audit
table SELECT and INSERT only; never TRUNCATE, never a member of the owner. Run it after every migrate (new tables need
their grants); it is idempotent. Backup runs as either role; restore, like migrate, as the owner.
"""

import re

from django.db import connection

from portal.models import AuditRecord

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Tables the application only reads: the audit log is appended to, the migration record is the owner's.
APPEND_ONLY_TABLES = (AuditRecord._meta.db_table,)
READ_ONLY_TABLES = ("django_migrations",)

__all__ = ["ROLE_NAME", "RoleError", "app_role_problems", "app_role_statements", "password_verifier"]


class RoleError(Exception):
    """A refused role set-up; the message is Chinese and shown as-is."""


def app_role_statements(*, role: str, password_verifier: str | None = None) -> list[str]:
    """The SQL that creates (if need be) and grants the application role, in order. Idempotent.

    `password_verifier` is a SCRAM verifier (`encrypt_password`), so the clear password never reaches the server's log.
    """
    if not ROLE_NAME.match(role):
        raise RoleError(f"角色名“{role}”无效：只能用小写字母、数字和下划线，且不以数字开头。")
    _refuse_an_owner(role)
    name = connection.ops.quote_name(role)
    schema = connection.ops.quote_name(_current_schema())
    database = connection.ops.quote_name(connection.settings_dict["NAME"])
    attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    statements = [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
        f"CREATE ROLE {name} {attributes}; END IF; END $$",
        f"ALTER ROLE {name} {attributes}",  # an existing role loses whatever more it had
    ]
    if password_verifier:
        statements.append(f"ALTER ROLE {name} PASSWORD '{password_verifier}'")
    statements += [
        f"GRANT CONNECT ON DATABASE {database} TO {name}",
        f"GRANT USAGE ON SCHEMA {schema} TO {name}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {name}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {name}",
        *(f"REVOKE UPDATE, DELETE ON {schema}.{connection.ops.quote_name(t)} FROM {name}" for t in APPEND_ONLY_TABLES),
        *(
            f"REVOKE INSERT, UPDATE, DELETE ON {schema}.{connection.ops.quote_name(t)} FROM {name}"
            for t in READ_ONLY_TABLES
        ),
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {name}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {name}",
    ]
    return statements


def password_verifier(*, role: str, password: str) -> str:
    """The SCRAM verifier of `password`, computed by libpq on this side of the connection."""
    connection.ensure_connection()
    verifier = connection.connection.pgconn.encrypt_password(password.encode(), role.encode()).decode()
    if "'" in verifier:  # a verifier is base64 and "$"-separated: never, but it goes into a literal
        raise RoleError("口令摘要含有引号，已拒绝。")
    return verifier


def app_role_problems(*, role: str) -> list[str]:
    """What would let `role` get round the audit table's guard; empty when nothing does."""
    table = f"{_current_schema()}.{AuditRecord._meta.db_table}"
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT r.rolsuper, r.rolbypassrls, pg_has_role(r.oid, t.tableowner, 'MEMBER'),
                   has_table_privilege(r.oid, %s, 'UPDATE'), has_table_privilege(r.oid, %s, 'DELETE'),
                   has_table_privilege(r.oid, %s, 'TRUNCATE'), has_table_privilege(r.oid, %s, 'TRIGGER')
            FROM pg_roles r, pg_tables t
            WHERE r.rolname = %s AND t.schemaname = %s AND t.tablename = %s
            """,
            [table] * 4 + [role, _current_schema(), AuditRecord._meta.db_table],
        )
        row = cursor.fetchone()
    if row is None:
        return [f"角色 {role} 不存在。"]
    labels = [
        "是超级用户",
        "可绕过行级安全",
        "是数据表所有者或其成员",
        "可 UPDATE 审计表",
        "可 DELETE 审计表",
        "可 TRUNCATE 审计表",
        "可在审计表上建触发器",
    ]
    return [label for label, flag in zip(labels, row, strict=True) if flag]


def _refuse_an_owner(role: str) -> None:
    """The statements strip the role of everything but its grants: never do that to the owner or a superuser."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT %s = current_user OR %s = (SELECT tableowner FROM pg_tables WHERE tablename = %s LIMIT 1),
                   COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = %s), false)
            """,
            [role, role, AuditRecord._meta.db_table, role],
        )
        owner, superuser = cursor.fetchone()
    if owner or superuser:
        raise RoleError(f"角色 {role} 是数据表的所有者或超级用户，不能用作应用角色：请另取一个名字（例如 portal_app）。")


def _current_schema() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]
