"""A complainant's name and phone are erased once the outcome was told and the retention period is over (PIPL, as
objectors' identities are); the complaint and its handling stay."""

from datetime import date

from django.utils import timezone

from complaints import services
from complaints.enums import ToldHow
from complaints.models import Complaint
from complaints.retention import identities_purge
from portal.models import AuditRecord
from tests.complaints.conftest import NAME, at, file


def test_the_identity_goes_after_the_retention_once_the_outcome_was_told(world, settings, time_machine):
    settings.OBJECTION_RETENTION_DAYS = 30
    time_machine.move_to(at(2026, 3, 2, 10, 0), tick=False)
    told, _token = file(world, received_at=at(2026, 3, 2, 9, 30))
    services.complaint_answer(complaint=told, actor=world.user, text="已收到", handling_deadline=date(2026, 3, 9))
    told = services.complaint_conclude(complaint=Complaint.objects.get(pk=told.pk), actor=world.user, substantiated=False, findings="不属实")
    time_machine.move_to(at(2026, 3, 3, 11, 0), tick=False)
    services.complaint_tell(complaint=told, actor=world.user, how=ToldHow.PHONE, told_at=at(2026, 3, 3, 10, 0))
    pending, _token = file(world, received_at=at(2026, 3, 2, 9, 40))

    assert identities_purge(now=at(2026, 4, 1, 0, 0)) == 0  # 29 days after it was told
    erased = identities_purge(now=at(2026, 4, 3, 0, 0))

    assert (erased, identities_purge(now=at(2026, 4, 3, 0, 0))) == (1, 0)
    told = Complaint.objects.get(pk=told.pk)
    assert (told.complainant_name, told.complainant_phone, told.findings) == ("", "", "不属实")
    assert Complaint.objects.get(pk=pending.pk).complainant_name == NAME  # still being handled
    assert AuditRecord.objects.filter(event="purge", object_type="complaints.complaint").count() == 1


def test_the_due_time_reads_as_24_00_of_the_day(world, time_machine):
    time_machine.move_to(at(2026, 3, 2, 10, 0), tick=False)
    complaint, _token = file(world, received_at=at(2026, 3, 2, 9, 30))

    assert complaint.first_answer_due_label == "2026-03-02 24:00"
    assert timezone.localtime(complaint.first_answer_due_at) == at(2026, 3, 3, 0, 0)  # stored as the midnight after
