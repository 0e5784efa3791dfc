"""Restore an archive of `manage.py backup` into an empty, migrated database (docs/security.md 22)."""

from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portal.backup import BackupError, backup_restore
from portal.files import is_local


class Command(BaseCommand):
    help = "从 backup 命令生成的备份文件恢复数据库和上传文件。只能恢复到已迁移到相同状态的空数据库。"

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="备份文件（backup-*.tar.gz）")
        parser.add_argument("--yes", action="store_true", help="不询问，直接恢复")

    def handle(self, *args, archive, yes, **options):
        if not yes:
            database = connection.settings_dict["NAME"]
            try:
                files = "MEDIA_ROOT" if is_local(default_storage) else f"对象存储桶 {default_storage.bucket_name}"
                answer = input(f"将把 {archive} 恢复到数据库 {database}，上传文件写入 {files}。输入 yes 继续：")
            except EOFError:  # no terminal: only --yes goes on
                answer = ""
            if answer.strip().lower() != "yes":
                raise CommandError("已取消恢复。")
        try:
            result = backup_restore(archive=archive)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(self.style.SUCCESS(f"恢复完成：共 {result.records} 条记录，{result.files} 个文件。"))
