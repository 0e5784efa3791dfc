"""The report as a document: the official PDF (公文, GB/T 9704 through awards.documents) and the Excel workbook of the
same figures (sheets 概况, 评定结果, 撤销, 公示与异议), and the Excel overview of a call.

The issuer is the reporting region's HR bureau alone: the call comes from the higher HR bureau to the lower one, and
the joint departments' own documents (the announcements) are cited by their numbers. A draft prints 「草稿」, no seal
and the serial typed so far.
"""

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from awards.documents import OfficialDocument, official_pdf
from portal.display import cn_date
from portal.exports import safe_cell
from portal.files import local_copy
from reporting.content import annex_title, report_paragraphs, report_title
from reporting.models import ReportCall, UpwardReport
from reporting.services import addressee, issuer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def document_number(report: UpwardReport, *, live: bool) -> str:
    """The report's 文号: as submitted; for the region's working copy (`live`), as it would be today with the serial
    typed so far (a blank where none is)."""
    if report.document_number and not live:
        return report.document_number
    department = issuer(report)
    prefix = department.doc_prefix if department else ""
    serial = report.doc_serial or "\u3000\u3000"
    return f"{prefix}〔{timezone.localdate().year}〕{serial}号" if prefix else ""


def official_document(report: UpwardReport, figures: dict, *, live: bool) -> OfficialDocument:
    """The document as GB/T 9704 lays it out; the region's working copy (`live`) is a draft: no seal, today's date."""
    department = issuer(report)
    name = department.name if department else _("%(region)s人力资源和社会保障局") % {"region": report.region.name}
    written = report.written_on if (report.written_on and not live) else timezone.localdate()
    seal = local_copy(department.seal_image) if (department and department.seal_image and not live) else None
    return OfficialDocument(
        issuers=[name], document_number=document_number(report, live=live), title=report_title(figures), written=cn_date(written),
        paragraphs=report_paragraphs(report, figures, addressee=addressee(report), annex_note=False),
        annexes=[annex_title(figures)] if figures["awards"] else [], addressee=addressee(report),
        seals=[seal.as_uri()] if seal else [], printed_by=name, printed_on=cn_date(written), draft=live,
    )


def report_pdf(report: UpwardReport, figures: dict, *, live: bool) -> bytes:
    context = {"doc": official_document(report, figures, live=live), "annex_title": annex_title(figures),
               "awards": figures["awards"]}
    return official_pdf("reporting/pdf/report.html", context)


def _sheets(figures: dict, report: UpwardReport, *, live: bool) -> list[tuple[str, list[str], list[list]]]:
    totals = figures["totals"]
    summary = [
        [_("报送单位"), figures["region"]["name"]], [_("年度"), figures["year"]], [_("评定层级"), figures["level_label"]],
        [_("文号"), document_number(report, live=live)], [_("评定项目"), "；".join(p["name"] for p in figures["programmes"])],
        [_("公布文件（件）"), totals["announcements"]], [_("评定标杆机构（家）"), totals["awarded"]],
        [_("撤销称号（家）"), totals["revoked"]], [_("公示（次）"), totals["notices"]], [_("公示机构（家次）"), totals["listed"]],
        [_("收到异议（件）"), totals["objections"]], [_("异议成立（件）"), totals["upheld"]], [_("异议已办结（件）"), totals["handled"]],
        [_("宣传情况"), report.publicity_text], [_("数据时间"), figures["taken_at"]],
    ]
    awards = [[n, a["institution"], a["kind"], a["plaque_number"], a["awarded_on"], a["document_number"],
               _("有效") if a["in_force"] else _("已撤销")] for n, a in enumerate(figures["awards"], 1)]
    revocations = [[n, r["institution"], r["plaque_number"], r["ground"], r["document_number"], r["decided_on"],
                    _("是") if r["quota_returned"] else _("否")] for n, r in enumerate(figures["revocations"], 1)]
    notices = [[n, x["title"], x["index_number"], x["document_number"], x["published_on"], x["starts_on"], x["ends_on"],
                x["working_days"], x["listed"], x["objections"], x["upheld"], x["handled"]]
               for n, x in enumerate(figures["notices"], 1)]
    return [
        (_("概况"), [_("项目"), _("内容")], summary),
        (_("评定结果"), [_("序号"), _("机构名称"), _("机构类型"), _("奖牌编号"), _("授牌日期"), _("公布文号"), _("称号状态")], awards),
        (_("撤销"), [_("序号"), _("机构名称"), _("奖牌编号"), _("撤销事由"), _("撤销文号"), _("决定日期"), _("名额退回")], revocations),
        (_("公示与异议"), [_("序号"), _("公示标题"), _("索引号"), _("文号"), _("发布日期"), _("公示开始"), _("公示结束"),
                      _("工作日数"), _("公示机构数"), _("收到异议"), _("异议成立"), _("已办结")], notices),
    ]


def workbook_response(*, filename: str, sheets) -> HttpResponse:
    """An .xlsx download of several sheets, each as portal.exports.xlsx_response writes one (bold frozen header, text
    kept as text, formulas neutralised)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(str(title)[:31])
        sheet.append([str(h) for h in headers])
        for cell in sheet[1]:
            cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="E8F0FA")
            cell.alignment = Alignment(vertical="center")
        for row in rows:
            sheet.append([safe_cell(value) for value in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type, cell.number_format = "s", "@"
        for index in range(1, len(headers) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 40 if index == 2 else 16
        sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


def report_xlsx(report: UpwardReport, figures: dict, *, live: bool) -> HttpResponse:
    filename = _("%(region)s%(year)d年度评定结果和宣传情况.xlsx") % {"region": report.region.name, "year": report.call.year}
    return workbook_response(filename=filename, sheets=_sheets(figures, report, live=live))


def call_xlsx(call: ReportCall, rows: list[dict]) -> HttpResponse:
    """The overview of a call: each region asked, its status, timeliness and, once submitted, its totals."""
    headers = [_("序号"), _("区划代码"), _("报送单位"), _("状态"), _("报送时间"), _("是否按时"), _("文号"), _("评定标杆机构（家）"),
               _("撤销称号（家）"), _("公示（次）"), _("收到异议（件）")]
    lines = []
    for n, row in enumerate(rows, 1):
        report, totals = row["report"], (row["report"].figures or {}).get("totals", {})
        sent = report.submitted_at and timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")
        lines.append([n, report.region.code, report.region.name, report.get_status_display(), sent or "",
                      str(row["timeliness"].label), report.document_number, totals.get("awarded", ""),
                      totals.get("revoked", ""), totals.get("notices", ""), totals.get("objections", "")])
    filename = _("%(call)s报送情况.xlsx") % {"call": call}
    return workbook_response(filename=filename, sheets=[(_("报送情况"), headers, lines)])

