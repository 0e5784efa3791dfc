"""The security administrator's pages of publicity: requests to see objectors' identities (docs/security.md 7, 18)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from portal.pagination import paginate
from portal.permissions import get_object_for_user_or_404
from portal.transitions import Refused
from publicity import identity_access
from publicity.enums import IdentityAccessStatus
from publicity.forms import IdentityDecisionForm, IdentityRevokeForm
from publicity.models import IdentityAccessRequest

# The security administrators' group holds this permission (portal.services.ADMIN_GROUP_PERMISSIONS).
may_decide = permission_required(identity_access.APPROVE_PERMISSION, raise_exception=True)


@login_required
@may_decide
@require_safe
def identity_requests(request):
    status = request.GET.get("status", "")
    page, querystring = paginate(request, identity_access.identity_requests_for_security(status))
    rows = [
        {
            "access": access,
            # One form per row, with ids of its own (a page of rows must not repeat an id).
            "decision_form": IdentityDecisionForm(auto_id=f"id_{access.pk}_%s") if access.status == "pending" else None,
            "revoke_form": IdentityRevokeForm(auto_id=f"id_{access.pk}_%s") if access.status == "approved" else None,
        }
        for access in page.object_list
    ]
    context = {
        "page": page,
        "rows": rows,
        "querystring": querystring,
        "status": status,
        "statuses": IdentityAccessStatus.choices,
    }
    return render(request, "security/identity_requests.html", context)


def _act(request, pk: int, form_class, act, done: str):
    access = get_object_for_user_or_404(request.user, IdentityAccessRequest, "decide", pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(access, form.cleaned_data)
            messages.success(request, done)
        except Refused as error:
            messages.error(request, str(error))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("publicity:identity_requests")


@login_required
@may_decide
@require_POST
def identity_request_decide(request, pk: int):
    def act(access, data):
        identity_access.identity_access_decide(
            access_request=access, approve=data["decision"] == "approve", note=data["note"], actor=request.user,
            request=request,
        )

    return _act(request, pk, IdentityDecisionForm, act, _("已审批，申请人和被授权人将收到通知。"))


@login_required
@may_decide
@require_POST
def identity_request_revoke(request, pk: int):
    def act(access, data):
        identity_access.identity_access_revoke(access_request=access, note=data["note"], actor=request.user, request=request)

    return _act(request, pk, IdentityRevokeForm, act, _("已收回查看异议人身份的授权。"))
