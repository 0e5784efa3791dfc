"""What a report says, generated from the portal for one region and one year: the region's benchmark programmes at its
own level, the announcements issued that year with the institutions they awarded, the revocations decided that year,
the publicity notices published that year with their objections, and the 宣传情况 the region writes.

`report_figures` reads them in a constant number of queries (seven, whatever the counts) and returns plain data,
which the report keeps as its snapshot when it is submitted (`UpwardReport.figures`): the pages, the PDF and the Excel
file read that snapshot once the report went up, and the live figures while it is still a draft.
"""

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.enums import AnnouncementStatus, AwardStatus
from awards.models import Announcement, Award, Revocation
from portal.display import cn_date
from portal.enums import InstitutionKind, Level, ProgrammeKind
from portal.models import Programme, Region
from publicity.enums import OBJECTION_CLOSED, ObjectionStatus
from publicity.models import NoticeEntry, Objection, PublicityNotice
from reporting.models import UpwardReport
from reporting.selectors import OWN_LEVEL

FIGURES_VERSION = 1


def report_figures(region: Region, year: int, *, now=None) -> dict:
    """The region's figures for the year, as plain data (dates as ISO strings, labels as text)."""
    level = OWN_LEVEL.get(region.level, Level.COUNTY)
    programmes = list(
        Programme.objects.filter(kind=ProgrammeKind.BENCHMARK, region=region, level=level).order_by("period_start", "pk")
    )
    announcements = list(
        Announcement.objects.filter(
            programme__in=programmes, status=AnnouncementStatus.ISSUED, published_at__year=year
        ).order_by("published_at", "pk")
    )
    awards = _awards(announcements)
    revocations = _revocations(programmes, year)
    notices = _notices(programmes, year)
    return {
        "version": FIGURES_VERSION,
        "taken_at": timezone.localtime(now or timezone.now()).strftime("%Y-%m-%d %H:%M"),  # Beijing time, as shown
        "region": {"code": region.code, "name": region.name},
        "year": year,
        "level": str(level),
        "level_label": str(Level(level).label),
        "programmes": [{"name": p.name, "period": p.period_name} for p in programmes],
        "announcements": [
            {
                "document_number": a.document_number, "title": a.title, "written_on": a.written_on.isoformat(),
                "published_on": timezone.localdate(a.published_at).isoformat(),
                "awarded": sum(1 for row in awards if row["announcement_id"] == a.pk),
            }
            for a in announcements
        ],
        "awards": [{k: v for k, v in row.items() if k != "announcement_id"} for row in awards],
        "revocations": revocations,
        "notices": notices,
        "totals": {
            "announcements": len(announcements),
            "awarded": len(awards),
            "revoked": len(revocations),
            "notices": len(notices),
            **{key: sum(n[key] for n in notices) for key in ("listed", "objections", "upheld", "handled")},
        },
    }


def _awards(announcements: list[Announcement]) -> list[dict]:
    awards = Award.objects.filter(announcement__in=announcements).select_related("institution", "announcement")
    return [
        {
            "announcement_id": award.announcement_id,
            "institution": award.institution_name or award.institution.name,
            "kind": str(InstitutionKind(award.institution.kind).label),
            "plaque_number": award.plaque_number,
            "awarded_on": award.awarded_on.isoformat(),
            "document_number": award.announcement.document_number,
            "in_force": award.status == AwardStatus.IN_FORCE,
        }
        for award in awards.order_by("announcement__published_at", "plaque_number")
    ]


def _revocations(programmes: list[Programme], year: int) -> list[dict]:
    revocations = Revocation.objects.filter(award__programme__in=programmes, decided_on__year=year)
    return [
        {
            "institution": r.award.institution_name, "plaque_number": r.award.plaque_number,
            "ground": r.get_ground_display(), "document_number": r.document_number,
            "decided_on": r.decided_on.isoformat(), "quota_returned": r.quota_returned,
        }
        for r in revocations.select_related("award").order_by("decided_on", "pk")
    ]


def _notices(programmes: list[Programme], year: int) -> list[dict]:
    notices = list(
        PublicityNotice.objects.filter(programme__in=programmes, published_at__year=year).order_by("published_at", "pk")
    )
    listed = dict(
        NoticeEntry.objects.filter(notice__in=notices).values("notice").annotate(n=Count("id")).values_list("notice", "n")
    )
    objections = {
        row["notice"]: row
        for row in Objection.objects.filter(notice__in=notices).values("notice").annotate(
            total=Count("id"),
            upheld=Count("id", filter=Q(status=ObjectionStatus.UPHELD)),
            handled=Count("id", filter=Q(status__in=OBJECTION_CLOSED)),
        )
    }
    return [
        {
            "title": n.title, "index_number": n.index_number, "document_number": n.document_number,
            "published_on": timezone.localdate(n.published_at).isoformat(), "starts_on": n.starts_on.isoformat(),
            "ends_on": n.ends_on.isoformat(), "working_days": n.working_days, "adjusted": n.replaces_id is not None,
            "listed": listed.get(n.pk, 0),
            "objections": objections.get(n.pk, {}).get("total", 0),
            "upheld": objections.get(n.pk, {}).get("upheld", 0),
            "handled": objections.get(n.pk, {}).get("handled", 0),
        }
        for n in notices
    ]


def report_content(report: UpwardReport, *, live: bool) -> dict:
    """The figures a page or document shows: taken now (a draft's preview), else the snapshot kept at submission."""
    if live or not report.figures:
        return report_figures(report.region, report.call.year)
    return report.figures


# --- the document's words --------------------------------------------------------------------------------------------


def report_title(figures: dict) -> str:
    return _("关于报送%(year)d年度%(level)s就业服务质量标杆机构评定结果和宣传情况的报告") % {
        "year": figures["year"], "level": figures["level_label"]}


def annex_title(figures: dict) -> str:
    return _("%(region)s%(year)d年度%(level)s就业服务质量标杆机构名单") % {
        "region": figures["region"]["name"], "year": figures["year"], "level": figures["level_label"]}


def _day(iso: str) -> str:
    return cn_date(date.fromisoformat(iso))


def _month_day(iso: str) -> str:
    day = date.fromisoformat(iso)
    return _("%(month)d月%(day)d日") % {"month": day.month, "day": day.day}


def result_paragraph(figures: dict) -> str:
    words = {"year": figures["year"], "region": figures["region"]["name"], "level": figures["level_label"]}
    if not figures["announcements"]:
        return _("%(year)d年，%(region)s未发布%(level)s就业服务质量标杆机构评定结果。") % words
    numbers = "、".join(a["document_number"] for a in figures["announcements"])
    return _(
        "%(year)d年，%(region)s经机构申报、部门联合评审、社会公示，印发评定结果公布文件%(count)d件（%(numbers)s），"
        "评定%(level)s就业服务质量标杆机构%(awarded)d家（名单见附件）。"
    ) % {**words, "count": len(figures["announcements"]), "numbers": numbers, "awarded": figures["totals"]["awarded"]}


def publicity_paragraph(figures: dict) -> str:
    notices = figures["notices"]
    if not notices:
        return _("本年度未发布评定公示。")
    periods = "；".join(
        _("%(start)s至%(end)s（%(days)d个工作日），公示%(listed)d家") % {
            "start": _month_day(n["starts_on"]), "end": _month_day(n["ends_on"]), "days": n["working_days"],
            "listed": n["listed"]}
        for n in notices
    )
    totals = figures["totals"]
    return _(
        "评定结果公布前，对拟评定名单进行公示%(count)d次：%(periods)s。公示期间共收到异议%(objections)d件，"
        "经核查异议成立%(upheld)d件，已办结%(handled)d件。"
    ) % {"count": len(notices), "periods": periods, **{k: totals[k] for k in ("objections", "upheld", "handled")}}


def revocation_paragraph(figures: dict) -> str:
    revocations = figures["revocations"]
    if not revocations:
        return _("本年度未撤销标杆机构称号。")
    listed = "；".join(
        _("%(name)s（%(date)s，%(number)s，事由：%(ground)s）") % {
            "name": r["institution"], "date": _day(r["decided_on"]), "number": r["document_number"], "ground": r["ground"]}
        for r in revocations
    )
    return _("本年度撤销标杆机构称号%(count)d家：%(listed)s。") % {"count": len(revocations), "listed": listed}


def report_paragraphs(report: UpwardReport, figures: dict, *, addressee: str, annex_note: bool = True) -> list[str]:
    """正文, one string per paragraph: the reason for writing, 一、评定结果, 二、宣传情况, 特此报告, and the annex line
    (left out with `annex_note=False` for the PDF, whose layout prints the 附件说明 from `annexes`)."""
    opening = _("按照%(addressee)s关于报送%(subject)s的通知要求，现将%(region)s%(year)d年度%(level)s就业服务质量标杆机构"
                "评定结果和宣传情况报告如下：") % {
        "addressee": addressee, "subject": report.call.subject, "region": figures["region"]["name"],
        "year": figures["year"], "level": figures["level_label"]}
    publicity = [line.strip() for line in report.publicity_text.splitlines() if line.strip()] or [_("（尚未填写）")]
    paragraphs = [
        opening, _("一、评定结果"), result_paragraph(figures), publicity_paragraph(figures),
        revocation_paragraph(figures), _("二、宣传情况"), *publicity, _("特此报告。"),
    ]
    if annex_note and figures["awards"]:
        paragraphs.append(_("附件：%(annex)s") % {"annex": annex_title(figures)})
    return paragraphs
