"""Demo campaigns of 从化区 for `manage.py seed_demo` (seed 002), built through the services: 良口镇's communities and
villages of 附件2 in the current year's 充分就业社区（村） campaign at every step of the chain, and its four typical
villages in the 高质量就业村 campaign. The year is a later one of the plan: its check runs from December to the next
March (「以后年度12月至下年3月」). Idempotent: a programme that has its campaign is left as it is.
"""

import datetime
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction

from communities import progress, publication, rechecks, services
from communities.enums import Level
from communities.models import Campaign, Evaluation, ProgressReport
from portal.enums import Level as ProgrammeLevel
from portal.enums import ProgrammeKind, RegionLevel, Role
from portal.models import Department, Programme, Region, Title, User
from portal.permissions import manages_programme
from portal.services import programme_admin_grant
from rubrics.assessments import assessment_record
from rubrics.demo import FACTS
from rubrics.models import Assessment
from rubrics.services import rubric_install
from rubrics.standards import STANDARDS

YEAR = 2026
SHANGHAI = ZoneInfo("Asia/Shanghai")
# 附件2's 23 and the plan's four typical villages (「定溪头村、米埗村、塘尾村、良明村为2024年创建高质量就业村」).
QUALITY_VILLAGES = ("溪头村", "米埗村", "塘尾村", "良明村")
# Where each of the 23 stands: the first ones verified, then recommended, not recommended, submitted, still at work.
STEPS = ["verified"] * 6 + ["recommended"] * 5 + ["not_recommended"] + ["self_submitted"] * 5 + ["listed"] * 6
TITLES = {ProgrammeKind.FULL_EMPLOYMENT: ("gz_community_2024", "从化区充分就业社区（村）建设"),
          ProgrammeKind.QUALITY_VILLAGE: ("gz_village_2024", "从化区高质量就业村建设")}


def _programme(kind: str, district: Region, department: Department, admin: User) -> Programme:
    slug, name = TITLES[kind]
    programme, created = Programme.objects.get_or_create(
        name=name, defaults={
            "kind": kind, "level": ProgrammeLevel.COUNTY, "region": district, "period_name": "“十五五”时期",
            "period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2030, 12, 31), "period_quota": 999,
            "lead_department": department,
        })
    if created:
        programme_admin_grant(programme=programme, user=admin)
        rubric_install(STANDARDS[slug], standard=slug, programme=programme, actor=admin)
    return programme


def _staff(place: Region, serial: int) -> User:
    """The account a community or village works under: the demo's own for 黄竹塱社区, else one its town opened (no
    password shown in the demo)."""
    found = User.objects.filter(role=Role.COMMUNITY_STAFF, region=place).order_by("pk").first()
    if found is not None:
        return found
    user, _created = User.objects.get_or_create(
        username=f"lk_{place.code[-3:]}", defaults={
            "full_name": f"{place.name}经办人", "role": Role.COMMUNITY_STAFF, "region": place,
            "password": make_password(None), "must_change_password": False})
    return user


# A typical village's facts on 附件3 (the demo varies its registered unemployed).
VILLAGE = {
    "(一)2": {"met": True}, "(一)3": {"met": True}, "(一)4": {"count": 37}, "(一)5": {"count": 4},
    "(二)1": {"parts": {"推荐": {"count": 2, "all_employed": False}, "平台": {"met": True}}},
    "(二)2": {"parts": {"推荐": {"count": 1, "all_employed": True}, "涉农培训": {"met": ["三项工程"]}}},
    "(二)3": {"achieved": 6, "total": 60},
    "(三)1": {"met": ["办公台位", "信息化服务项目", "经费", "工作人员", "规章制度", "就业服务专区", "宣传角"]},
    "(三)2": {"met": ["劳动力调查", "数据完整", "毕业生摸底"]},
    "(三)3": {"met": ["党建引领", "业务办理数据", "求职登记", "求职信息", "岗位收集发布", "岗位要素", "跟踪调查", "分级服务"]},
    "(三)4": {"met": True}, "(四)1": {"incidents": 0},
    "(五)1": {"parts": {"荣誉": {"events": 0}, "批示": {"events": 0}, "承办活动": {"events": 1}, "媒体报道": {"met": False}}},
}


def _facts(rng: random.Random, rubric_slug: str) -> dict:
    total = rng.randrange(40, 90)
    registered = {"achieved": int(total * rng.uniform(0.8, 0.97)), "total": total, "excluded": rng.randrange(0, 3)}
    return {**(FACTS if rubric_slug == "gz_community_2024" else VILLAGE), "(一)1": registered}


def _walk(entry, step: str, *, town: User, admin: User, rng: random.Random, slug: str) -> None:
    if step == "listed":
        if rng.random() < 0.5:  # some have started filling in
            services.evaluation_start(entry=entry, level=Level.SELF, actor=_staff(entry.community, 0))
        return
    staff = _staff(entry.community, 0)
    evaluation = services.evaluation_start(entry=entry, level=Level.SELF, actor=staff)
    facts = _facts(rng, slug)
    assessment_record(assessment=evaluation.assessment, facts=facts, notes={}, events={}, actor=staff)
    services.evaluation_submit(evaluation=evaluation, actor=staff)
    if step == "self_submitted":
        return
    town_evaluation = services.evaluation_start(entry=entry, level=Level.TOWN, actor=town)
    if step == "not_recommended":
        services.evaluation_submit(evaluation=town_evaluation, actor=town, verdict=False,
                                   opinion="就业困难人员台账不全，整改后明年再评。")
        return
    services.evaluation_submit(evaluation=town_evaluation, actor=town, verdict=True, opinion="同意推荐。")
    if step == "verified":
        district = services.evaluation_start(entry=entry, level=Level.DISTRICT, actor=admin)
        services.evaluation_submit(evaluation=district, actor=admin, verdict=True, opinion="经核定，达到建设标准。")


@transaction.atomic
def seed_communities(*, admin: User, city_admin: User | None = None) -> list[str]:
    """The demo's campaigns, once (nothing when 良口镇 or its town staff is not there): 2024 finished — published and
    announced as the plan dates it —, and the current year's at every step of the chain."""
    town = Region.objects.filter(name="良口镇", level=RegionLevel.TOWN).select_related("parent").first()
    town_staff = User.objects.filter(role=Role.TOWN_STAFF, region=town).first() if town else None
    if town_staff is None:
        return []
    department, _created = Department.objects.get_or_create(
        name="广州市从化区人力资源和社会保障局", defaults={"kind": "hr", "region": town.parent, "short_name": "从化区人社局"})
    places = {place.name: place for place in town.children.filter(level=RegionLevel.COMMUNITY).order_by("code")}
    made = []
    for kind, names in ((ProgrammeKind.FULL_EMPLOYMENT, list(places)), (ProgrammeKind.QUALITY_VILLAGE, QUALITY_VILLAGES)):
        programme = _programme(kind, town.parent, department, admin)
        if city_admin is not None and not manages_programme(city_admin, programme):
            programme_admin_grant(programme=programme, user=city_admin)  # 市公布: the city's HR bureau announces
        names = [name for name in names if name in places]
        for year in (2024, YEAR):
            if Campaign.objects.filter(programme=programme, year=year).exists():
                continue
            campaign = _campaign(programme, admin, town, kind, year)
            rng = random.Random(f"{year}{kind}")
            for order, (name, step) in enumerate(zip(names, _steps(kind, year, len(names)), strict=False), start=1):
                entry = services.entry_add(campaign=campaign, community=places[name], actor=town_staff, order=order,
                                           is_station=order % 3 == 1)
                _walk(entry, step, town=town_staff, admin=admin, rng=rng, slug=campaign.rubric.standard)
            if year < YEAR:
                _backdate(campaign)
                _finish(campaign, admin, city_admin or admin)
                _rechecks(campaign, town_staff)
            else:  # 良口镇 reported its progress at the end of November, as it does monthly
                report = progress.progress_report(campaign=campaign, town=town, actor=town_staff,
                                                  note="自评材料已陆续提交，镇评估推荐按计划进行。")
                ProgressReport.objects.filter(pk=report.pk).update(
                    reported_at=datetime.datetime(YEAR, 11, 30, 16, 0, tzinfo=SHANGHAI))
            made.append(str(campaign))
    return made


# The 2025 re-checks of the 2024 titles (「以后年度12月至下年3月」): all 合格 but one, which rectified in time.
RECTIFIED = "良平村"


def _rechecks(campaign: Campaign, town_staff: User) -> None:
    for title in Title.objects.filter(programme=campaign.programme, awarded_on__year=campaign.year).select_related("region"):
        recheck = rechecks.recheck_start(title=title, year=campaign.year + 1, actor=town_staff, rubric=campaign.rubric)
        failed = title.holder_name == RECTIFIED
        rechecks.recheck_conclude(
            recheck=recheck, actor=town_staff, passed=not failed, today=datetime.date(campaign.year + 1, 12, 10),
            opinion="就业困难人员台账未按月更新，跟踪随访记录不全。" if failed else "",
            rectify_due=datetime.date(campaign.year + 2, 1, 15) if failed else None,
        )
        if failed:
            rechecks.rectification_close(recheck=recheck, actor=town_staff, rectified=True,
                                         note="已补齐2025年台账和随访记录，经镇复核整改合格。")
        at = datetime.datetime(campaign.year + 1, 12, 15, 10, 0, tzinfo=SHANGHAI)  # the check of 12月至下年3月
        Assessment.objects.filter(pk=recheck.assessment_id).update(locked_at=at, created_at=at, updated_at=at)


def _steps(kind: str, year: int, count: int) -> list[str]:
    if year < YEAR:  # the finished year: all verified but two villages the town did not recommend (联群村, 胜塘村)
        steps = ["verified"] * count
        if count > 12:
            steps[10] = steps[11] = "not_recommended"
        return steps
    return STEPS if kind == ProgrammeKind.FULL_EMPLOYMENT else ["recommended", "self_submitted", "listed", "listed"]


# When each level of the finished year submitted, as its plan dates the steps (自评 by 10月15日, the town's before the
# district's check by 11月10日): the services stamp today, the demo's past year needs its own days.
SUBMITTED = {Level.SELF: (10, 11), Level.TOWN: (10, 28), Level.DISTRICT: (11, 6)}


def _backdate(campaign: Campaign) -> None:
    for level, (month, day) in SUBMITTED.items():
        evaluations = Evaluation.objects.filter(entry__campaign=campaign, level=level)
        for hour, evaluation in enumerate(evaluations.order_by("entry__order")):
            at = datetime.datetime(campaign.year, month, day, 9 + hour // 6, hour % 6 * 10, tzinfo=SHANGHAI)
            Evaluation.objects.filter(pk=evaluation.pk).update(submitted_at=at)
            Assessment.objects.filter(pk=evaluation.assessment_id).update(locked_at=at, created_at=at, updated_at=at)


def _finish(campaign: Campaign, admin: User, city_admin: User) -> None:
    """Published on 12 November and announced on 25 November of its year, as the plan's 11月10日 check is followed."""
    published = datetime.datetime(campaign.year, 11, 12, 9, 0, tzinfo=SHANGHAI)
    draft = publication.notice_draft(campaign, today=published.date())
    publication.campaign_publish(campaign=campaign, actor=admin, now=published, document_number="",
                                 **{key: draft[key] for key in ("title", "body", "contacts", "written_on")})
    publication.campaign_announce(campaign=campaign, actor=city_admin, document_number=f"穗人社函〔{campaign.year}〕56号",
                                  now=datetime.datetime(campaign.year, 11, 25, 10, 0, tzinfo=SHANGHAI))


def _campaign(programme: Programme, admin: User, town: Region, kind: str, year: int) -> Campaign:
    first = year == 2024
    check_from, check_to = (datetime.date(year, 10, 31), datetime.date(year, 11, 10)) if first else (
        datetime.date(year + 1, 1, 31), datetime.date(year + 1, 3, 31))
    campaign = services.campaign_create(
        programme=programme, year=year, rubric=programme.scoring_rubrics.first(), actor=admin, first_year=first,
        data_from=datetime.date(year - 1, 10, 1), data_to=datetime.date(year, 9, 30),
        self_due=datetime.date(year, 10, 15) if first else datetime.date(year, 12, 20), town_due=check_from,
        district_due=check_to,
    )
    if kind == ProgrammeKind.QUALITY_VILLAGE:
        services.target_set(campaign=campaign, town=town, actor=admin, count=4)
    else:
        services.target_set(campaign=campaign, town=town, actor=admin, community_rate=Decimal("75"), village_rate=Decimal("70"))
    for milestone in campaign.milestones.filter(due_on__lt=datetime.date(YEAR, 12, 1)):
        milestone.done_on = milestone.due_on
        milestone.save(update_fields=["done_on"])
    return campaign
