"""Demo of the yearly staff assessment (called by the project's seed_demo after seed_platforms and seed_complaints):
高青县田镇街道便民服务中心's 2025 appraisal concluded and its 2026 appraisal scored but still a draft. 陈建国 scores
below 60 both years (不称职 twice: 应予辞退); 赵海涛, named in the complaints demo's two substantiated complaints,
gets a third (2026-10-20), so that 2026 grades him 不称职 through the complaints whatever his score. Idempotent."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction

from appraisal import services
from appraisal.enums import AppraisalStatus, Source
from appraisal.models import Appraisal
from complaints import services as complaints
from complaints.enums import Channel
from complaints.models import Complaint
from platforms.demo import STAFF
from platforms.models import StaffMember
from portal.enums import Role
from portal.models import Institution, User

SHANGHAI = ZoneInfo("Asia/Shanghai")
TIAN = "高青县田镇街道便民服务中心"
THIRD = "窗口工号GQ02的工作人员推诿不办（第3次反映）。"
# A mark per dimension (德, 勤, 绩, 效) given alike by the three sources; anyone else gets GOOD.
GOOD, FAIR, POOR = ("95", "92", "90", "90"), ("80", "78", "76", "75"), ("60", "55", "50", "58")
MARKS = {"王丽娟": GOOD, "孙晓燕": FAIR, "陈建国": POOR}


def _marks(name: str) -> dict:
    values = MARKS.get(name, GOOD)
    codes = ("de", "qin", "ji", "xiao")
    return {source: dict(zip(codes, values, strict=True)) for source in Source.values}


def _third_complaint(tian: Institution, actor, staff: StaffMember) -> None:
    if Complaint.objects.filter(institution=tian, facts=THIRD).exists():
        return
    received = datetime.combine(date(2026, 10, 20), time(10), tzinfo=SHANGHAI)
    filing = complaints.Filing(name="张桂兰", phone="+8613805330001", facts=THIRD, staff_member=staff, publish_consent=False)
    complaint, _token = complaints.complaint_file(institution=tian, channel=Channel.PHONE, filing=filing, received_at=received, actor=actor)
    complaint = complaints.complaint_answer(complaint=complaint, actor=actor, text="您反映的情况已收到，我们将核实处理。",
                                            handling_deadline=date(2026, 10, 23), now=received)
    complaints.complaint_conclude(complaint=complaint, actor=actor, substantiated=True, staff_member=staff,
                                  findings="经调取窗口录像核实，情况属实，已对当事人批评教育。",
                                  correction_deadline=date(2026, 10, 30), now=received.replace(day=22))


def _year(tian: Institution, year: int, actor, members: list[StaffMember], *, conclude: bool) -> Appraisal:
    appraisal = Appraisal.objects.filter(institution=tian, year=year).first()
    if appraisal is None:
        appraisal = services.appraisal_open(institution=tian, year=year, actor=actor)
    if appraisal.status == AppraisalStatus.DRAFT:
        scored = set(appraisal.scores.values_list("staff_member_id", flat=True))
        for member in members:
            if member.pk not in scored and (member.left_on is None or member.left_on.year >= year):
                services.score_save(appraisal=appraisal, member=member, marks=_marks(member.name), actor=actor)
        if conclude:
            appraisal = services.appraisal_conclude(appraisal=appraisal, actor=actor)
    return appraisal


@transaction.atomic
def seed_appraisal() -> list[Appraisal]:
    """Seed the two years; returns them (none when the demo county's 田镇 platform is missing)."""
    tian = Institution.objects.filter(name=TIAN, region__code="370322").first()
    if tian is None:
        return []
    actor = User.objects.filter(institution=tian, role=Role.APPLICANT).first()
    for name, position, number, qualifications in STAFF:
        StaffMember.objects.get_or_create(
            institution=tian, name=name,
            defaults={"position": position, "staff_number": number, "qualifications": [str(q) for q in qualifications],
                      "joined_on": date(2024, 3, 1)},
        )
    members = list(StaffMember.objects.filter(institution=tian).order_by("name", "pk"))
    _third_complaint(tian, actor, next(m for m in members if m.name == "赵海涛"))
    return [_year(tian, 2025, actor, members, conclude=True), _year(tian, 2026, actor, members, conclude=False)]
