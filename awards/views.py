"""The result (公布), plaques (授牌), verification (核验) and revocation (撤销): public pages and the admin's pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from awards import batches
from awards import services as award_services
from awards.enums import AnnouncementStatus
from awards.forms import AnnouncementForm, BatchScopeForm, RevokeForm
from awards.models import Announcement, Award, PlaqueBatch, Revocation
from portal.enums import Role
from portal.models import Programme, Region, Round
from portal.pagination import paginate
from portal.permissions import get_object_for_user_or_404, manages_programme, role_required, sees_everything, visible
from portal.public_cache import public_cache
from portal.selectors import regions_in_jurisdictions
from portal.transitions import AlreadyExists, Refused

ADMINS = (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)


def _issued():
    return Announcement.objects.filter(status=AnnouncementStatus.ISSUED).select_related("programme", "round")


# --- public --------------------------------------------------------------------------------------------------------


@require_safe
@public_cache(params=("page",))
def result_list(request):
    page, querystring = paginate(request, _issued().order_by("-published_at"))
    revocations = Revocation.objects.select_related("award__programme").order_by("-decided_on")[:20]
    return render(request, "awards/result_list.html", {"page": page, "querystring": querystring, "revocations": revocations})


@require_safe
@public_cache
def result_detail(request, pk: int):
    announcement = get_object_or_404(_issued(), pk=pk)
    awards = announcement.awards.select_related("revocation").order_by("plaque_number")
    context = {"a": announcement, "awards": awards, "digest_ok": announcement.digest == announcement.content_digest()}
    return render(request, "awards/result_detail.html", context)


@require_safe
def result_pdf(request, pk: int):
    """The issued document for everyone; a draft only for the programme's admins (a preview)."""
    announcement = get_object_or_404(Announcement.objects.select_related("programme", "round"), pk=pk)
    if not announcement.is_issued and not manages_programme(request.user, announcement.programme):
        raise Http404
    response = HttpResponse(award_services.announcement_pdf(announcement), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"{announcement.document_number}.pdf"
    )
    if not announcement.is_issued:
        response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@public_cache
def revocation_detail(request, pk: int):
    revocation = get_object_or_404(Revocation.objects.select_related("award__programme", "award__announcement"), pk=pk)
    return render(request, "awards/revocation_detail.html", {"r": revocation, "award": revocation.award})


@require_safe
def verify(request, code: str):
    """What a scanned plaque's QR code opens: valid, or revoked and when. An unknown code says only that."""
    award = Award.objects.select_related("programme", "announcement", "revocation").filter(verify_code=code[:40]).first()
    if award is None:
        response = render(request, "awards/verify.html", {"award": None}, status=404)
    else:
        spec = award_services.plaque_spec(award)
        # An award made before digests were recorded has none: "not recorded", not "changed".
        digest_ok = None if not award.digest else award.digest == award_services.award_digest(award)
        context = {"award": award, "digest_ok": digest_ok, "issuers": spec.issuers}
        response = render(request, "awards/verify.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- the applicant and the admin -----------------------------------------------------------------------------------


@require_safe
def award_plaque(request, pk: int):
    """The plaque PDF: for the institution's own staff and the programme's admins."""
    # A revoked title's plaque is no longer handed out to the institution; the admins keep it for the record.
    award = get_object_for_user_or_404(request.user, Award, "plaque", pk=pk)
    response = HttpResponse(award_services.award_plaque_pdf(award), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"奖牌-{award.plaque_number}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*ADMINS)
def round_announcement(request, round_pk: int):
    round = get_object_for_user_or_404(request.user, Round, "manage", pk=round_pk)
    announcement = round.announcements.order_by("-pk").first()
    form = None
    if announcement is None or not announcement.is_issued:
        initial = (
            {f: getattr(announcement, f) for f in AnnouncementForm.base_fields} if announcement
            else award_services.announcement_defaults(round)
        )
        form = AnnouncementForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                announcement = award_services.announcement_draft_save(round=round, actor=request.user, **form.cleaned_data)
                messages.success(request, _("草稿已保存：%(number)s。") % {"number": announcement.document_number})
                return redirect("awards:announcement", round_pk=round.pk)
            except Refused as error:
                form.add_error(None, str(error))
    elif request.method == "POST":  # issued meanwhile
        raise PermissionDenied(_("本批次的公布文件已发布，不能再修改。"))
    context = {
        "round": round,
        "announcement": announcement,
        "form": form,
        "entries": award_services.announced_entries(round),
        "blockers": _blockers(round, announcement),
        "awards": announcement.awards.select_related("revocation").order_by("plaque_number") if announcement else [],
        "batches": announcement.batches.all()[:5] if announcement else [],
    }
    return render(request, "awards/round_announcement.html", context)


def _blockers(round, announcement) -> list[str]:
    """Why the result cannot be issued yet; shown before a draft exists too (publicity, objections, the quota)."""
    if announcement is not None and announcement.is_issued:
        return []
    return award_services.announcement_blockers(announcement, round=round)


@role_required(*ADMINS)
@require_POST
def announcement_issue(request, pk: int):
    announcement = get_object_for_user_or_404(request.user, Announcement, "manage", pk=pk)
    try:
        award_services.announcement_issue(announcement=announcement, actor=request.user, request=request)
        messages.success(request, _("已发布%(number)s，授牌%(count)d家。") % {
            "number": announcement.document_number, "count": announcement.awards.count()})
    except Refused as error:
        messages.error(request, str(error))
    return redirect("awards:announcement", round_pk=announcement.round_id)


@role_required(*ADMINS)
@require_POST
def batch_start(request, pk: int):
    announcement = get_object_for_user_or_404(request.user, Announcement, "manage", pk=pk)
    try:
        batch = batches.batch_start(actor=request.user, announcement=announcement)
    except AlreadyExists as error:
        messages.info(request, str(error))
        return redirect("awards:batch", pk=error.existing.pk)
    except Refused as error:
        messages.error(request, str(error))
        return redirect("awards:announcement", round_pk=announcement.round_id)
    return redirect("awards:batch", pk=batch.pk)


def _batch_regions(user):
    """The jurisdictions whose plaques a user may batch: all for a system admin, else its programmes' and below."""
    if sees_everything(user):
        return Region.objects.order_by("code")
    return regions_in_jurisdictions(visible(user, Programme, "manage").select_related("region"))


@role_required(*ADMINS)
def batch_region(request):
    """Every plaque of a jurisdiction's year (e.g. a province's 十百千) in one ZIP."""
    regions = _batch_regions(request.user)
    form = BatchScopeForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            batch = batches.batch_start(actor=request.user, region=form.cleaned_data["region"], year=form.cleaned_data["year"])
            return redirect("awards:batch", pk=batch.pk)
        except AlreadyExists as error:
            messages.info(request, str(error))
            return redirect("awards:batch", pk=error.existing.pk)
        except Refused as error:
            form.add_error(None, str(error))
    recent = PlaqueBatch.objects.select_related("announcement", "region")
    if not sees_everything(request.user):
        recent = recent.filter(created_by=request.user)
    return render(request, "awards/batch_region.html", {"form": form, "recent": recent[:10]})


@role_required(*ADMINS)
@require_safe
def batch_detail(request, pk: int):
    return render(request, "awards/batch.html", {"batch": get_object_for_user_or_404(request.user, PlaqueBatch, pk=pk)})


@never_cache
@role_required(*ADMINS)
@require_safe
def batch_status(request, pk: int):
    batch = get_object_for_user_or_404(request.user, PlaqueBatch, pk=pk)
    return JsonResponse({
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "total": batch.total,
        "done": batch.done,
        "failed": len(batch.failures),
        "failures": batch.failures[:50],
        "percent": batch.percent,
        "download": bool(batch.archive),
    })


@role_required(*ADMINS)
@require_safe
def batch_download(request, pk: int):
    batch = get_object_for_user_or_404(request.user, PlaqueBatch, pk=pk)
    if not batch.archive:
        raise Http404
    response = FileResponse(batch.archive.open("rb"), as_attachment=True, filename=f"奖牌-{batch.pk}.zip",
                            content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*ADMINS)
def award_revoke(request, pk: int):
    award = get_object_for_user_or_404(request.user, Award, "manage", pk=pk)
    if not award.is_valid:  # a revocation posted again (a second click) lands on the one published
        if request.method == "POST":
            messages.info(request, _("该奖牌已撤销。"))
        return redirect(award.revocation.get_absolute_url())
    form = RevokeForm(request.POST or None, request.FILES or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            revocation = award_services.award_revoke(award=award, actor=request.user, request=request, **form.cleaned_data)
            messages.success(request, _("已撤销并公布：%(name)s。") % {"name": award.institution_name})
            return redirect(revocation.get_absolute_url())
        except (Refused, ValidationError) as error:
            form.add_error(None, error.messages[0] if isinstance(error, ValidationError) else str(error))
    return render(request, "awards/revoke.html", {"award": award, "form": form})
