"""Create and grant the PostgreSQL role the portal runs as, one that does not own the tables (portal/db_roles.py)."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from portal.db_roles import RoleError, app_role_problems, app_role_statements, password_verifier


class Command(BaseCommand):
    help = (
        "生成（或以数据表所有者身份执行）创建应用数据库角色的 SQL：可读写业务表，审计表只能查询和追加，"
        "不能 TRUNCATE、不是表的所有者。每次 migrate 之后运行一次。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--app-role", required=True, help="应用角色名，例如 portal_app")
        parser.add_argument("--execute", action="store_true", help="直接执行（须以表的所有者或超级用户连接）；默认只打印 SQL")
        parser.add_argument(
            "--password-env", metavar="VAR", help="从这个环境变量读取应用角色的口令（只在 --execute 时设置，不打印）"
        )

    def handle(self, *args, app_role, execute=False, password_env=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("db_roles 只适用于 PostgreSQL。")
        if password_env and not execute:
            raise CommandError("--password-env 只能与 --execute 一起使用：口令不打印。")
        try:
            verifier = password_verifier(role=app_role, password=self._password(password_env)) if password_env else None
            statements = app_role_statements(role=app_role, password_verifier=verifier)
        except RoleError as error:
            raise CommandError(str(error))
        if not execute:
            self.stdout.write(";\n".join(statements) + ";")
            self.stdout.write(f"-- 口令：在 psql 中执行 \\password {app_role}，或用 --execute --password-env。")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        problems = app_role_problems(role=app_role)
        if problems:
            raise CommandError(f"角色 {app_role} 仍能绕过审计表的保护：{'；'.join(problems)}。")
        self.stdout.write(self.style.SUCCESS(f"应用角色 {app_role} 已就绪：审计表只能查询和追加。"))

    def _password(self, variable: str) -> str:
        password = os.environ.get(variable, "")
        if not password:
            raise CommandError(f"环境变量 {variable} 未设置或为空。")
        return password
