"""Demo publicity for `manage.py seed_demo`, built through the services (dates set where the story needs them):

- the 2022 round: a notice published on 5 December 2022, ended; one objection, verified and not upheld;
- the 2026 first batch: a notice published on 16 November 2026 (ended on the 20th) with an objection upheld
  (the candidate disqualified) and one not upheld; then the adjusted list, published today and open, with one
  objection just received and one under verification (the handler may see the objector's identity).
- results: the 2022 round announced (高人社字〔2022〕12号) with its award and plaque, valid; the city's 2023 round
  (市级) announced with an award that was revoked in March 2025 for service proven below standard; the city's 2026
  round, its notice of 23 November ended without objections, with the draft 淄人社字〔2026〕35号 ready to be issued.
Idempotent: a round that already has a notice (or an announcement) is left as it is. The objectors are invented
people. The city rounds have no review records: their shortlists are entered directly (the review demo is the county's).
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from portal.models import Round, User
from portal.transitions import Refused
from portal.workdays import CalendarYearUnknown, add_working_days
from publicity import services
from publicity.enums import ObjectorType
from publicity.identity_access import identity_access_decide
from publicity.models import Objection

SHANGHAI = services.SHANGHAI
FACTS = {
    "false": "该机构申报材料中所列2025年服务台账人数与实际不符，部分服务对象为重复登记，请予核查。",
    "service": "本人今年8月到该机构办理求职登记，窗口工作人员态度冷淡，未按规定一次性告知所需材料。",
    "staff": "该机构申报材料称配备专职职业指导人员4名，据了解实际在岗仅2名。",
    "fee": "该机构在招聘会上向求职者收取资料费，与公益性服务的承诺不符。",
    "old": "该中心申报的“十四五”期间服务人数含外县人员，请核实。",
}


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _identity(name: str, phone: str, id_number: str = "", email: str = "") -> services.Identity:
    return services.Identity(objector_type=ObjectorType.PERSON, name=name, phone=phone, id_number=id_number, email=email)


def _file(notice, rank: int, identity, facts: str, when: datetime) -> Objection:
    entry = notice.entries.get(rank=rank)
    objection, _token = services.objection_file(notice=notice, entry=entry, identity=identity, facts=facts, now=when)
    return objection


def _handle(objection, *, admin, handler, upheld: bool | None, assigned: datetime, deadline: date, decided=None,
            findings="", reply="", approve_identity=True) -> None:
    """Assign (and decide) through the services, on the days the story has them; the handler's access to the
    objector's identity is asked for with the assignment and approved by the security administrator an hour later."""
    services.objection_assign(
        objection=objection, handler=handler, deadline=deadline, actor=admin, grant_identity=True, now=assigned
    )
    access = objection.identity_requests.get(grantee=handler, status="pending")
    if not approve_identity:  # left for the security administrator to decide in the demo
        return
    identity_access_decide(
        access_request=access, approve=True, actor=User.objects.get(username="secadmin"), note="核查需要，同意",
        now=assigned + timedelta(hours=1),
    )
    if upheld is None:
        return
    services.objection_decide(
        objection=objection, upheld=upheld, findings=findings, reply=reply, actor=handler, now=decided
    )
    # The objector was told on the day (the reply task would send it now, to an invented person).
    Objection.objects.filter(pk=objection.pk).update(reply_sent_at=decided)


def seed_publicity(*, rounds: dict[str, Round], admin: User) -> list[str]:
    """The notices and objections of the demo's rounds: 2022's ended notice with one objection not upheld; the 2026
    batch's first notice (one objection upheld, one not), its adjusted list and two objections still open."""
    handler = User.objects.get(username="lead_hr")
    done = []
    old = rounds["2022"]
    if not old.notices.exists() and getattr(old, "shortlist", None):
        _seed_2022(old, admin=admin, handler=handler)
        done.append(str(old))
    batch = rounds.get("2026a")
    if batch is not None and not batch.notices.exists() and getattr(batch, "shortlist", None):
        _seed_2026_batch(batch, admin=admin, handler=handler)
        done.append(str(batch))
    return done


# The objections of the ended notices, each filed, assigned, and decided on the days the story has them:
# (rank on the list, objector, phone, e-mail, facts, filed, assigned, deadline, decided, upheld, findings, reply).
DECIDED = {
    "2022": [
        (1, "刘建国", "+8613905331234", "", "old", _at(date(2022, 12, 6), 15), _at(date(2022, 12, 7), 9),
         date(2022, 12, 9), _at(date(2022, 12, 9), 16), False,
         "经调阅服务台账并抽查回访，外县人员为在本县务工的登记失业人员，按规定计入服务人数。",
         "经核查，该中心服务人数中的外县人员为在本县就业的登记人员，按规定纳入统计，异议不成立。感谢您的监督。"),
    ],
    "2026a": [
        (1, "张文静", "+8613805339876", "objector@example.com", "false", _at(date(2026, 11, 17), 10),
         _at(date(2026, 11, 17), 14), date(2026, 11, 19), _at(date(2026, 11, 19), 17), True,
         "经调取2025年服务台账并电话回访30人，其中11人系重复登记，申报服务人数与实际不符。",
         "经核查，您反映的该机构服务台账存在重复登记、申报人数不实的问题属实，异议成立，已取消其拟评定资格。"),
        (2, "赵宏伟", "+8615853301122", "", "service", _at(date(2026, 11, 18), 11), _at(date(2026, 11, 18), 15),
         date(2026, 11, 20), _at(date(2026, 11, 20), 16), False,
         "调取当日窗口录像并询问当班人员，窗口已按规定出具一次性告知单。",
         "经核查，当日窗口已出具一次性告知单，未发现服务态度问题，异议不成立。如有其他线索，欢迎继续反映。"),
    ],
}


def _decided(notice, key: str, *, admin: User, handler: User) -> None:
    for rank, name, phone, email, facts, filed, assigned, deadline, decided, upheld, findings, reply in DECIDED[key]:
        objection = _file(notice, rank, _identity(name, phone, email=email), FACTS[facts], filed)
        _handle(objection, admin=admin, handler=handler, upheld=upheld, assigned=assigned, deadline=deadline,
                decided=decided, findings=findings, reply=reply)


def _seed_2022(old: Round, *, admin: User, handler: User) -> None:
    draft = services.notice_draft(old, today=date(2022, 12, 5))
    notice = services.notice_publish(round=old, actor=admin, now=_at(date(2022, 12, 5), 9), document_number="", **draft)
    _decided(notice, "2022", admin=admin, handler=handler)


def _seed_2026_batch(batch: Round, *, admin: User, handler: User) -> None:
    first_day = date(2026, 11, 16)
    draft = services.notice_draft(batch, today=first_day)
    first = services.notice_publish(
        round=batch, actor=admin, now=_at(first_day, 9), document_number="高人社字〔2026〕58号", **draft
    )
    _decided(first, "2026a", admin=admin, handler=handler)
    _seed_adjusted(batch, first, admin=admin, handler=handler)


def _seed_adjusted(batch: Round, first, *, admin: User, handler: User) -> None:
    """The adjusted list after the upheld objection, with two objections filed today, one under verification."""
    try:
        draft = services.notice_draft(batch, replaces=first)
        adjusted = services.notice_publish(round=batch, actor=admin, replaces=first, **draft)
    except Refused:  # the calendar does not know this year yet: the demo stops at the ended notice
        return
    now = timezone.now()
    _file(adjusted, adjusted.entries.order_by("rank").last().rank, _identity("陈晓梅", "+8613953311234"), FACTS["fee"], now)
    verifying = _file(adjusted, adjusted.entries.order_by("rank").first().rank, _identity("王强", "+8618653324567"),
                      FACTS["staff"], now)
    try:
        deadline = add_working_days(timezone.localdate(), 4)
    except CalendarYearUnknown:
        deadline = timezone.localdate()
    _handle(verifying, admin=admin, handler=handler, upheld=None, assigned=now, deadline=deadline, approve_identity=False)
