"""The second factor at login: enrolment with a QR code, the code at each login, new recovery codes, and the
security administrator's list and reset (docs/security.md 5). The rules live in portal.second_factor."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST, require_safe

from portal import second_factor
from portal.models import User
from portal.pagination import paginate


class CodeForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("second factor", "验证码"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=gettext_lazy("验证器（手机上的身份验证器应用）显示的6位数字；手机不在身边时可输入一个恢复码。"),
    )


class ResetForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("重置理由"), max_length=300)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@login_required
def setup(request):
    user = request.user
    if second_factor.has_device(user):
        return redirect(f"{reverse('second_factor_verify')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.enrol(request=request, user=user, code=form.cleaned_data["code"])
        if codes is not None:
            return render(request, "registration/second_factor_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("code", _("验证码不正确，请核对手机时间后输入验证器上新的6位验证码。"))
    context = {"form": form, "next": _next(request), **second_factor.provisioning(second_factor.pending_totp(user))}
    return render(request, "registration/second_factor_setup.html", context, status=400 if form.errors else 200)


@login_required
def verify(request):
    user = request.user
    if not second_factor.has_device(user):
        return redirect(f"{reverse('second_factor_setup')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified, refusal = second_factor.verify(request=request, user=user, code=form.cleaned_data["code"])
        if verified:
            return redirect(_next(request))
        form.add_error("code", refusal)
    context = {"form": form, "next": _next(request)}
    return render(request, "registration/second_factor_verify.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def recovery_codes(request):
    """New recovery codes for a user verified in this session (the old ones stop working)."""
    if not request.user.is_verified():
        raise PermissionDenied
    codes = second_factor.recovery_codes_renew(request=request, user=request.user)
    return render(request, "registration/second_factor_codes.html", {"codes": codes, "next": reverse("home")})


# --- the security administrator ---------------------------------------------------------------------



@login_required
@permission_required("portal.reset_second_factor", raise_exception=True)
@require_safe
def accounts(request):
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    users = User.objects.filter(role__in=second_factor.ALWAYS | {"reviewer"}).order_by("role", "username")
    if query:
        users = users.filter(username__icontains=query) | users.filter(full_name__icontains=query)
    page, querystring = paginate(request, users)
    rows = second_factor.status_rows(list(page.object_list))
    for row in rows:
        row["form"] = ResetForm(auto_id=f"id_{row['user'].pk}_%s")
    return render(request, "security/second_factor.html", {"page": page, "rows": rows, "querystring": querystring, "q": query})


@login_required
@permission_required("portal.reset_second_factor", raise_exception=True)
@require_POST
def reset(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    form = ResetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("重置二次验证须说明理由。"))
        return redirect("security_second_factor")
    try:
        second_factor.reset(user=user, actor=request.user, reason=form.cleaned_data["reason"], request=request)
    except PermissionError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("已重置 %(name)s 的二次验证，其下次登录时须重新绑定验证器。") % {"name": user})
    return redirect("security_second_factor")
