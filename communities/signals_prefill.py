"""Facts of a community's self-evaluation filled in from its platforms' own registers (issue 17): the complaints
(complaints), the ratings (satisfaction) and the complaint phone a platform publishes (platforms).

A community's platforms are the portal's verified institutions of kind grassroots whose `region` is the community.
An item names what fills it with `prefill` (docs/rubrics.md, "Facts filled in"):

- `complaints_substantiated` on a `pass_fail` item (「无群众有效投诉」): met when no complaint received in the period
  was found substantiated (查实), not met otherwise. The period is the campaign's data window, or with
  `prefill_span_years` (「连续三年」) that many years ending with it. A platform registered in the portal after the
  period began has not recorded all of it: the item stays open.
- `complaint_channel_published` on a `fixed` deduction rule (「未公布群众投诉渠道的，扣2分」): the deduction applies
  when none of the platforms publishes a complaint phone (`PlatformProfile.complaint_phone`, as it stands now).
- `satisfaction_rate` on a `rate` item: achieved = the favourable ratings (非常满意、满意、基本满意), total = all
  ratings of the period; no rating leaves the item open.

Without a platform, or without data, nothing is filled: never a guess. Each item filled records its source
(`Assessment.sources[code]`, kind `platforms`), with the facts it set: the assessor may correct them, which drops it.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.selectors import substantiated_count
from portal.enums import InstitutionKind, InstitutionStatus
from portal.models import Institution
from satisfaction.selectors import satisfaction_counts

COMPLAINTS, CHANNEL, SATISFACTION = "complaints_substantiated", "complaint_channel_published", "satisfaction_rate"


def platforms_of(region) -> list[Institution]:
    """The verified grassroots platforms whose region is `region`, with their profiles."""
    return list(
        Institution.objects.filter(
            kind=InstitutionKind.GRASSROOTS_PLATFORM, status=InstitutionStatus.VERIFIED, region=region
        ).select_related("platform_profile").order_by("name", "pk")
    )


def period_of(campaign, item: dict) -> tuple[datetime.date, datetime.date]:
    """The days an item's signals are counted over: the campaign's data window, or `prefill_span_years` years ending
    with it."""
    span = int(item.get("prefill_span_years") or 0)
    if not span:
        return campaign.data_from, campaign.data_to
    end = campaign.data_to
    try:
        before = end.replace(year=end.year - span)
    except ValueError:  # 29 February
        before = end.replace(year=end.year - span, day=28)
    return before + datetime.timedelta(days=1), end


def _complaint_phone(platform: Institution) -> str:
    profile = getattr(platform, "platform_profile", None)
    return profile.complaint_phone.strip() if profile is not None else ""


def _covers(platforms: list[Institution], start: datetime.date) -> bool:
    """Whether every platform was in the portal (registered) by the period's first day."""
    return all(timezone.localtime(platform.created_at).date() <= start for platform in platforms)


def _complaints(platforms, start, end) -> tuple[dict, str] | None:
    if not _covers(platforms, start):
        return None
    found = sum(substantiated_count(platform, start, end) for platform in platforms)
    return {"met": found == 0}, _("查实的群众投诉%(count)d件") % {"count": found}


def _channel(platforms) -> tuple[bool, str]:
    phones = [phone for phone in map(_complaint_phone, platforms) if phone]
    if phones:
        return False, _("已公布投诉电话%(phones)s") % {"phones": "、".join(phones)}
    return True, _("未公布投诉电话")


def _satisfaction(platforms, start, end) -> tuple[dict, str] | None:
    favourable = total = 0
    for platform in platforms:
        tally = satisfaction_counts(platform, start, end)
        favourable, total = favourable + tally.favourable, total + tally.total
    if not total:
        return None
    return {"achieved": favourable, "total": total, "excluded": 0}, _("满意评价%(favourable)d条，共%(total)d条") % {
        "favourable": favourable, "total": total}


def _fill(item: dict, platforms, campaign) -> tuple[dict, list[str], list[str]]:
    """(the item's facts, the signals used, their description in Chinese) from the platforms' registers."""
    start, end = period_of(campaign, item)
    facts, used, said = {}, [], []
    signal = item.get("prefill")
    if signal == COMPLAINTS and item.get("kind") == "pass_fail":
        found = _complaints(platforms, start, end)
        if found is not None:
            facts.update(found[0])
            used.append(COMPLAINTS)
            said.append(found[1])
    elif signal == SATISFACTION and item.get("kind") == "rate":
        found = _satisfaction(platforms, start, end)
        if found is not None:
            facts.update(found[0])
            used.append(SATISFACTION)
            said.append(found[1])
    for rule in item.get("deductions", ()):
        if rule.get("prefill") == CHANNEL and rule.get("per") == "fixed":
            applies, words = _channel(platforms)
            facts.setdefault("deductions", {})[rule["key"]] = applies
            used.append(CHANNEL)
            said.append(words)
    return facts, used, said


def prefill_signals(assessment, campaign, region, data: dict) -> bool:
    """Fill the rubric's items that name a platform signal (`prefill`) for the community `region`, over the
    campaign's period; record each item's source. True when an item was filled (the caller rescores and saves)."""
    items = [item for item in [*data["items"], *data.get("bonus", ())] if _names_a_signal(item)]
    if not items:
        return False
    platforms = platforms_of(region)
    if not platforms:
        return False
    stamp = timezone.now().isoformat(timespec="seconds")
    names = [platform.name for platform in platforms]
    filled = False
    for item in items:
        facts, used, said = _fill(item, platforms, campaign)
        if not facts:
            continue
        code = str(item["code"])
        start, end = period_of(campaign, item)
        assessment.facts[code] = {**assessment.facts.get(code, {}), **facts}
        assessment.sources = {**assessment.sources, code: {
            "kind": "platforms", "signals": used, "platforms": names, "from": start.isoformat(), "to": end.isoformat(),
            "at": stamp, "facts": facts,
            "text": _("来自%(platforms)s的平台记录（%(start)s至%(end)s）：%(said)s") % {
                "platforms": "、".join(names), "start": start.isoformat(), "end": end.isoformat(), "said": "；".join(said)},
        }}
        filled = True
    return filled


def _names_a_signal(item: dict) -> bool:
    return item.get("prefill") in (COMPLAINTS, SATISFACTION) or any(
        rule.get("prefill") == CHANNEL for rule in item.get("deductions", ()))
