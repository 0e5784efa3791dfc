"""复查复评 · 限期整改 · 取消资格 (seed 002 五(四) 「镇社会事务综合服务中心对…定期开展复查复评」, 六(二) 「对复查复评不合格
的，要限期整改，对整改不到位的及时上报区人社局取消其资格」).

- Every titled community or village is re-checked yearly by its town: an assessment on the title's rubric, started
  from the latest evaluation of that community (its facts to confirm or change), concluded 合格 or 不合格 with an
  opinion. The documents give no pass mark: the conclusion is the town's, the score beside it.
- 不合格 opens rectification with a deadline; the community and its town are reminded before it and while overdue.
- The town then finds the rectification done (整改合格) or not; not done, it is reported to the district, whose
  programme admin removes the title (portal.titles.title_revoke): public on the titles' page, kept in the history.
- Years held (「连续十年…连续十五年」, annex 4 (四)5): `years_held` counts a valid title's years, and a self-evaluation
  of a titled community starts with that item's count filled in (communities.services).
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.enums import RecheckStatus
from communities.milestones import REMIND_DAYS, reminder_due
from communities.models import Evaluation, Recheck
from communities.selectors import is_district, local_staff
from portal.display import cn_date
from portal.enums import Role
from portal.models import Title, User
from portal.selectors import programme_admins
from portal.services import notify
from portal.titles import title_revoke
from portal.transitions import Refused, transition
from rubrics.assessments import assessment_create, assessment_lock, rescore


def years_held(title: Title, year: int) -> int:
    """The years a valid title has been held by `year` (awarded in 2024: 2 in 2026), 0 for a removed one."""
    return max(year - title.awarded_on.year, 0) if title.revoked_at is None else 0


def _latest_facts(title: Title) -> tuple[dict, dict]:
    """The facts and events of the latest evaluation or re-check of the community on this title's programme."""
    last = (Evaluation.objects.filter(entry__community=title.region_id, entry__campaign__programme=title.programme_id,
                                      submitted_at__isnull=False)
            .select_related("assessment").order_by("-entry__campaign__year", "-pk").first())
    recheck = title.rechecks.filter(assessment__locked_at__isnull=False).select_related("assessment").first()
    source = recheck.assessment if recheck else (last.assessment if last else None)
    return (dict(source.facts), dict(source.events)) if source else ({}, {})


@transaction.atomic
def recheck_start(*, title: Title, year: int, actor, rubric) -> Recheck:
    """The year's re-check of a valid title, started once, from the community's latest facts."""
    if title.revoked_at is not None:
        raise Refused(_("该称号已取消，不再复查。"))
    found = Recheck.objects.filter(title=title, year=year).first()
    if found is not None:
        return found
    if year <= title.awarded_on.year:
        raise Refused(_("%(year)d年认定的称号从下一年起复查。") % {"year": title.awarded_on.year})
    assessment = assessment_create(rubric=rubric, subject=title.holder_name, region=title.region,
                                   period=_("%(year)d年度复查") % {"year": year}, actor=actor)
    assessment.facts, assessment.events = _latest_facts(title)
    rescore(assessment)
    assessment._change_reason = _("以最近一次评估为基础")
    assessment.save()
    return Recheck.objects.create(title=title, year=year, assessment=assessment, created_by=actor)


@transaction.atomic
def recheck_conclude(*, recheck: Recheck, actor, passed: bool | None, opinion: str, rectify_due: date | None = None,
                     today: date | None = None) -> Recheck:
    """The town's conclusion: 合格, or 不合格 with a deadline to rectify (later than `today`) and the reasons."""
    recheck = Recheck.objects.select_for_update(of=("self",)).select_related("assessment", "title__region").get(pk=recheck.pk)
    problems = []
    if recheck.assessment.score is None:
        problems.append(_("还有评分项未填写或有误，总分待定"))
    if passed is None:
        problems.append(_("请选择复查结论"))
    if passed is False and not opinion.strip():
        problems.append(_("不合格的，请写明问题"))
    if passed is False and (rectify_due is None or rectify_due <= (today or timezone.localdate())):
        problems.append(_("请确定整改期限（晚于今天）"))
    if problems:
        raise Refused(_("尚不能提交：%(problems)s。") % {"problems": "；".join(problems)})
    assessment_lock(assessment=recheck.assessment, actor=actor, reason=_("提交复查复评"))
    to = RecheckStatus.PASSED if passed else RecheckStatus.RECTIFYING
    return transition(recheck, to, table=Recheck.TRANSITIONS, actor=actor, note=opinion.strip() or to.label,
                      fields={"opinion": opinion.strip(), "rectify_due": None if passed else rectify_due},
                      also=_tell_rectifying if not passed else None)


def _tell_rectifying(recheck: Recheck) -> None:
    users = _local_staff(recheck) + programme_admins(recheck.title.programme)
    notify(users=users, link=recheck.get_absolute_url(), text=_("%(name)s %(year)d年复查不合格，须于%(due)s前整改。") % {
        "name": recheck.title.holder_name, "year": recheck.year, "due": cn_date(recheck.rectify_due)})


def _local_staff(recheck: Recheck) -> list[User]:
    region = recheck.title.region
    return local_staff(region.pk, region.parent_id)


@transaction.atomic
def rectification_close(*, recheck: Recheck, actor, rectified: bool, note: str) -> Recheck:
    """The town's finding on the rectification: done (the title stays), or not (reported to the district)."""
    if not note.strip():
        raise Refused(_("请写明整改情况。"))
    to = RecheckStatus.RECTIFIED if rectified else RecheckStatus.REPORTED
    recheck = transition(recheck, to, table=Recheck.TRANSITIONS, actor=actor, note=note.strip(),
                         fields={"rectification": note.strip()})
    if not rectified:
        notify(users=programme_admins(recheck.title.programme), link=recheck.get_absolute_url(),
               text=_("%(name)s整改不到位，镇（街道）上报取消其资格，请办理。") % {"name": recheck.title.holder_name})
    return recheck


@transaction.atomic
def title_remove(*, recheck: Recheck, actor, reason: str) -> Recheck:
    """The district removes the title of a community whose rectification was reported as not done (取消资格)."""
    if not reason.strip():
        raise Refused(_("请写明取消资格的理由。"))
    recheck = transition(recheck, RecheckStatus.REMOVED, table=Recheck.TRANSITIONS, actor=actor, note=reason.strip())
    title_revoke(title=recheck.title, revoked_at=timezone.now(), quota_returned=False, actor=actor,
                 reason=_("复查复评整改不到位，取消资格：%(reason)s") % {"reason": reason.strip()})
    notify(users=_local_staff(recheck), link=recheck.get_absolute_url(),
           text=_("%(name)s的%(title)s称号已被取消。") % {"name": recheck.title.holder_name,
                                                   "title": recheck.title.programme.get_kind_display()})
    return recheck


def rectifications_remind(today: date | None = None) -> int:
    """Tell the community and its town of a rectification due within REMIND_DAYS (once) or overdue (once a week:
    communities.milestones.reminder_due); returns how many were told of."""
    today = today or timezone.localdate()
    told = 0
    due = Recheck.objects.filter(status=RecheckStatus.RECTIFYING, rectify_due__lte=today + timedelta(days=REMIND_DAYS))
    for recheck in due.select_related("title__region"):
        if not reminder_due(recheck.rectify_due, recheck.reminded_on, today):
            continue
        when = _("已逾期") if recheck.rectify_due < today else _("即将到期")
        notify(users=_local_staff(recheck), link=recheck.get_absolute_url(), text=_("%(name)s的整改%(when)s（%(due)s）。") % {
            "name": recheck.title.holder_name, "when": when, "due": cn_date(recheck.rectify_due)})
        Recheck.objects.filter(pk=recheck.pk).update(reminded_on=today)
        told += 1
    return told


def may_recheck(user, recheck_or_title) -> bool:
    """The town of the community, and the district's admins of the programme, conduct the re-check."""
    title = getattr(recheck_or_title, "title", recheck_or_title)
    if user.role == Role.TOWN_STAFF:
        return title.region.parent_id == user.region_id
    return is_district(user, title.programme)

