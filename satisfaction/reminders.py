"""The daily reminder of 差评 cases near or past their deadline (satisfaction.tasks.cases_remind)."""

from collections import defaultdict
from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import workdays
from portal.enums import Role
from portal.jurisdictions import jurisdiction_of
from portal.models import User
from portal.services import notify
from satisfaction.enums import CaseStatus
from satisfaction.models import Case, ReminderRun
from satisfaction.services import institution_users

NEAR_WORKING_DAYS = 3  # a case whose deadline is within this many working days is "near"


def supervising_admins(institution) -> list[User]:
    """Active programme admins whose jurisdiction contains the institution's region."""
    admins = User.objects.filter(role=Role.PROGRAMME_ADMIN, is_active=True).select_related("region", "department__region")
    found = []
    for admin in admins:
        region = jurisdiction_of(admin)
        if region is not None and institution.region.code.startswith(region.code_prefix):
            found.append(admin)
    return found


def cases_due(today: date) -> list[Case]:
    """Open cases whose deadline has passed or falls within NEAR_WORKING_DAYS working days."""
    cases = Case.objects.exclude(status=CaseStatus.CLOSED).select_related("institution__region")
    return [case for case in cases if workdays.working_days_between(today, case.deadline) <= NEAR_WORKING_DAYS]


def cases_remind(today: date | None = None) -> ReminderRun | None:
    """Tell each institution with cases near or over the deadline, and its supervising admins; once a day at most
    (the day's ReminderRun row is the claim). Returns the run, or None when today's has run already."""
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            run = ReminderRun.objects.create(day=today)
    except IntegrityError:
        return None
    per_institution = defaultdict(list)
    for case in cases_due(today):
        per_institution[case.institution].append(case)
    notified = 0
    for institution, cases in per_institution.items():
        overdue = sum(case.is_overdue(today) for case in cases)
        text = _("%(institution)s有%(count)d件差评待办结，其中%(overdue)d件已超期，请及时核实整改并答复。") % {
            "institution": institution.name, "count": len(cases), "overdue": overdue,
        }  # fmt: skip
        users = institution_users(institution.pk) + supervising_admins(institution)
        notify(users=users, text=text, link=reverse("satisfaction:institution", args=[institution.pk]))
        notified += len(users)
    run.cases = sum(len(cases) for cases in per_institution.values())
    run.notified = notified
    run.save(update_fields=["cases", "notified"])
    return run
