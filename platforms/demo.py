"""Demo data of the platforms (called by the project's seed_demo): for the grassroots platforms of the demo county
高青县 (370322), a staff register (the first platform one 职业指导师 short), two windows each with the complaint phone,
and the quarterly duties of 2026 Q1–Q3 recorded (Q4 open). Idempotent: found by name and quarter, never duplicated."""

from datetime import date

from django.db import transaction

from platforms.models import Duty, DutyKind, PlatformProfile, Qualification, ServicePoint, StaffMember
from platforms.selectors import PLATFORM_KINDS, quarter_end
from portal.models import Institution

COUNTY_CODE = "370322"
A, G = Qualification.LABOUR_ASSISTANT, Qualification.CAREER_GUIDANCE
# (name, position, staff number, qualifications): 5 current people, 3 协理员 (60 %) and 1 指导师 (20 %).
STAFF = [
    ("王丽娟", "平台负责人", "GQ01", [A, G]),
    ("赵海涛", "就业登记窗口", "GQ02", [A]),
    ("孙晓燕", "职业介绍窗口", "GQ03", [A]),
    ("陈建国", "政策咨询", "GQ04", []),
    ("周敏", "信息发布", "GQ05", []),
]
# The first platform's 指导师 has left: 0 of 4 current staff, 「还需 1 名职业指导师」.
LEFT_ON = date(2026, 3, 15)
WINDOWS = [
    ("就业登记窗口", "就业登记\n失业登记\n就业困难人员认定"),
    ("职业介绍窗口", "求职登记\n职业指导\n招聘信息查询"),
]
SUMMARIES = {
    DutyKind.SURVEY: "发放服务满意度问卷 60 份，收回 57 份，满意及以上 54 份；意见主要为延长午间办理时间，已调整。",
    DutyKind.SELF_CHECK: "对照业务规范自查就失业登记、台账管理和服务公开，补齐台账 2 本，公示栏更新。",
}


@transaction.atomic
def seed_platforms(*, year: int = 2026) -> list[Institution]:
    """Seed the grassroots platforms of 高青县; returns them."""
    platforms = list(
        Institution.objects.filter(kind__in=PLATFORM_KINDS, region__code__startswith=COUNTY_CODE).order_by("uscc")
    )
    for number, platform in enumerate(platforms):
        _staff(platform, short_of_guidance=number == 0)
        for name, services in WINDOWS:
            ServicePoint.objects.get_or_create(institution=platform, name=name, defaults={"services": services})
        PlatformProfile.objects.get_or_create(institution=platform, defaults={"complaint_phone": "0533-6961000"})
        for quarter in (1, 2, 3):
            for kind in DutyKind.values:
                Duty.objects.get_or_create(
                    institution=platform, year=year, quarter=quarter, kind=kind,
                    defaults={"done_on": quarter_end(year, quarter).replace(day=20), "summary": SUMMARIES[kind]},
                )
    return platforms


def _staff(platform: Institution, *, short_of_guidance: bool) -> None:
    for name, position, number, qualifications in STAFF:
        member, _created = StaffMember.objects.get_or_create(
            institution=platform, name=name,
            defaults={"position": position, "staff_number": number, "qualifications": [str(q) for q in qualifications],
                      "joined_on": date(2024, 3, 1)},
        )
        if short_of_guidance and Qualification.CAREER_GUIDANCE in member.qualifications and member.left_on is None:
            StaffMember.objects.filter(pk=member.pk).update(left_on=LEFT_ON)
