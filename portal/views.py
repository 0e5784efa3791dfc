"""Views of the shared core: public landing page, each role's home, programmes, the working-day tool."""

import hashlib
import sys
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.decorators.http import require_safe

from portal import selectors, services
from portal.enums import Role
from portal.forms import RoundForm, WorkdayCalculatorForm
from portal.jurisdictions import may_create_programmes
from portal.models import Programme, ProgrammeDepartment, Round
from portal.pagination import paginate
from portal.permissions import get_object_for_user_or_404, manages_programme, role_required, sees_everything
from portal.ratelimit import over_limit, rate_limited
from portal.titles import titles_counted

PROGRAMME_VIEWERS = (Role.PROGRAMME_ADMIN, Role.VIEWER, Role.SYSTEM_ADMIN)


@require_safe
def healthz(request):
    """For the load balancer and docker-compose: 200 while the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")


def server_error(request):
    """handler500: the database being away (down, restarting, locked) is a 503 that says to try again later and that
    what was just sent was not saved; any other error is the usual 500 page. Renders without the database."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "60"
        return response
    return defaults.server_error(request)


@role_required(*PROGRAMME_VIEWERS)
def programme_list(request):
    programmes = selectors.programme_list_for_user(request.user)
    # PostgreSQL refuses NUL in text parameters: drop it rather than answer ?q=%00 with a 500 (docs/security.md 12);
    # and SQLite a LIKE pattern over 50,000 bytes ("pattern too complex"): a search needs no more than 100 characters.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if query:
        programmes = programmes.filter(name__icontains=query)
    signing_order = ProgrammeDepartment.objects.select_related("department").order_by("order", "pk")
    programmes = programmes.prefetch_related(Prefetch("programme_departments", queryset=signing_order))
    page, querystring = paginate(request, programmes)
    context = {
        "page": page, "querystring": querystring, "q": query, "can_create": may_create_programmes(request.user),
        # the list of a programme admin is the programmes it manages (portal.selectors.programme_list_for_user)
        "can_edit": request.user.role == Role.PROGRAMME_ADMIN or sees_everything(request.user),
    }
    return render(request, "portal/programme_list.html", context)


@role_required(*PROGRAMME_VIEWERS)
def programme_detail(request, pk: int):
    programme = get_object_for_user_or_404(request.user, Programme, pk=pk)
    counted = titles_counted(programme)
    context = {
        "programme": programme,
        "rounds": programme.rounds.select_related("beyond_period_decided_by").order_by("opens_at"),
        "departments": programme.programme_departments.select_related("department").order_by("order", "pk"),
        "group_members": programme.group_members.select_related("department"),
        "can_manage": manages_programme(request.user, programme),
        "titles_counted": counted,
        "period_left": max(programme.period_quota - counted, 0),
    }
    return render(request, "portal/programme_detail.html", context)


@role_required(Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)
def round_edit(request, programme_pk: int, pk: int | None = None):
    """Open a new round of a programme the user manages, or edit one (the programme admin's own page: the admin site
    is the system administrator's)."""
    programme = get_object_for_user_or_404(request.user, Programme, "manage", pk=programme_pk)
    round = get_object_or_404(programme.rounds, pk=pk) if pk else Round(programme=programme)
    form = RoundForm(request.POST or None, instance=round)
    if request.method == "POST" and form.is_valid():
        changed = [str(form.fields[name].label) for name in form.changed_data]
        saved = services.round_save(round=form.instance, actor=request.user, changed=changed, request=request)
        messages.success(request, _("批次“%(name)s”已保存。") % {"name": saved.name})
        return redirect(programme)
    history = round.history.select_related("history_user").order_by("-history_date")[:20] if round.pk else []
    context = {
        "programme": programme, "round": round, "form": form, "history": history,
        "titles_counted": titles_counted(programme), "stored": Round.objects.filter(pk=round.pk).first(),
    }
    return render(request, "portal/round_form.html", context)


@role_required(Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)
def workday_calculator(request):
    """Compute the end of a publicity period, as the notice will print it."""
    form = WorkdayCalculatorForm(request.GET or None, initial={"start": date.today(), "days": 5})
    result = form.result() if form.is_bound and form.is_valid() else None
    return render(request, "portal/workday_calculator.html", {"form": form, "result": result})


@login_required
def notifications(request):
    """The user's notifications, newest first; opening the page marks them read."""
    rows = request.user.notifications.order_by("-created_at")
    page, querystring = paginate(request, rows)
    unread_ids = [note.pk for note in page.object_list if note.read_at is None]
    response = render(request, "portal/notifications.html", {"page": page, "querystring": querystring, "unread_ids": unread_ids})
    services.notifications_mark_read(user=request.user, ids=unread_ids)
    return response


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form accepts the current password as the new one, which would let an initial or expired password
    survive the forced change (docs/security.md 2)."""

    def clean(self):
        cleaned = super().clean()
        new_password = cleaned.get("new_password1")
        if new_password and new_password == cleaned.get("old_password"):
            self.add_error("new_password1", ValidationError(_("新密码不能与当前密码相同。"), code="password_unchanged"))
        return cleaned


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_changed(user=form.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view sends an e-mail for every request: limited here per client address (a 429 that says so) and per
    account (silently: the page must not tell whether an address belongs to an account)."""

    def post(self, request, *args, **kwargs):
        if rate_limited(request, "password-reset", settings.PASSWORD_RESET_RATE_PER_HOUR):
            form = self.get_form()
            form.add_error(None, _("找回密码的请求过于频繁，请一小时后再试。"))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        account = hashlib.sha256(email.encode()).hexdigest()[:32]  # no address in the cache's keys
        if over_limit("password-reset-account", account, settings.PASSWORD_RESET_ACCOUNT_RATE_PER_HOUR):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_changed(user=form.user)
        return response


@require_safe
def language_switch(request):
    """Switch the language by a link (visitors' pages carry no CSRF token, so they can be cached and shared).

    Only sets the language cookie, which needs no CSRF protection; `next` must stay on this site.
    """
    from django.utils.http import url_has_allowed_host_and_scheme

    language = request.GET.get("language", "")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response
