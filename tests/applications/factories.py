"""Factories of the application stage: the plainest valid objects, and one helper that makes an application complete."""

import hashlib
import io
from datetime import date

import factory
from django.utils import timezone
from PIL import Image

from applications.conditions import conditions_install_default
from applications.enums import AttachmentPurpose, SelfCheck
from applications.models import Application, Attachment, Condition, ConditionAnswer
from awards.models import Award
from portal.models import Title
from tests.factories import ApplicantFactory, InstitutionFactory, ProgrammeFactory, RoundFactory


def png_bytes(size=(8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = png_bytes()
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft of a verified institution in an open round, created by one of the institution's staff."""

    class Meta:
        model = Application

    round = factory.SubFactory(RoundFactory)
    institution = factory.SubFactory(InstitutionFactory)
    institution_name = factory.LazyAttribute(lambda o: o.institution.name)
    institution_address = factory.LazyAttribute(lambda o: o.institution.address)
    principal_name = factory.LazyAttribute(lambda o: o.institution.principal_name)
    contact_name = factory.LazyAttribute(lambda o: o.institution.contact_name)
    contact_phone = factory.LazyAttribute(lambda o: o.institution.contact_phone)
    created_by = factory.SubFactory(ApplicantFactory, institution=factory.SelfAttribute("..institution"))


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A small PNG stored under a random name, as `attachment_add` would leave it."""

    class Meta:
        model = Attachment

    application = factory.SubFactory(ApplicationFactory)
    purpose = AttachmentPurpose.EVIDENCE
    file = factory.django.FileField(data=PNG, filename="evidence.png")
    original_name = "佐证材料.png"
    size = len(PNG)
    content_type = "image/png"
    sha256 = hashlib.sha256(PNG).hexdigest()
    uploaded_by = factory.SelfAttribute("application.created_by")


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    programme = factory.SubFactory(ProgrammeFactory)
    institution = factory.SubFactory(InstitutionFactory)
    institution_name = ""
    plaque_number = factory.Sequence(lambda n: f"GQ-2026-{n:03d}")
    awarded_on = date(2026, 3, 1)
    revoked_at = None
    status = factory.LazyAttribute(lambda award: "revoked" if award.revoked_at else "in_force")
    # The award's title in the core's ledger, as awards.services.announcement_issue enters it.
    title = factory.LazyAttribute(
        lambda award: Title.objects.create(
            programme=award.programme, institution=award.institution,
            holder_name=award.institution_name or award.institution.name, number=award.plaque_number,
            awarded_on=award.awarded_on, revoked_at=award.revoked_at,
        )
    )


def make_complete(application: Application) -> Application:
    """Everything `application_problems` asks for: default conditions answered, the commitment and a seal image."""
    programme = application.round.programme
    conditions_install_default(programme)
    kind = application.institution.kind
    for condition in Condition.objects.filter(programme=programme):
        answer = SelfCheck.MET if condition.applies_to(kind) else SelfCheck.NOT_APPLICABLE
        ConditionAnswer.objects.update_or_create(
            application=application, condition=condition, defaults={"answer": answer, "statement": "符合。"}
        )
    application.work_record = application.work_record or "本机构成立于2016年，主要工作成绩如下。"
    application.commitment_accepted = True
    application.commitment_date = timezone.localdate()
    application.save()
    AttachmentFactory(application=application, purpose=AttachmentPurpose.SEAL, original_name="盖章页.png")
    return application
