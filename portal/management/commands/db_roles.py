"""Create and grant the PostgreSQL role the portal runs as, one that does not own the tables (portal/db_roles.py)."""

import os

import dj_database_url
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from portal.db_roles import RoleError, app_role_problems, app_role_statements, password_verifier


class Command(BaseCommand):
    help = (
        "生成（或以数据库超级用户身份执行）创建应用数据库角色的 SQL：可读写业务表，审计表只能查询和追加，"
        "不能 TRUNCATE、不是表的所有者。每次 migrate 之后运行一次。"
    )

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--app-role", help="应用角色名，例如 portal_app（口令另行设置）")
        who.add_argument(
            "--from-url-env",
            metavar="VAR",
            help="从这个环境变量中的数据库 URL（应用使用的 DATABASE_URL）读取角色名和口令；须与 --execute 一起使用",
        )
        parser.add_argument("--execute", action="store_true", help="直接执行（须以数据库超级用户连接）；默认只打印 SQL")

    def handle(self, *args, app_role=None, from_url_env=None, execute=False, **options):
        if connection.vendor != "postgresql":
            raise CommandError("db_roles 只适用于 PostgreSQL。")
        if from_url_env and not execute:
            raise CommandError("--from-url-env 只能与 --execute 一起使用：口令不打印。")
        password = None
        if from_url_env:
            app_role, password = self._role_from_url(from_url_env)
        try:
            verifier = password_verifier(role=app_role, password=password) if password else None
            statements = app_role_statements(role=app_role, password_verifier=verifier)
        except RoleError as error:
            raise CommandError(str(error))
        if not execute:
            self.stdout.write(";\n".join(statements) + ";")
            self.stdout.write(f"-- 口令：在 psql 中执行 \\password {app_role}，或用 --from-url-env 与 --execute。")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        problems = app_role_problems(role=app_role)
        if problems:
            raise CommandError(f"角色 {app_role} 仍能绕过审计表的保护：{'；'.join(problems)}。")
        self.stdout.write(self.style.SUCCESS(f"应用角色 {app_role} 已就绪：审计表只能查询和追加。"))

    def _role_from_url(self, variable: str) -> tuple[str, str]:
        url = os.environ.get(variable, "")
        if not url:
            raise CommandError(f"环境变量 {variable} 未设置或为空。")
        parsed = dj_database_url.parse(url)
        if not parsed.get("USER") or not parsed.get("PASSWORD"):
            raise CommandError(f"{variable} 中的数据库 URL 须含用户名和口令。")
        return parsed["USER"], parsed["PASSWORD"]
