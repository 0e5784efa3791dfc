"""A campaign's chain (seed 002 五(四)): 「社区(村)自评、镇评估推荐，区核定、公示，市公布」.

- The district sets up the year's campaign on the title's programme (its rubric frozen, the plan's milestones, the
  towns' targets); each town draws up its creation list (附件2, 是否就业驿站建设点).
- The community or village evaluates itself: an assessment on the rubric (facts, evidence, ledgers: the rubrics
  pages), submitted once complete; it is then read only.
- The town evaluates: its assessment starts as a copy of the self-evaluation; it confirms or changes each item, and an
  item it changes needs its reason (the item's 说明); it recommends or not, with its opinion.
- The district verifies (核定) the recommended ones the same way, from the town's evaluation.

Each level sees and changes only its own jurisdiction (communities.selectors). Publicity, the city's announcement and
the yearly re-checks come next.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.enums import STARTS_AT, EntryStatus, Level
from communities.milestones import milestones_create
from communities.models import Campaign, Entry, Evaluation, TownTarget
from communities.rechecks import years_held
from communities.selectors import next_level_users
from communities.signals_prefill import prefill_signals
from portal.enums import ProgrammeKind, RegionLevel, Settlement
from portal.models import Title
from portal.services import notify
from portal.transitions import Refused, transition
from rubrics.assessments import assessment_create, assessment_lock, rescore
from rubrics.services import rubric_data, rubric_freeze

NOT_A_CAMPAIGN = gettext_lazy("标杆机构评定项目不按年度创建办理，请选择高质量就业村或充分就业社区（村）项目。")
# The level below each level, whose evaluation the level starts from.
BELOW = {Level.TOWN: Level.SELF, Level.DISTRICT: Level.TOWN}
# What each level's submission moves the entry to: (verdict True, verdict False); a self-evaluation has no verdict.
MOVES = {
    Level.SELF: (EntryStatus.SELF_SUBMITTED, EntryStatus.SELF_SUBMITTED),
    Level.TOWN: (EntryStatus.RECOMMENDED, EntryStatus.NOT_RECOMMENDED),
    Level.DISTRICT: (EntryStatus.VERIFIED, EntryStatus.NOT_VERIFIED),
}


@transaction.atomic
def campaign_create(*, programme, year: int, rubric, actor, first_year: bool = True, **dates) -> Campaign:
    """A district's campaign of the programme's title for `year`, on `rubric` (frozen from now on), with the plan's
    milestones (communities.milestones). `dates`: data_from, data_to, self_due, town_due, district_due. Side effects:
    the campaign (history), its milestones, the rubric frozen."""
    if programme.kind == ProgrammeKind.BENCHMARK:
        raise Refused(str(NOT_A_CAMPAIGN))
    if Campaign.objects.filter(programme=programme, year=year).exists():
        raise Refused(_("%(year)d年的创建已经设立。") % {"year": year})
    rubric_freeze(rubric, actor=actor)
    campaign = Campaign(programme=programme, year=year, rubric=rubric, created_by=actor, **dates)
    campaign._change_reason = _("设立年度创建")
    campaign.save()
    milestones_create(campaign, first_year=first_year)
    return campaign


def target_set(*, campaign: Campaign, town, actor, count=None, community_rate=None, village_rate=None) -> TownTarget:
    """A town's task in the campaign (建设任务): a number of titles, or rates of its communities and villages."""
    if town.level != RegionLevel.TOWN or not campaign.programme.region.contains(town):
        raise Refused(_("“%(name)s”不是%(region)s辖区内的镇（街道）。") % {"name": town, "region": campaign.programme.region})
    target = TownTarget.objects.filter(campaign=campaign, town=town).first() or TownTarget(campaign=campaign, town=town)
    target.count, target.community_rate, target.village_rate = count, community_rate, village_rate
    target._change_reason = _("下达建设任务")
    target._history_user = actor
    target.save()
    return target


def entry_add(*, campaign: Campaign, community, actor, is_station: bool = False, note: str = "", order: int = 0) -> Entry:
    """Put a community or village on the campaign's creation list (附件2), under its town."""
    if community.level != RegionLevel.COMMUNITY or community.parent is None:
        raise Refused(_("“%(name)s”不是社区（村），不能列入创建名单。") % {"name": community})
    if not campaign.programme.region.contains(community):
        raise Refused(_("“%(name)s”不在%(region)s辖区内。") % {"name": community, "region": campaign.programme.region})
    if campaign.programme.kind == ProgrammeKind.QUALITY_VILLAGE and community.settlement != Settlement.VILLAGE:
        raise Refused(_("高质量就业村只在村中创建，“%(name)s”是社区。") % {"name": community})
    if Entry.objects.filter(campaign=campaign, community=community).exists():
        raise Refused(_("“%(name)s”已在创建名单中。") % {"name": community})
    entry = Entry(campaign=campaign, community=community, town=community.parent, is_station=is_station, note=note,
                  order=order)
    entry._change_reason = _("列入创建名单")
    entry._history_user = actor
    entry.save()
    return entry


@transaction.atomic
def evaluation_start(*, entry: Entry, level: str, actor) -> Evaluation:
    """The level's evaluation of the entry, started once: the self-evaluation empty but for what the ledger of titles
    and the community's platforms' registers give (`_prefill_years`, communities.signals_prefill), the town's and the
    district's as a copy of the level below (its facts, notes and events), to confirm or change."""
    entry = Entry.objects.select_for_update().select_related("campaign__rubric", "community").get(pk=entry.pk)
    found = entry.evaluations.filter(level=level).select_related("assessment").first()
    if found is not None:
        return found
    if entry.status != STARTS_AT[level]:
        raise Refused(_("%(name)s当前“%(status)s”，还不能开始%(level)s。") % {
            "name": entry.community, "status": entry.get_status_display(), "level": Level(level).label})
    assessment = assessment_create(
        rubric=entry.campaign.rubric, subject=entry.community.name, region=entry.community,
        period=_("%(year)d年度") % {"year": entry.campaign.year}, actor=actor,
    )
    if level in BELOW:
        below = entry.evaluations.get(level=BELOW[level]).assessment
        assessment.facts, assessment.notes, assessment.events = dict(below.facts), {}, dict(below.events)
        rescore(assessment)
        assessment._change_reason = _("以%(level)s为基础") % {"level": Level(BELOW[level]).label}
        assessment.save()
    else:
        data = rubric_data(entry.campaign.rubric)
        reasons = [reason for reason, filled in (
            (_("按称号台账填入连续保持年数"), _prefill_years(assessment, entry)),
            (_("按平台投诉、满意度记录填入"), prefill_signals(assessment, entry.campaign, entry.community, data)),
        ) if filled]
        if reasons:
            rescore(assessment, data)
            assessment._change_reason = "；".join(reasons)
            assessment.save()
    return Evaluation.objects.create(entry=entry, level=level, assessment=assessment)


def _prefill_years(assessment, entry: Entry) -> bool:
    """An item counting the years the title was held (annex 4 (四)5, `prefill: years_held`) filled in from the ledger
    of titles, for a community that holds the title; the assessor may correct it."""
    title = Title.objects.filter(programme=entry.campaign.programme_id, region=entry.community_id,
                                 revoked_at__isnull=True).first()
    if title is None:
        return False
    data = rubric_data(entry.campaign.rubric)
    codes = [item["code"] for item in [*data["items"], *data.get("bonus", ())] if item.get("prefill") == "years_held"]
    for code in codes:
        assessment.facts[code] = {"count": years_held(title, entry.campaign.year)}
    if codes:
        rescore(assessment, data)
    return bool(codes)


def changed_items(evaluation: Evaluation) -> list[str]:
    """The items whose facts differ from the level below's (none for a self-evaluation), in the rubric's order."""
    if evaluation.level not in BELOW:
        return []
    below = evaluation.entry.evaluations.get(level=BELOW[evaluation.level]).assessment
    mine = evaluation.assessment
    codes = list(evaluation.entry.campaign.rubric.items.order_by("order").values_list("code", flat=True))
    return [code for code in codes if _facts_of(mine, code) != _facts_of(below, code)]


def _facts_of(assessment, code: str) -> tuple:
    """An item's facts and the events entered one by one for it, as stored."""
    events = {key: rows for key, rows in assessment.events.items() if key.split("|", 1)[0] == code}
    return assessment.facts.get(code, {}), events


def assessment_problems(evaluation: Evaluation, *, changed: list[str] | None = None) -> list[str]:
    """What in the level's assessment keeps it from being submitted, in Chinese: an item not filled in or wrong, a
    change without its reason. `changed`: changed_items(evaluation), when the caller has it already."""
    problems = []
    if evaluation.assessment.score is None:
        problems.append(_("还有评分项未填写或有误，总分待定"))
    changed = changed_items(evaluation) if changed is None else changed
    unexplained = [code for code in changed if not evaluation.assessment.notes.get(code, "").strip()]
    if unexplained:
        problems.append(_("以下评分项与%(below)s不同，请在该项的“说明”中写明改动理由：%(codes)s") % {
            "below": Level(BELOW[evaluation.level]).label, "codes": "、".join(unexplained)})
    return problems


def submission_problems(evaluation: Evaluation, *, verdict, opinion: str) -> list[str]:
    """What keeps the level's evaluation from being submitted, in Chinese: its assessment's problems, a town's or
    district's verdict missing, a 'no' without its opinion."""
    problems = assessment_problems(evaluation)
    if evaluation.level != Level.SELF and verdict is None:
        problems.append(_("请选择是否推荐") if evaluation.level == Level.TOWN else _("请选择是否核定通过"))
    if verdict is False and not opinion.strip():
        problems.append(_("不推荐或核定不通过的，请写明理由"))
    return problems


@transaction.atomic
def evaluation_submit(*, evaluation: Evaluation, actor, verdict: bool | None = None, opinion: str = "") -> Evaluation:
    """Submit the level's evaluation: its assessment locked, the verdict and opinion kept, the entry moved on, the next
    level told. Refused with every problem named (submission_problems)."""
    evaluation = Evaluation.objects.select_for_update().select_related("assessment", "entry__campaign").get(pk=evaluation.pk)
    if evaluation.submitted_at is not None:
        raise Refused(_("该评估已经提交。"))
    verdict = None if evaluation.level == Level.SELF else verdict
    problems = submission_problems(evaluation, verdict=verdict, opinion=opinion)
    if problems:
        raise Refused(_("尚不能提交：%(problems)s。") % {"problems": "；".join(problems)})
    assessment_lock(assessment=evaluation.assessment, actor=actor, reason=_("提交%(level)s") % {"level": evaluation.get_level_display()})
    evaluation.verdict, evaluation.opinion = verdict, opinion.strip()
    evaluation.submitted_at, evaluation.submitted_by = timezone.now(), actor
    evaluation._change_reason = _("提交")
    evaluation.save()
    to = MOVES[evaluation.level][0 if verdict in (None, True) else 1]
    transition(evaluation.entry, to, table=Entry.TRANSITIONS, actor=actor, note=evaluation.get_level_display(),
               also=lambda entry: _tell_next(entry, evaluation))
    return evaluation


def _tell_next(entry: Entry, evaluation: Evaluation) -> None:
    users = next_level_users(entry)
    if users:
        notify(users=users, link=entry.get_absolute_url(), text=_("%(name)s的%(level)s已提交（%(status)s），请办理。") % {
            "name": entry.community, "level": evaluation.get_level_display(), "status": entry.get_status_display()})
