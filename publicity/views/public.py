"""Public pages, no login: notices, objections and their private status links (seed 000 五.3–五.4).

No page here shows anyone's personal data. Notice pages are cached for visitors (portal.public_cache) until the
notice's state changes; the objection pages are never cached.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal.pagination import paginate
from portal.public_cache import public_cache
from portal.ratelimit import rate_limited
from portal.transitions import Refused
from publicity import services
from publicity.forms import PRIVACY_NOTICE, ObjectionForm, ReceiptLookupForm
from publicity.models import PublicityNotice

STATES = {"open", "ended"}


def _public_notices():
    return PublicityNotice.objects.select_related("programme__region")


@require_safe
@public_cache(params=("state", "page"))
def notice_list(request):
    now = timezone.now()
    state = request.GET.get("state", "")
    notices = _public_notices()
    if state == "open":
        notices = notices.filter(published_at__lte=now, closes_at__gt=now)
    elif state == "ended":
        notices = notices.filter(closes_at__lte=now)
    page, query = paginate(request, notices)
    response = render(
        request, "publicity/notice_list.html", {"page": page, "querystring": query, "state": state if state in STATES else ""}
    )
    next_close = (
        PublicityNotice.objects.filter(closes_at__gt=now).order_by("closes_at").values_list("closes_at", flat=True).first()
    )
    response.cache_until = next_close
    return response


@require_safe
@public_cache
def notice_detail(request, pk: int):
    notice = get_object_or_404(_public_notices(), pk=pk)
    now = timezone.now()
    entries = list(notice.entries.all())
    context = {
        "notice": notice,
        "entries": entries,
        "is_open": notice.is_open(now),
        "adjusted_by": notice.adjusted_by.order_by("published_at").first(),
        "digest_ok": notice.digest == notice.content_digest(),
    }
    response = render(request, "publicity/notice_detail.html", context)
    if notice.is_open(now):
        response.cache_until = notice.closes_at
    return response


@never_cache
def objection_new(request, pk: int):
    notice = get_object_or_404(_public_notices(), pk=pk)
    now = timezone.now()
    if not notice.is_open(now):
        return render(request, "publicity/objection_closed.html", {"notice": notice}, status=410 if now >= notice.closes_at else 200)
    form = ObjectionForm(request.POST or None, request.FILES or None, notice=notice, initial={"entry": request.GET.get("entry")})
    limit = settings.OBJECTION_RATE_PER_HOUR
    if request.method == "POST":
        if rate_limited(request, "objection-post", limit * 6):
            messages.error(request, _("提交过于频繁，请一小时后再试。"))
            return render(request, "publicity/objection_form.html", _form_context(notice, form), status=429)
        if form.is_valid():
            if rate_limited(request, "objection", limit):
                messages.error(request, _("同一网络一小时内最多提交%(count)d件异议，请稍后再试。") % {"count": limit})
                return render(request, "publicity/objection_form.html", _form_context(notice, form), status=429)
            try:
                objection, token = services.objection_file(
                    notice=notice,
                    entry=form.cleaned_data["entry"],
                    identity=form.identity(),
                    facts=form.cleaned_data["facts"],
                    evidence=form.cleaned_data["evidence"],
                    seal=form.cleaned_data.get("seal"),
                    request=request,
                )
            except (Refused, ValidationError) as error:
                form.add_error(None, error.messages[0] if isinstance(error, ValidationError) else str(error))
            else:
                # Post/redirect/get: a reload cannot file it twice; the status page is the receipt (?new=1).
                url = reverse("publicity:objection_status", args=[objection.receipt_number, token])
                return redirect(f"{url}?new=1")
    return render(request, "publicity/objection_form.html", _form_context(notice, form))


def _form_context(notice, form):
    return {
        "notice": notice,
        "form": form,
        "privacy": PRIVACY_NOTICE % {"days": settings.OBJECTION_RETENTION_DAYS},
    }


@never_cache
@require_safe
def objection_status(request, receipt: str, token: str):
    objection = services.objection_open(receipt_number=receipt, token=token)
    if objection is None:
        raise Http404
    context = {
        "objection": objection,
        "is_new": request.GET.get("new") == "1",
        "link": services.private_link(objection),
        "lookup_url": settings.PORTAL_BASE_URL + reverse("publicity:objection_lookup"),
        "evidence_count": objection.evidence.count(),
    }
    response = render(request, "publicity/objection_status.html", context)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def objection_lookup(request):
    form = ReceiptLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, "objection-lookup", 30):
            form.add_error(None, _("查询过于频繁，请一小时后再试。"))
        else:
            # The short query code (ABCD-EFGH) or, from an older receipt, the private link's last segment.
            objection = services.objection_find(
                receipt_number=form.cleaned_data["receipt_number"].strip().upper(), code=form.cleaned_data["token"]
            )
            if objection is not None:
                return redirect("publicity:objection_status", receipt=objection.receipt_number, token=objection.token)
            form.add_error(None, _("回执号或查询码不正确。"))
    return render(request, "publicity/objection_lookup.html", {"form": form})

