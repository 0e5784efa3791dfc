"""Verify the audit chain (SECURITY.md 9): recompute every hash in id order and name the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from portal.audit import chain_first_break


class Command(BaseCommand):
    help = "校验审计记录的哈希链：逐条重新计算摘要，指出第一条被篡改或缺失的记录。"

    def handle(self, *args, **options):
        count, broken = chain_first_break()
        if broken is not None:
            position, record_id = broken
            raise CommandError(f"第 {position} 条（id={record_id}）记录被篡改或缺失。", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"审计记录完整：共 {count} 条。"))
