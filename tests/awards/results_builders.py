"""Builders of the result tests (公布, 授牌, 撤销, batches; imported by the test modules, not collected itself).

`closed_round()` is a round whose notice of Tuesday 1 September 2026 ended on 7 September (closed 8 September
00:00), so nothing blocks the announcement. `draft()` and `issue()` call the services with a given time; the view
tests stand the clock on `ISSUED_AT` with `time_machine`. Nothing here renders a PDF.
"""

import io
import zipfile
from datetime import date, datetime

from django.core.files.base import ContentFile

from awards import services as award_services
from awards.enums import RevocationGround
from awards.models import Announcement, Award, PlaqueBatch, Revocation
from portal.models import Institution
from tests.publicity.publicity_builders import Listed, at, listed_round, publish

PUBLISHED_AT = at(2026, 9, 1, 9)  # the notice: 1–7 September 2026, objections until 8 September 00:00
ISSUED_AT = at(2026, 9, 15, 10)  # a Tuesday after the period: the clock of most tests
ISSUED_ON = date(2026, 9, 15)
PLAQUE_TITLE = "县级就业服务质量标杆机构"

# What the institution told the portal about itself: never on a public page.
CONTACT_PHONE = "13987654321"
CONTACT_NAME = "司马联络"
PRINCIPAL = "诸葛负责"
ADDRESS = "高青县保密路88号"


def closed_round(
    *, names=("甲", "乙"), quota=None, published_at: datetime = PUBLISHED_AT, **programme_fields
) -> Listed:
    """A round whose notice (of `published_at`) lists 申报机构甲, 申报机构乙, … and has ended without objections."""
    listed = listed_round(names=names, quota=quota, **programme_fields)
    publish(listed, published_at)
    return listed


def draft(listed: Listed, **fields) -> Announcement:
    """The draft with the portal's defaults for the day of `ISSUED_AT` (县人社局字〔2026〕1号), `fields` overriding."""
    values = {**award_services.announcement_defaults(listed.round, today=ISSUED_ON), **fields}
    return award_services.announcement_save(round=listed.round, actor=listed.admin, **values)


def issue(listed: Listed, now: datetime = ISSUED_AT, **fields) -> Announcement:
    """Save a draft and issue it at `now`; the listed round keeps it as `extra["announcement"]`."""
    announcement = award_services.announcement_issue(announcement=draft(listed, **fields), actor=listed.admin, now=now)
    listed.extra["announcement"] = announcement
    return announcement


def announced(*, names=("甲", "乙"), **programme_fields) -> Listed:
    """A round whose announcement is issued on `ISSUED_AT`: one award per listed institution."""
    listed = closed_round(names=names, **programme_fields)
    issue(listed)
    return listed


def award_of(listed: Listed, name: str = "甲") -> Award:
    return Award.objects.get(announcement=listed.extra["announcement"], institution_name=f"申报机构{name}")


def applicant_of(listed: Listed, name: str = "甲"):
    """The applicant who filed the application of 申报机构<name> (one of the institution's users)."""
    return next(a.created_by for a in listed.applications if a.institution_name == f"申报机构{name}")


def revoke(award: Award, actor, *, now: datetime = at(2026, 10, 20, 10), **fields) -> Revocation:
    values = {
        "ground": RevocationGround.FALSE_MATERIALS,
        "ground_text": "经查实，该机构申报材料中的服务台账人数与实际不符。",
        "document_number": "县人社局字〔2026〕30号",
        "decided_on": date(2026, 10, 19),
        **fields,
    }
    return award_services.award_revoke(award=award, actor=actor, now=now, **values)


def private_details(listed: Listed) -> None:
    """Give the institutions distinctive contact details (searched for on the public pages)."""
    for application in listed.applications:
        Institution.objects.filter(pk=application.institution_id).update(
            contact_phone=CONTACT_PHONE, contact_name=CONTACT_NAME, principal_name=PRINCIPAL, address=ADDRESS
        )
        type(application).objects.filter(pk=application.pk).update(
            contact_phone=CONTACT_PHONE,
            contact_name=CONTACT_NAME,
            principal_name=PRINCIPAL,
            institution_address=ADDRESS,
        )


def fake_plaque(award: Award) -> bytes:
    """A stand-in for `award_plaque_pdf`: small bytes naming the award (no WeasyPrint)."""
    return b"%PDF-1.4 plaque " + award.plaque_number.encode()


def with_archive(batch: PlaqueBatch) -> PlaqueBatch:
    """Give a batch a (tiny) ZIP as if its last chunk had finished."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x.pdf", b"%PDF-1.4")
    batch.archive.save("plaques.zip", ContentFile(buffer.getvalue()), save=True)
    return batch
