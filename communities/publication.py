"""「区核定、公示，市公布」 (seed 002 五(四)): the district publishes the communities and villages it verified for the
programme's working days (the publicity machinery of the benchmark lifecycle: its calendar, objections and public
page), and once the period has ended with every objection closed, the titles are announced: each listed one not
disqualified by an upheld objection holds the title in the ledger of titles (portal.titles), public and verifiable by
its number.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.enums import EntryStatus
from communities.models import Campaign, Entry
from communities.selectors import is_district
from portal.display import cn_date
from portal.permissions import manages_programme
from portal.public_cache import public_pages_changed
from portal.titles import title_grant
from portal.transitions import Refused, transition
from publicity import services as publicity
from publicity.enums import OBJECTION_CLOSED
from publicity.models import Objection


def notice_draft(campaign: Campaign, *, today: date | None = None) -> dict:
    """The notice's initial text: the verified ones, the period, where objections go."""
    programme = campaign.programme
    count = campaign.entries.filter(status=EntryStatus.VERIFIED).count()
    names = {"year": campaign.year, "region": programme.region.name, "title": programme.get_kind_display()}
    department = programme.lead_department
    return {
        "title": _("关于%(year)d年%(region)s拟认定%(title)s名单的公示") % names,
        "body": _("根据%(year)d年%(title)s创建工作安排，经社区（村）自评、镇（街道）评估推荐、区核定，拟认定以下%(count)d个社区（村）"
                  "为%(year)d年%(title)s，现予公示。公示期间，对名单有异议的，可以向区人力资源和社会保障局反映。")
        % {**names, "count": count},
        "contacts": department.name,
        "written_on": today or timezone.localdate(),
    }


def publish_blockers(campaign: Campaign) -> list[str]:
    """What keeps the notice from being published: published already, one recommended by its town still waiting for
    the district, none verified."""
    if campaign.notice_id:
        return [_("本年度创建已发布公示。")]
    waiting = list(campaign.entries.filter(status=EntryStatus.RECOMMENDED).values_list("community__name", flat=True))
    if waiting:
        return [_("尚有%(n)d个镇（街道）推荐的社区（村）未核定：%(names)s。") % {"n": len(waiting), "names": "、".join(waiting)}]
    if not campaign.entries.filter(status=EntryStatus.VERIFIED).exists():
        return [_("没有区已核定的社区（村），不能发布公示。")]
    return []


@transaction.atomic
def campaign_publish(*, campaign: Campaign, actor, title: str, body: str, contacts: str, written_on: date,
                     document_number: str = "", request=None, now=None) -> Campaign:
    """Publish the verified communities and villages of the campaign. Refused while one recommended by its town
    waits for the district, when none is verified, or a second time."""
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("programme__region").get(pk=campaign.pk)
    if not is_district(actor, campaign.programme):
        raise Refused(_("拟认定名单由区人社局核定、公示。"))
    blockers = publish_blockers(campaign)
    if blockers:
        raise Refused(blockers[0])
    entries = list(campaign.entries.filter(status=EntryStatus.VERIFIED).select_related("community__parent")
                   .order_by("town__code", "order", "pk"))
    notice = publicity.list_publish(
        programme=campaign.programme, places=[e.community for e in entries], actor=actor, title=title, body=body,
        contacts=contacts, written_on=written_on, document_number=document_number, request=request, now=now,
    )
    campaign.notice = notice
    campaign._change_reason = _("发布公示")
    campaign.save(update_fields=["notice"])
    for entry in entries:
        transition(entry, EntryStatus.PUBLICISED, table=Entry.TRANSITIONS, actor=actor, note=_("列入公示"))
    return campaign


def may_announce(user, campaign: Campaign) -> bool:
    """「市公布」: the titles are announced from above the district — an admin of the programme whose own region is not
    the programme's (the city's HR bureau, granted the programme), or the system administrator; the district verifies
    and publishes, it does not announce its own list."""
    if not manages_programme(user, campaign.programme):
        return False
    return user.region_id is None or user.region_id != campaign.programme.region_id


def announcement_blockers(campaign: Campaign, now=None) -> list[str]:
    """What keeps the titles from being announced: no notice, its period not over, objections still open."""
    now = now or timezone.now()
    notice = campaign.notice
    if notice is None:
        return [_("尚未发布公示")]
    blockers = []
    if notice.closes_at > now:
        blockers.append(_("公示期未满（%(end)s截止）") % {"end": cn_date(notice.ends_on)})
    open_objections = Objection.objects.filter(notice=notice).exclude(status__in=OBJECTION_CLOSED).count()
    if open_objections:
        blockers.append(_("%(n)d件异议尚未办结") % {"n": open_objections})
    return blockers


@transaction.atomic
def campaign_announce(*, campaign: Campaign, actor, document_number: str, announced_on: date | None = None,
                      now=None) -> Campaign:
    """Announce the titles (市公布): each publicised one not disqualified holds the title (a numbered entry in the
    ledger of titles); a disqualified one is marked so. Refused while announcement_blockers names anything."""
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("programme", "notice").get(pk=campaign.pk)
    if not may_announce(actor, campaign):
        raise Refused(_("认定结果由市人社局公布；区人社局核定、公示。"))
    if campaign.announced_at:
        raise Refused(_("本年度创建的认定结果已经公布。"))
    blockers = announcement_blockers(campaign, now)
    if blockers:
        raise Refused(_("尚不能公布：%(open)s。") % {"open": "；".join(blockers)})
    if not document_number.strip():
        raise Refused(_("请填写公布文号。"))
    now = now or timezone.now()
    on = announced_on or timezone.localdate(now)
    disqualified = set(campaign.notice.entries.filter(disqualified_at__isnull=False).values_list("region_id", flat=True))
    entries = campaign.entries.filter(status=EntryStatus.PUBLICISED).select_related("community").order_by("town__code", "order")
    for serial, entry in enumerate(entries, start=1):
        if entry.community_id in disqualified:
            transition(entry, EntryStatus.DISQUALIFIED, table=Entry.TRANSITIONS, actor=actor, note=_("异议成立，取消"))
            continue
        title = title_grant(programme=campaign.programme, institution=None, region=entry.community,
                            holder_name=entry.community.name, number=title_number(campaign, serial), awarded_on=on,
                            actor=actor, now=now)
        transition(entry, EntryStatus.TITLED, table=Entry.TRANSITIONS, actor=actor, note=_("公布"), fields={"title": title})
    campaign.announced_at, campaign.announcement_number = now, document_number.strip()
    campaign._change_reason = _("公布认定结果")
    campaign.save(update_fields=["announced_at", "announcement_number"])
    transaction.on_commit(public_pages_changed)
    return campaign


def title_number(campaign: Campaign, serial: int) -> str:
    """证书编号: the programme's region code, the year, the title's initials and a serial, e.g. 440117-2026-CJ-003."""
    initials = {"quality_village": "GZ", "full_employment": "CJ"}.get(campaign.programme.kind, "CS")
    return f"{campaign.programme.region.code}-{campaign.year}-{initials}-{serial:03d}"
