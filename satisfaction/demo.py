"""Demo data of the satisfaction app (called by the project's seed_demo after the platforms'): ratings over 2026
Q3–Q4 at the windows of 高青县's platforms, mostly favourable; a few 不满意 cases at every stage (one overdue, one
replied); Q3's ranking of 高青县 published. Idempotent: ratings made here carry a demo device id and are made once."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from platforms.models import ServicePoint
from portal.enums import Role
from portal.models import Institution, Region, User
from satisfaction.enums import CaseStatus, Grade
from satisfaction.models import Case, PublishedRanking, Rating
from satisfaction.quarters import Quarter
from satisfaction.services import address_hash, case_deadline, ranking_rows

COUNTY_CODE = "370322"
FALLBACK = {
    "高青县田镇街道便民服务中心": ("就业登记窗口", "就业登记\n失业登记\n就业困难人员认定"),
    "高青县芦湖街道社区就业服务站": ("职业介绍窗口", "求职登记\n职业指导\n招聘信息查询"),
}
# Mostly favourable: the weights of 非常满意 … 非常不满意.
WEIGHTS = [(Grade.VERY_SATISFIED, 55), (Grade.SATISFIED, 30), (Grade.FAIRLY_SATISFIED, 10), (Grade.DISSATISFIED, 5)]
COMMENTS = ["办事很快，态度好", "", "", "希望午间也能办理", "", "讲解耐心"]


def _windows() -> list[ServicePoint]:
    for name, (window, services) in FALLBACK.items():
        institution = Institution.objects.filter(name=name).first()
        if institution is not None:
            ServicePoint.objects.get_or_create(institution=institution, name=window, defaults={"services": services})
    return list(ServicePoint.objects.filter(institution__region__code__startswith=COUNTY_CODE, is_active=True))


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def seed_satisfaction(*, today: date | None = None) -> int:
    """Seed the ratings, cases and the Q3 ranking; returns the number of ratings made (0 on a second run)."""
    windows = _windows()
    if not windows or Rating.objects.filter(device__startswith="demo-").exists():
        return 0
    # The story runs from July 2026 to today (never a rating dated after it), at most to the end of 2026.
    today = today or timezone.localdate()
    chooser = random.Random(370322)
    made = 0
    day = date(2026, 7, 1)
    while day <= min(date(2026, 12, 31), today):
        for window in windows:
            if day.weekday() < 5 and chooser.random() < 0.5:
                _rating(window, day, chooser, made)
                made += 1
        day += timedelta(days=1)
    _cases(windows, today)
    _publish_q3()
    return made


def _rating(window, day, chooser, number, grade=None, phone="") -> Rating:
    grade = grade or chooser.choices([g for g, _w in WEIGHTS], [w for _g, w in WEIGHTS])[0]
    services = window.service_list() or ["其他"]
    rating = Rating.objects.create(
        service_point=window, institution_id=window.institution_id, service=chooser.choice(services),
        overall=grade, efficiency=max(grade, Grade.FAIRLY_SATISFIED) if grade > 2 else grade, competence=grade,
        attitude=min(Grade.VERY_SATISFIED, grade + 1), comment=chooser.choice(COMMENTS) if grade > 2 else "窗口人员离岗，等候时间过长",
        phone=phone, phone_consent=bool(phone), device=f"demo-{number}", address_hash=address_hash(f"demo-{number}"),
        rated_at=_at(day, 9 + number % 8),
    )  # fmt: skip
    if rating.is_unfavourable:
        Case.objects.create(rating=rating, institution_id=rating.institution_id, deadline=case_deadline(day))
    return rating


def _cases(windows, today) -> None:
    """Move the random cases along (Q3: all closed) and add one case per stage in Q4."""
    now = timezone.now()
    Case.objects.filter(rating__rated_at__lt=_at(date(2026, 10, 1), 0)).update(
        status=CaseStatus.CLOSED, founded=True, findings="经调看录像核实属实", verified_at=now,
        rectification="调整窗口轮岗，离岗须挂牌告知", rectified_at=now, reply="已整改，感谢监督", replied_at=now,
    )  # fmt: skip
    chooser = random.Random(2026)
    stages = [
        (date(2026, 10, 12), "13800001234", CaseStatus.PENDING, {}),  # overdue by 2026-11
        (date(2026, 11, 2), "", CaseStatus.RECTIFYING, {"founded": True, "findings": "属实", "verified_at": now}),
        (date(2026, 11, 9), "13900004321", CaseStatus.ANSWERING, {"founded": False, "findings": "系政策规定，非工作人员过错", "verified_at": now}),
        (date(2026, 10, 20), "13700005678", CaseStatus.CLOSED, {
            "founded": True, "findings": "属实", "verified_at": now, "rectification": "增设叫号提醒", "rectified_at": now,
            "callback_on": date(2026, 10, 23), "callback_outcome": "群众表示满意", "reply": "已增设叫号提醒，欢迎再次监督", "replied_at": now,
        }),
    ]  # fmt: skip
    for number, (day, phone, status, fields) in enumerate(stages):
        if day > today:
            continue
        rating = _rating(windows[number % len(windows)], day, chooser, 10_000 + number, Grade.DISSATISFIED, phone)
        Case.objects.filter(rating=rating).update(status=status, **fields)


def _publish_q3() -> None:
    region = Region.objects.filter(code=COUNTY_CODE).first()
    actor = User.objects.filter(Q(role=Role.SYSTEM_ADMIN) | Q(is_superuser=True) | Q(role=Role.PROGRAMME_ADMIN)).order_by("role", "pk").first()
    if region is None or actor is None:
        return
    quarter = Quarter(2026, 3)
    rows = ranking_rows(region, quarter)
    if rows:
        PublishedRanking.objects.get_or_create(
            region=region, year=2026, quarter=3,
            defaults={"rows": rows, "published_at": _at(date(2026, 10, 10), 10), "published_by": actor},
        )  # fmt: skip
