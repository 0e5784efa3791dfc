"""Excel export of a round's applications (no personal data beyond the institution's own business contacts)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exports import xlsx_response


def round_applications_xlsx(round, rows, *, user):
    headers = [_("序号"), _("申报机构"), _("统一社会信用代码"), _("机构类型"), _("区划"), _("主要负责人"), _("状态"), _("提交时间"), _("附件数")]

    def lines():
        for number, application in enumerate(rows.iterator(chunk_size=500), start=1):
            submitted = timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M") if application.submitted_at else ""
            yield [
                number,
                application.institution_name,
                application.institution.uscc,
                application.institution.get_kind_display(),
                application.institution.region.name,
                application.principal_name,
                application.get_status_display(),
                submitted,
                application.attachment_count,
            ]

    filename = f"{round.programme.name}-{round.name}-申报列表-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(
        filename=filename, title=_("申报列表"), headers=headers, rows=lines(), widths=[6, 36, 22, 24, 12, 12, 12, 18, 8]
    )
