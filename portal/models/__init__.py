"""The shared core's data: who runs an evaluation, for whom and when, who works in the portal, the holiday
schedule, the audit log and the ledger of titles. Every later stage (applications, review, publicity, awards) builds
on these; import them from here (`from portal.models import Round`), whichever module of the package holds them.
"""

from portal.models.audit_log import APPEND_ONLY, AuditRecord, AuditRecordQuerySet
from portal.models.holidays import HolidayScheduleYear, WorkdayOverride
from portal.models.ledger import Title
from portal.models.organisation import Department, Institution, RandomName, Region
from portal.models.people import USERNAME_TAKEN, DemoTokenDevice, Notification, User
from portal.models.programmes import EvaluationGroupMember, Programme, ProgrammeDepartment, Round, RoundQuerySet

__all__ = [
    "APPEND_ONLY",
    "USERNAME_TAKEN",
    "AuditRecord",
    "AuditRecordQuerySet",
    "DemoTokenDevice",
    "Department",
    "EvaluationGroupMember",
    "HolidayScheduleYear",
    "Institution",
    "Notification",
    "Programme",
    "ProgrammeDepartment",
    "RandomName",
    "Region",
    "Round",
    "RoundQuerySet",
    "Title",
    "User",
    "WorkdayOverride",
]
