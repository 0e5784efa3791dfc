"""Back up the database and the uploaded files into one archive (docs/security.md 22); the logic is in portal/backup.py."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.audit import AuditEvent, audit
from portal.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "备份数据库和上传文件：在目录中写入一个 backup-年月日-时分秒.tar.gz（默认 VAR_DIR/backups）。"

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="备份文件所在目录（默认 VAR_DIR/backups，新建时权限 0700）")

    def handle(self, *args, output, **options):
        try:
            result = backup_create(output_dir=output)
        except BackupError as error:
            raise CommandError(str(error))
        audit(AuditEvent.EXPORT, detail=f"backup {result.path.name} records={sum(result.counts.values())} files={result.files}")
        for label, count in result.counts.items():
            self.stdout.write(f"  {label}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{result.path}（共 {sum(result.counts.values())} 条记录，{result.files} 个文件）。"
            )
        )
