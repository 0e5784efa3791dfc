"""Public pages, no login: each platform's 意见箱, the complainant's status page, the list of handled complaints.

No page here shows a complainant's name or phone; none is cached (the status page is private, the form has a
CAPTCHA, the list changes when a handler publishes).
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from complaints import services
from complaints.enums import Channel
from complaints.forms import PRIVACY_NOTICE, OnlineComplaintForm
from complaints.selectors import published_for
from portal.enums import InstitutionStatus
from portal.models import Institution
from portal.pagination import paginate
from portal.ratelimit import rate_limited
from portal.transitions import Refused


def _institution(pk: int) -> Institution:
    return get_object_or_404(Institution, pk=pk, status=InstitutionStatus.VERIFIED)


@never_cache
def complaint_new(request, pk: int):
    institution = _institution(pk)
    form = OnlineComplaintForm(request.POST or None)
    context = {"institution": institution, "form": form, "privacy": PRIVACY_NOTICE}
    limit = settings.COMPLAINT_RATE_PER_HOUR
    if request.method == "POST":
        if rate_limited(request, "complaint-post", limit * 6) or (form.is_valid() and rate_limited(request, "complaint", limit)):
            messages.error(request, _("提交过于频繁，请一小时后再试。"))
            return render(request, "complaints/public_form.html", context, status=429)
        if form.is_valid():
            try:
                complaint, token = services.complaint_file(
                    institution=institution, channel=Channel.ONLINE, filing=_filing(form), received_at=timezone.now(),
                    request=request,
                )
            except Refused as error:
                form.add_error(None, str(error))
            else:
                url = reverse("complaints:status", args=[complaint.receipt_number, token])
                return redirect(f"{url}?new=1")
    return render(request, "complaints/public_form.html", context)


def _filing(form) -> services.Filing:
    data = form.cleaned_data
    return services.Filing(
        name=data["name"], phone=data["phone"], facts=data["facts"], staff_named=data.get("staff_named", ""),
        staff_member=data.get("staff_member"), publish_consent=data.get("publish_consent", False),
    )


@never_cache
@require_safe
def complaint_status(request, receipt: str, token: str):
    complaint = services.complaint_open(receipt_number=receipt, token=token)
    if complaint is None:
        raise Http404
    response = render(request, "complaints/public_status.html", {"complaint": complaint, "is_new": request.GET.get("new") == "1"})
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_safe
def handled_list(request, pk: int):
    institution = _institution(pk)
    page, query = paginate(request, published_for(institution))
    return render(request, "complaints/public_handled.html", {"institution": institution, "page": page, "querystring": query})
