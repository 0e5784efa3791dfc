"""The staff's pages of the showcase: the institution's edit page (text, captions, photos, submission) and the
programme admin's review queue and decision page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from awards.enums import AwardStatus
from awards.models import Award
from portal.enums import Role
from portal.pagination import paginate
from portal.permissions import get_object_for_user_or_404, role_required, visible
from portal.transitions import Refused
from showcase import services
from showcase.enums import ShowcaseStatus
from showcase.forms import ReturnForm, ShowcaseForm
from showcase.models import MAX_PHOTOS, Showcase, ShowcasePhoto
from showcase.selectors import Photo, published_version, working_photos, working_version

ADMINS = (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)
QUEUE_STATES = {"submitted": ShowcaseStatus.SUBMITTED, "returned": ShowcaseStatus.RETURNED,
                "approved": ShowcaseStatus.APPROVED, "draft": ShowcaseStatus.DRAFT}


# --- the institution -----------------------------------------------------------------------------------------------


def _edit_page(request, award, showcase, *, form=None):
    photos = working_photos(showcase)
    if form is None:
        initial = {name: getattr(showcase, name) for name in services.TEXT_FIELDS} if showcase else {}
        form = ShowcaseForm(initial=initial, photos=photos, can_add_photo=len(photos) < MAX_PHOTOS)
    context = {
        "award": award, "showcase": showcase, "form": form, "max_photos": MAX_PHOTOS,
        "photo_rows": [
            (Photo.of(reverse("showcase:staff_photo", args=[p.pk]), p.caption, p.width, p.height), field, p)
            for p, field in form.caption_fields()
        ],
        "problems": services.showcase_problems(showcase) if showcase else [],
    }
    return render(request, "showcase/edit.html", context)


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def edit(request, award_pk: int):
    """The institution's showcase of one award: save the draft (and add a photo), or save and submit it."""
    award = get_object_for_user_or_404(request.user, Award, "showcase", pk=award_pk)
    showcase = Showcase.objects.filter(award=award).first()
    if request.method == "GET":
        return _edit_page(request, award, showcase)
    photos = working_photos(showcase)
    form = ShowcaseForm(request.POST, request.FILES, photos=photos, can_add_photo=len(photos) < MAX_PHOTOS)
    if not form.is_valid():
        return _edit_page(request, award, showcase, form=form)
    try:
        showcase = services.showcase_save(award=award, actor=request.user, captions=form.captions(), request=request,
                                          **form.text())
        if form.cleaned_data.get("new_photo"):
            services.photo_add(award=award, actor=request.user, uploaded=form.cleaned_data["new_photo"],
                               caption=form.cleaned_data["new_caption"], request=request)
        if request.POST.get("action") == "submit":
            services.showcase_submit(showcase=showcase, actor=request.user, request=request)
            messages.success(request, _("宣传材料已提交审核，审核通过后在门户展示。"))
        else:
            messages.success(request, _("已保存。"))
    except ValidationError as error:  # the photo refused by the upload inspection; the text is saved
        form.add_error("new_photo", error.messages[0])
        return _edit_page(request, award, Showcase.objects.filter(award=award).first(), form=form)
    except Refused as error:
        form.add_error(None, str(error))
        return _edit_page(request, award, Showcase.objects.filter(award=award).first(), form=form)
    return redirect("showcase:edit", award_pk=award.pk)


@role_required(Role.APPLICANT)
@require_POST
def photo_remove(request, pk: int):
    photo = get_object_for_user_or_404(request.user, ShowcasePhoto, "edit", pk=pk)
    try:
        services.photo_remove(photo=photo, actor=request.user, request=request)
        messages.success(request, _("照片已移除。"))
    except Refused as error:
        messages.error(request, str(error))
    return redirect("showcase:edit", award_pk=photo.showcase.award_id)


@role_required(Role.APPLICANT)
@require_POST
def withdraw(request, pk: int):
    showcase = get_object_for_user_or_404(request.user, Showcase, "edit", pk=pk)
    try:
        services.showcase_withdraw(showcase=showcase, actor=request.user, request=request)
        messages.success(request, _("已撤回提交，可以继续修改。"))
    except Refused as error:
        messages.error(request, str(error))
    return redirect("showcase:edit", award_pk=showcase.award_id)


@login_required
@require_safe
def staff_photo(request, pk: int):
    """Any photo of a showcase (a draft's too), for the institution's staff and the programme's admins."""
    photo = get_object_for_user_or_404(request.user, ShowcasePhoto, "view", pk=pk)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the programme's admin ------------------------------------------------------------------------------------------


@role_required(*ADMINS)
@require_safe
def queue(request):
    """The showcases of the admin's programmes, those waiting for a decision first (the default filter)."""
    state = request.GET.get("status", "submitted")
    showcases = visible(request.user, Showcase, "manage").filter(award__status=AwardStatus.IN_FORCE)
    if state in QUEUE_STATES:
        showcases = showcases.filter(status=QUEUE_STATES[state])
    query = request.GET.get("q", "").strip()[:50]
    if query:
        showcases = showcases.filter(Q(award__institution_name__icontains=query) | Q(award__plaque_number__icontains=query))
    page, querystring = paginate(request, showcases.order_by("submitted_at", "pk"))
    context = {"page": page, "querystring": querystring, "state": state if state in QUEUE_STATES else "all",
               "query": query}
    return render(request, "showcase/queue.html", context)


@role_required(*ADMINS)
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    """The working copy beside what is public now; approve (publish) or return with a reason."""
    showcase = get_object_for_user_or_404(request.user, Showcase, "manage", pk=pk)
    return_form = ReturnForm(request.POST if request.POST.get("decision") == "return" else None)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                services.showcase_approve(showcase=showcase, actor=request.user, request=request)
                messages.success(request, _("已审核通过并发布：%(name)s。") % {"name": showcase})
                return redirect("showcase:queue")
            if return_form.is_valid():
                services.showcase_return(showcase=showcase, actor=request.user, request=request,
                                         reason=return_form.cleaned_data["reason"])
                messages.success(request, _("已退回修改：%(name)s。") % {"name": showcase})
                return redirect("showcase:queue")
        except Refused as error:
            messages.error(request, str(error))
            showcase.refresh_from_db()
    context = {
        "showcase": showcase, "award": showcase.award, "return_form": return_form,
        "working": working_version(showcase),
        "published": published_version(showcase) if showcase.is_published else None,
    }
    return render(request, "showcase/review.html", context)
