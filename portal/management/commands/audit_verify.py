"""Verify the audit log (docs/security.md 9): every record's keyed hash and link, and the chain against every anchor.

Prints each fault (where: position, id, time, event; and what kind) and ends with the first one, exit code 1.
`--anchor` writes an anchor of the head after a clean check (the deploy runs it so).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.audit_anchors import anchor_path, audit_anchor_write
from portal.audit_check import VerifyReport, audit_log_verify

SHOWN_FAULTS = 20


class Command(BaseCommand):
    help = "校验审计记录：逐条核对带密钥的摘要和前后衔接，并与锚点文件逐个核对；指出第一条有问题的记录。"

    def add_arguments(self, parser):
        parser.add_argument("--anchor", action="store_true", help="校验无误后写入链头锚点（部署时使用）")

    def handle(self, *args, anchor=False, **options):
        report = audit_log_verify()
        if report.faults:
            self._fail(report)
        self.stdout.write(self.style.SUCCESS(self._records_line(report)))
        self._anchors_line(report)
        if anchor:
            written = audit_anchor_write(source="verify")
            if written is None:
                self.stdout.write(_("链头未变或没有记录，未写入新锚点。"))
            else:
                self.stdout.write(_("已写入锚点：第 {count} 条（id={last_id}）。").format(**written))

    def _fail(self, report: VerifyReport):
        faults = sorted(report.faults, key=lambda fault: fault.sort_key())
        for fault in faults[:SHOWN_FAULTS]:
            self.stderr.write(fault.describe())
        if len(faults) > SHOWN_FAULTS:
            self.stderr.write(_("……另有 {count} 处问题。").format(count=len(faults) - SHOWN_FAULTS))
        message = _("审计记录校验失败，共 {count} 处问题；第一处：{first}").format(
            count=len(faults), first=report.first_fault.describe()
        )
        raise CommandError(message, returncode=1)

    def _records_line(self, report: VerifyReport) -> str:
        if report.legacy_count:
            return _("审计记录完整：共 {count} 条（其中 {legacy} 条写于启用审计密钥之前，按普通摘要校验）。").format(
                count=report.count, legacy=report.legacy_count
            )
        return _("审计记录完整：共 {count} 条。").format(count=report.count)

    def _anchors_line(self, report: VerifyReport) -> None:
        anchors = report.trusted_anchors
        if not anchors:
            self.stdout.write(
                self.style.WARNING(
                    _("没有锚点（{path}）：尾部记录被删除、整条链被重写都无法发现。").format(
                        path=anchor_path()
                    )
                )
            )
            return
        latest = max(anchors, key=lambda anchor: (anchor.fields["last_id"], anchor.line)).fields
        self.stdout.write(
            _("锚点一致：共 {count} 个，最近一个写于 {at}，记到第 {anchored} 条（id={last_id}）。").format(
                count=len(anchors), at=latest["at"].replace("T", " ")[:19], anchored=latest["count"], last_id=latest["last_id"]
            )
        )
