"""Builders of the publicity tests (imported by the test modules; not collected itself).

`listed_round()` is the cheap start of most tests: a round whose shortlist is written directly (no review), its
admin and the lead of the programme's lead department. `ranked_round()` goes through a real ranking and
`shortlist_save`, for the adjusted list that needs the next ranked candidate. `publish()` and `file()` call the
services with a given time, so most tests need no clock; the view tests travel with `time_machine`.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import Application
from portal import services as portal_services
from portal.models import Round, User
from publicity import services
from publicity.enums import ObjectorType
from publicity.models import PublicityNotice
from review.models import Shortlist, ShortlistEntry
from review.services import results
from tests.applications.factories import PDF, png_bytes
from tests.factories import DepartmentLeadFactory, ProgrammeFactory, RoundFactory, UserFactory
from tests.review.builders import HR, accepted, build_review, submitted_sheet

SHANGHAI = ZoneInfo("Asia/Shanghai")
PNG = png_bytes()

# Distinctive identity of the objector: searched for, raw, everywhere it must not be.
NAME = "欧阳测试"
PHONE = "13912345678"
PHONE_E164 = "+8613912345678"
PHONE_FORMS = (PHONE, PHONE_E164, "139 1234 5678", "139-1234-5678", "+86 139 1234 5678")
ID_NUMBER = "11010519491231002X"
EMAIL = "ouyang.ceshi@example.org"
CONTACT_PERSON = "上官联系"
MASKED_PHONE = "139****5678"
MASKED_ID = "110105********002X"
MASKED_NAME = "欧***"

FACTS = "该机构申报材料中所列服务台账人数与实际不符，部分服务对象为重复登记，请予核查。"
TITLE = "关于高青县2026年度拟评定县级就业服务质量标杆机构名单的公示"


def at(year, month, day, hour=0, minute=0, second=0) -> datetime:
    """An aware Beijing time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


@dataclass
class Listed:
    round: Round
    admin: User
    lead: User  # lead of the programme's lead department: may be given objections to verify
    applications: list[Application]
    notice: PublicityNotice | None = None
    extra: dict = field(default_factory=dict)

    @property
    def programme(self):
        return self.round.programme

    def entry(self, rank: int = 1):
        return self.notice.entries.get(rank=rank)


def listed_round(*, names=("甲", "乙"), quota=None, **programme_fields) -> Listed:
    """A round whose shortlist (申报机构甲, 申报机构乙, … ranked in that order) is saved, not yet published."""
    programme = ProgrammeFactory(**programme_fields)
    round = RoundFactory(
        programme=programme,
        quota=quota or len(names),
        contact_name="县评定工作办公室",
        contact_phone="0533-6961000",
        contact_email="pingding@example.gov.cn",
    )
    admin = UserFactory(full_name="项目管理员")
    portal_services.programme_admin_grant(programme=programme, user=admin)
    lead = DepartmentLeadFactory(department=programme.lead_department, full_name="人社负责人")
    applications = [accepted(round, f"申报机构{name}") for name in names]
    shortlist = Shortlist.objects.create(round=round, created_by=admin)
    ShortlistEntry.objects.bulk_create(
        ShortlistEntry(shortlist=shortlist, application=application, rank=rank, overall=Decimal(90 - rank))
        for rank, application in enumerate(applications, start=1)
    )
    return Listed(round, admin, lead, applications)


def ranked_round(*, labels=("甲", "乙", "丙"), totals=(90, 80, 70), quota=2) -> Listed:
    """A reviewed round (one 人社 sheet each, so the ranking follows `totals`) with the top `quota` shortlisted."""
    review = build_review(labels=labels, reviewers_each=1, quota=quota)
    reviewer = review.reviewers[HR][0]
    for label, total in zip(labels, totals, strict=True):
        submitted_sheet(review.application(label), reviewer, total)
    ordered = [review.application(label) for label in labels]
    results.shortlist_save(
        round=review.round, application_ids=[a.pk for a in ordered[:quota]], skip_reasons={}, actor=review.admin
    )
    return Listed(review.round, review.admin, review.leads[HR], ordered, extra={"review": review})


def publish(listed: Listed, now: datetime, *, document_number="", replaces=None, title=TITLE) -> PublicityNotice:
    notice = services.notice_publish(
        round=listed.round,
        actor=listed.admin,
        title=title,
        body="经机构申报、部门联合评审，拟将以下机构评定为标杆机构，现予以公示。",
        contacts="县评定工作办公室，电话：0533-6961000",
        written_on=now.astimezone(SHANGHAI).date(),
        document_number=document_number,
        replaces=replaces,
        now=now,
    )
    if replaces is None:
        listed.notice = notice
    return notice


def identity(**fields) -> services.Identity:
    values = {
        "objector_type": ObjectorType.PERSON,
        "name": NAME,
        "phone": PHONE_E164,
        "id_number": ID_NUMBER,
        "email": EMAIL,
    }
    return services.Identity(**{**values, **fields})


def file(listed: Listed, now: datetime, *, rank=1, evidence=(), seal=None, **identity_fields):
    """An objection against the entry of `rank`, filed through the service; returns (objection, token)."""
    return services.objection_file(
        notice=listed.notice,
        entry=listed.entry(rank),
        identity=identity(**identity_fields),
        facts=FACTS,
        evidence=evidence,
        seal=seal,
        now=now,
    )


def pdf(name="证据.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name="公章.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def form_data(listed: Listed, *, rank=1, **overrides) -> dict:
    """The public objection form's POST for a person (the CAPTCHA answer of `captcha_passes`)."""
    data = {
        "entry": str(listed.entry(rank).pk),
        "objector_type": ObjectorType.PERSON,
        "name": NAME,
        "phone": "139 1234 5678",
        "id_number": ID_NUMBER,
        "email": EMAIL,
        "facts": FACTS,
        "consent": "on",
        "captcha_0": "x",
        "captcha_1": "PASSED",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def xlsx_cells(response) -> list[str]:
    """Every non-empty cell of every sheet of an .xlsx response, as text."""
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value not in (None, "")
    ]


def leaks(text: str, *, with_email: bool = True) -> list[str]:
    """The raw identity values found in `text` (the masked forms do not count)."""
    values = [NAME, ID_NUMBER, ID_NUMBER.lower(), CONTACT_PERSON, *PHONE_FORMS]
    if with_email:
        values.append(EMAIL)
    return [value for value in values if value in text]


def today(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date()


def grant_identity(objection, user: User, reason: str, *, requested_by: User):
    """The whole path to seeing an identity: a programme admin asks, a security administrator approves."""
    from publicity import identity_access
    from tests.factories import SecurityAdminFactory

    access = identity_access.identity_access_request(objection=objection, grantee=user, actor=requested_by, reason=reason)
    return identity_access.identity_access_decide(access_request=access, approve=True, actor=SecurityAdminFactory())


def assign(listed, handler=None, deadline=date(2026, 10, 9), **options):
    """The listed round's objection (`extra["objection"]`) given to a handler (the lead unless named) by the admin."""
    return services.objection_assign(
        objection=listed.extra["objection"],
        handler=handler or listed.lead,
        deadline=deadline,
        actor=listed.admin,
        **options,
    )


def decide(listed, upheld=False, findings="经调阅台账核实。", reply="经核查，异议不成立。", actor=None):
    """The listed round's objection decided by its handler (the lead unless named)."""
    return services.objection_decide(
        objection=listed.extra["objection"], upheld=upheld, findings=findings, reply=reply, actor=actor or listed.lead
    )
