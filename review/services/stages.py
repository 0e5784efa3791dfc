"""On-site defense sessions (现场答辩) and field inspections (实地考察)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from applications.uploads import IMAGE_TYPES, UploadLimits, inspect_upload
from portal.display import cn_date
from portal.models import Round, User
from portal.services import notify
from portal.transitions import AlreadyExists, Refused
from review.models import DefenseSession, DefenseSlot, FieldInspection, InspectionPhoto
from review.services.assignments import accepted_applications

MINUTES_TYPES = {".pdf": "application/pdf", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
STAGE_LIMITS = UploadLimits(max_file_bytes=20 * 1024 * 1024, max_total_bytes=200 * 1024 * 1024, max_files=50)


@transaction.atomic
def defense_session_create(*, round: Round, actor: User, starts_on, first_slot_at, minutes_each: int, place: str, note: str = "") -> DefenseSession:
    """Schedule a defense session with every accepted application in turn, and tell each institution its slot.

    Refused when there is nobody to schedule, or when the slots would not fit in the day. A session of the round on
    the same day at the same place is the answer (AlreadyExists) rather than a second one scheduling everyone again:
    the round is locked first, so the same form sent twice at once schedules once.
    """
    Round.objects.select_for_update(no_key=True).get(pk=round.pk)
    same = DefenseSession.objects.filter(round=round, starts_on=starts_on, place=place.strip()).first()
    if same is not None:
        raise AlreadyExists(
            _("%(date)s在%(place)s的现场答辩已经安排，未再重复安排。") % {"date": cn_date(starts_on), "place": same.place}, same
        )
    applications = list(accepted_applications(round).order_by("submitted_at", "pk"))
    if not applications:
        raise Refused(_("本批次还没有已受理的申报，无需安排答辩。"))
    if not 5 <= minutes_each <= 120:
        raise Refused(_("每家机构的答辩时长应在5至120分钟之间。"))
    start = datetime.combine(starts_on, first_slot_at)
    if (start + timedelta(minutes=minutes_each * len(applications))).date() != starts_on:
        raise Refused(
            _("%(count)d家机构、每家%(minutes)d分钟，当天排不下，请提前开始时间或缩短时长。")
            % {"count": len(applications), "minutes": minutes_each}
        )
    session = DefenseSession(round=round, starts_on=starts_on, place=place.strip(), note=note)
    session._change_reason = _("安排现场答辩")
    session.save()
    for order, application in enumerate(applications, start=1):
        end = start + timedelta(minutes=minutes_each)
        DefenseSlot.objects.create(session=session, application=application, order=order, starts_at=start.time(), ends_at=end.time())
        notify(
            users=application.institution.staff.filter(is_active=True),
            text=_("现场答辩通知：请于%(date)s %(time)s到%(place)s参加答辩（第%(order)d位）。")
            % {"date": cn_date(starts_on), "time": f"{start:%H:%M}", "place": place, "order": order},
            link=application.get_absolute_url(),
        )
        start = end
    return session


@transaction.atomic
def defense_minutes_upload(*, session: DefenseSession, uploaded, actor: User) -> DefenseSession:
    """Store the minutes of a session (PDF or DOCX, checked by content); a new upload replaces the old one."""
    inspect_upload(uploaded, limits=STAGE_LIMITS, existing_count=0, existing_bytes=0, allowed=MINUTES_TYPES)
    session.minutes.save(uploaded.name, uploaded, save=False)
    session.minutes_name = uploaded.name[:200]
    session._change_reason = _("上传答辩纪要")
    session.save()
    return session


@transaction.atomic
def field_inspection_record(*, application, actor: User, inspected_on, inspectors, findings: str, photos=()) -> FieldInspection:
    """Record a field inspection with its findings and photos (checked like any upload)."""
    if not findings.strip():
        raise Refused(_("请填写考察情况。"))
    # Every photo is checked before anything is stored, so a bad one leaves no file behind.
    checked, total = [], 0
    for count, uploaded in enumerate(photos):
        found = inspect_upload(uploaded, limits=STAGE_LIMITS, existing_count=count, existing_bytes=total, allowed=IMAGE_TYPES)
        total += found.size
        checked.append((uploaded, found))
    inspection = FieldInspection(application=application, inspected_on=inspected_on, findings=findings, created_by=actor)
    inspection._change_reason = _("记录实地考察")
    inspection.save()
    inspection.inspectors.set(inspectors)
    for uploaded, found in checked:
        photo = InspectionPhoto(inspection=inspection, original_name=uploaded.name[:200], content_type=found.content_type, size=found.size)
        photo.file.save(uploaded.name, uploaded, save=False)
        photo.save()
    return inspection
