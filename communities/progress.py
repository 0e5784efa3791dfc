"""创建进度上报 (seed 002 六(三)): 「各社区(村)负责按时上报创建进度…镇领导小组办公室负责指定专人按时向区上报创建进度」. A
town reports its figures (what communities and villages it listed, how far they are, against its task) with a note;
the district's admins are told, acknowledge it (签收), and see which towns have not reported within REPORT_EVERY_DAYS.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import chain
from communities.models import Campaign, Entry, ProgressReport
from portal.selectors import programme_admins
from portal.services import notify
from portal.transitions import Refused

# How often a town reports while the campaign runs: monthly, as a plan's progress is followed.
REPORT_EVERY_DAYS = 31


def figures(campaign: Campaign, town) -> dict:
    """The town's figures now, as plain data kept with the report."""
    entries = list(Entry.objects.filter(campaign=campaign, town=town).select_related("community", "town"))
    row = next((r for r in chain.town_progress(campaign, entries) if r.town.pk == town.pk), None)
    if row is None:
        return {"listed": 0}
    statuses = {}
    for entry in entries:
        statuses[entry.get_status_display()] = statuses.get(entry.get_status_display(), 0) + 1
    return {
        "listed": row.listed, "communities": row.communities, "villages": row.villages,
        "advanced_communities": row.advanced_communities, "advanced_villages": row.advanced_villages,
        "target_count": row.target_count, "communities_needed": row.communities_needed,
        "villages_needed": row.villages_needed, "met": row.met, "statuses": statuses,
    }


@transaction.atomic
def progress_report(*, campaign: Campaign, town, actor, note: str = "") -> ProgressReport:
    """The town reports its progress; the district's admins are told."""
    if not Entry.objects.filter(campaign=campaign, town=town).exists() and not campaign.targets.filter(town=town).exists():
        raise Refused(_("本镇（街道）没有参与本年度创建，无需上报。"))
    report = ProgressReport(campaign=campaign, town=town, figures=figures(campaign, town), note=note.strip(),
                            reported_by=actor)
    report._history_user = actor
    report.save()
    notify(users=programme_admins(campaign.programme), link=campaign.get_absolute_url(),
           text=_("%(town)s上报了%(campaign)s的创建进度。") % {"town": town.name, "campaign": campaign})
    return report


def report_receive(*, report: ProgressReport, actor) -> ProgressReport:
    if report.received_at is None:
        report.received_at, report.received_by = timezone.now(), actor
        report._history_user = actor
        report.save(update_fields=["received_at", "received_by"])
    return report


def reporting(campaign: Campaign, towns, now=None) -> list[dict]:
    """Per town of the user's view: its latest report and whether one is due (none within REPORT_EVERY_DAYS while the
    campaign is not announced)."""
    now = now or timezone.now()
    latest = {}
    for report in campaign.reports.filter(town__in=towns).select_related("reported_by", "received_by"):
        latest.setdefault(report.town_id, report)
    due = campaign.announced_at is None
    return [{"town": town, "latest": latest.get(town.pk),
             "late": due and (latest.get(town.pk) is None or latest[town.pk].reported_at < now - timedelta(days=REPORT_EVERY_DAYS))}
            for town in towns]
