"""The landing page and each role's home page: the one place that reads every app (the top layer)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from applications.selectors import application_list_for_user
from awards import selectors as award_selectors
from awards.models import Award
from communities.selectors import home_context as community_home
from levels.selectors import home_progress
from portal import selectors
from portal.enums import Role
from portal.jurisdictions import may_create_programmes
from portal.permissions import effective_role
from portal.security_views import lockout_rows
from publicity import selectors as publicity_selectors
from publicity.identity_access import pending_count
from publicity.models import PublicityNotice
from reporting.selectors import home_context as reporting_home
from review.services.assignments import reviewer_task_lists
from showcase.selectors import waiting_for_review_count


@require_GET
def landing(request):
    context = {
        "open_rounds": selectors.round_list_open_now(),
        "recent_notices": PublicityNotice.objects.order_by("-published_at")[:5],
    }
    return render(request, "portal/landing.html", context)


def _administrator(user) -> dict:
    programmes = list(selectors.programme_list_for_user(user))
    return {
        "programmes": programmes,
        "next_deadline": selectors.next_round_deadline(programmes),
        "pending_institutions": selectors.institutions_pending_count(programmes),
        "objection_counts": publicity_selectors.objection_counts(publicity_selectors.objections_for_user(user)),
        "publicity_steps": award_selectors.publicity_steps(programmes),
        "showcases_waiting": waiting_for_review_count(user),
        "may_create_programmes": may_create_programmes(user),
        **reporting_home(user),
    }


def _security_administrator(user) -> dict:
    rows = lockout_rows()
    return {
        "pending_identity_requests": pending_count(),
        "locked": sum(1 for row in rows if row.get("username_locked") or row.get("address_locked")),
        "programmes_without_admin": selectors.programmes_without_admin_count(),
    }


def _department_lead(user) -> dict:
    signed = set(user.department.departmentopinion_set.values_list("application_id", flat=True)) if user.department_id else set()
    rows = list(application_list_for_user(user).order_by("round", "institution_name"))
    return {
        "opinion_rows": [{"application": a, "signed": a.pk in signed} for a in rows],
        "objections": list(publicity_selectors.objections_to_verify(user)),
    }


def _applicant(user) -> dict:
    applications = list(application_list_for_user(user).order_by("-updated_at"))
    awards = Award.objects.filter(institution=user.institution_id).select_related(
        "programme", "announcement", "revocation", "showcase"
    )
    return {
        "applications": applications,
        "applied_rounds": {application.round_id for application in applications},
        "awards": list(awards),
    }


# What each role's home page shows besides the open rounds: the answer to "what do I have to do now?".
HOME_CONTEXT = {
    Role.PROGRAMME_ADMIN: _administrator,
    Role.SYSTEM_ADMIN: _administrator,
    Role.VIEWER: lambda user: {"progress": home_progress(user, today=timezone.localdate())},
    Role.SECURITY_ADMIN: _security_administrator,
    Role.AUDIT_ADMIN: lambda user: selectors.audit_overview(),
    Role.REVIEWER: lambda user: dict(zip(("tasks", "done"), reviewer_task_lists(user), strict=True)),
    Role.DEPARTMENT_LEAD: _department_lead,
    Role.APPLICANT: _applicant,
    Role.COMMUNITY_STAFF: community_home,
    Role.TOWN_STAFF: community_home,
}


@login_required
def home(request):
    """Each role lands on the page that answers 'what do I have to do now?'."""
    user = request.user
    role = effective_role(user)
    if role not in Role.values:  # an account without a role has no home page (was a TemplateDoesNotExist 500)
        raise PermissionDenied
    context = {"open_rounds": selectors.round_list_open_for(user), **HOME_CONTEXT[Role(role)](user)}
    return render(request, f"portal/home/{role}.html", context)
