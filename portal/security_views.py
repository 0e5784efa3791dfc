"""The security administrator's pages (docs/security.md 3, 7): lockouts, programme administration, second factors.

Each page asks for the permission of the security administrators' group, not for a role name: the permission is
what the three administrator groups hold disjointly (portal.services.ADMIN_GROUP_PERMISSIONS).
"""

from datetime import timedelta

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from guardian.shortcuts import get_users_with_perms

from portal import services
from portal.enums import Role
from portal.forms import IdChoiceField
from portal.models import Programme, User
from portal.pagination import paginate


def lockout_rows(now=None) -> list[dict]:
    """The failures still counting (inside the cool-off), newest first, with whether each locks its username or
    its address now."""
    now = now or timezone.now()
    since = now - timedelta(hours=settings.AXES_COOLOFF_TIME)
    attempts = list(AccessAttempt.objects.filter(attempt_time__gte=since).order_by("-attempt_time")[:500])
    limit = settings.AXES_FAILURE_LIMIT
    by_address = dict(
        AccessAttempt.objects.filter(attempt_time__gte=since).values_list("ip_address").annotate(Sum("failures_since_start"))
    )
    by_username = dict(
        AccessAttempt.objects.filter(attempt_time__gte=since).values_list("username").annotate(Sum("failures_since_start"))
    )
    return [
        {
            "attempt": attempt,
            "username_locked": by_username.get(attempt.username, 0) >= limit,
            "address_locked": by_address.get(attempt.ip_address, 0) >= limit,
            "until": attempt.attempt_time + timedelta(hours=settings.AXES_COOLOFF_TIME),
        }
        for attempt in attempts
    ]


class UnlockForm(forms.Form):
    username = forms.CharField(required=False, max_length=150)
    ip_address = forms.GenericIPAddressField(required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("username") or data.get("ip_address")):
            raise forms.ValidationError(_("请指定要解锁的账号或地址。"))
        return data


@login_required
@permission_required("portal.unlock_account", raise_exception=True)
@require_safe
def lockouts(request):
    rows = lockout_rows()
    context = {"rows": rows, "limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": round(settings.AXES_COOLOFF_TIME * 60)}
    return render(request, "security/lockouts.html", context)


@login_required
@permission_required("portal.unlock_account", raise_exception=True)
@require_POST
def unlock(request):
    form = UnlockForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        count = services.account_unlock(
            actor=request.user, username=data["username"], ip_address=data["ip_address"] or "", request=request
        )
        messages.success(request, _("已解锁（清除失败记录 %(count)d 条）。") % {"count": count})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("security_lockouts")


class ProgrammeAdminForm(forms.Form):
    user = IdChoiceField(label=gettext_lazy("项目管理员账号"), queryset=User.objects.none(), empty_label=gettext_lazy("请选择"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(role=Role.PROGRAMME_ADMIN, is_active=True).order_by("username")
        self.fields["user"].label_from_instance = lambda u: f"{u.full_name}（{u.username}）"


@login_required
@permission_required("portal.grant_programme_admin", raise_exception=True)
@require_safe
def programme_admins(request):
    programmes = Programme.objects.select_related("region").order_by("region__code", "-period_start")
    page, querystring = paginate(request, programmes)
    rows = [
        {
            "programme": programme,
            "admins": sorted(
                get_users_with_perms(programme, only_with_perms_in=["manage_programme"], with_superusers=False),
                key=lambda u: u.username,
            ),
            "form": ProgrammeAdminForm(auto_id=f"id_{programme.pk}_%s"),
        }
        for programme in page.object_list
    ]
    return render(request, "security/programme_admins.html", {"page": page, "querystring": querystring, "rows": rows})


@login_required
@permission_required("portal.grant_programme_admin", raise_exception=True)
@require_POST
def programme_admin_change(request, pk: int, action: str):
    programme = get_object_or_404(Programme, pk=pk)
    form = ProgrammeAdminForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("security_programme_admins")
    user = form.cleaned_data["user"]
    if action == "grant":
        services.programme_admin_grant(programme=programme, user=user, actor=request.user, request=request)
        messages.success(request, _("已授予 %(user)s 管理“%(programme)s”的权限。") % {"user": user, "programme": programme})
    else:
        services.programme_admin_revoke(programme=programme, user=user, actor=request.user, request=request)
        messages.success(request, _("已收回 %(user)s 管理“%(programme)s”的权限。") % {"user": user, "programme": programme})
    return redirect("security_programme_admins")
