"""Demo complaints for 高青县's grassroots platforms in 2026, one at every stage (idempotent: each demo complaint is
recognised by its facts)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction

from complaints import services
from complaints.alarms import first_answers_alarm
from complaints.enums import Channel, ToldHow
from complaints.models import Complaint
from platforms.models import StaffMember
from portal.enums import Role
from portal.models import Institution, User

SHANGHAI = ZoneInfo("Asia/Shanghai")
TIAN = "高青县田镇街道便民服务中心"
LUHU = "高青县芦湖街道社区就业服务站"


def _at(d: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute), tzinfo=SHANGHAI)


def _file(institution, facts, received_at, *, staff=None, consent=False, channel=Channel.PHONE, actor=None):
    filing = services.Filing(name="张桂兰", phone="+8613805330001", facts=facts, staff_member=staff, publish_consent=consent)
    complaint, _token = services.complaint_file(
        institution=institution, channel=channel, filing=filing, received_at=received_at, actor=actor
    )
    return complaint


def _conclude(complaint, actor, *, staff, substantiated=True, day: date):
    complaint = services.complaint_answer(
        complaint=complaint, actor=actor, text="您反映的情况已收到，我们将核实处理。", handling_deadline=day, now=complaint.received_at
    )
    return services.complaint_conclude(
        complaint=complaint, actor=actor, substantiated=substantiated, findings="经调取窗口录像核实，情况属实，已对当事人批评教育。",
        staff_member=staff, correction_deadline=day if substantiated else None, now=_at(day, 10),
    )


@transaction.atomic
def seed_complaints() -> int:
    """Create the demo complaints that are missing; returns how many were created."""
    tian = Institution.objects.filter(name=TIAN, region__code="370322").first()
    luhu = Institution.objects.filter(name=LUHU, region__code="370322").first()
    if tian is None or luhu is None:
        return 0
    actor = User.objects.filter(institution=tian, role=Role.APPLICANT).first()
    staff, _created = StaffMember.objects.get_or_create(
        institution=tian, name="赵海涛", defaults={"position": "就业登记窗口", "staff_number": "GQ02"}
    )
    existing = set(Complaint.objects.filter(institution__in=[tian, luhu]).values_list("facts", flat=True))
    created = 0
    facts = "办理就业登记时窗口人员态度生硬。"
    if facts not in existing:  # answered the same day
        c = _file(tian, facts, _at(date(2026, 3, 10), 9, 20), actor=actor)
        services.complaint_answer(complaint=c, actor=actor, text="已收到，三个工作日内核实答复。",
                                  handling_deadline=date(2026, 3, 13), now=_at(date(2026, 3, 10), 11))
        created += 1
    facts = "网上意见箱：失业登记材料清单与窗口要求不一致。"
    if facts not in existing:  # first answer missed, alarmed
        _file(luhu, facts, _at(date(2026, 4, 17), 17, 40), channel=Channel.ONLINE)
        created += 1
    for n, day in ((1, date(2026, 5, 12)), (2, date(2026, 9, 8))):
        facts = f"窗口工号GQ02的工作人员推诿不办（第{n}次反映）。"
        if facts not in existing:  # two substantiated against the same staff member; the second told and published
            c = _conclude(_file(tian, facts, _at(day, 10), staff=staff, consent=n == 2, actor=actor), actor, staff=staff, day=day)
            if n == 2:
                services.complaint_tell(complaint=c, actor=actor, how=ToldHow.PHONE, told_at=_at(day, 15))
                services.complaint_publish(complaint=c, actor=actor, summary="群众反映窗口工作人员推诿不办理就业登记。",
                                           outcome="经核实属实，已责令当事人限期改正并批评教育。", now=_at(day, 16))
            created += 1
    first_answers_alarm()
    return created
