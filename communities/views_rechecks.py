"""The titles of the user's jurisdiction and their yearly re-checks: the town (or the district) starts and concludes a
re-check, finds a rectification done or not; the district removes a title reported. Objects within the user's remit
(communities.selectors), a 404 otherwise; an action of another level refused."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from communities import rechecks
from communities.enums import RecheckStatus
from communities.forms import ConcludeForm, RectificationForm, RemoveForm
from communities.models import Campaign, Recheck
from communities.selectors import is_district, titles_for
from portal.pagination import paginate
from portal.permissions import get_object_for_user_or_404
from portal.transitions import Refused


@login_required
@require_safe
def title_staff_list(request):
    titles = titles_for(request.user).prefetch_related("rechecks").order_by("region__parent__code", "region__code", "-awarded_on")
    page, querystring = paginate(request, titles)
    year = timezone.localdate().year
    rows = [{"title": t, "latest": next(iter(t.rechecks.all()), None),
             "may_start": t.is_valid and t.awarded_on.year < year and rechecks.may_recheck(request.user, t)
             and not any(r.year == year for r in t.rechecks.all())} for t in page.object_list]
    return render(request, "communities/recheck_list.html", {"page": page, "querystring": querystring, "rows": rows,
                                                             "year": year})


@login_required
@require_POST
def recheck_start(request, title_pk: int):
    title = get_object_or_404(titles_for(request.user), pk=title_pk)
    if not rechecks.may_recheck(request.user, title):
        messages.error(request, _("复查由镇（街道）或区人社局开展。"))
        return redirect("communities:rechecks")
    campaign = Campaign.objects.filter(programme=title.programme_id).order_by("-year").first()
    rubric = campaign.rubric if campaign else title.programme.scoring_rubrics.order_by("-created_at").first()
    try:
        recheck = rechecks.recheck_start(title=title, year=timezone.localdate().year, actor=request.user, rubric=rubric)
    except Refused as error:
        messages.error(request, str(error))
        return redirect("communities:rechecks")
    return redirect(recheck.assessment)


@login_required
@require_safe
def recheck_detail(request, pk: int):
    recheck = get_object_for_user_or_404(request.user, Recheck, pk=pk)
    user = request.user
    context = {
        "recheck": recheck,
        "may_conclude": recheck.status == RecheckStatus.CHECKING and rechecks.may_recheck(user, recheck),
        "may_close": recheck.status == RecheckStatus.RECTIFYING and rechecks.may_recheck(user, recheck),
        "may_remove": recheck.status == RecheckStatus.REPORTED and is_district(user, recheck.title.programme),
        "conclude_form": ConcludeForm(), "close_form": RectificationForm(), "remove_form": RemoveForm(),
    }
    return render(request, "communities/recheck.html", context)


def _act(request, pk: int, form_class, action, done: str, *, district_only: bool = False):
    recheck = get_object_for_user_or_404(request.user, Recheck, pk=pk)
    allowed = (is_district(request.user, recheck.title.programme) if district_only
               else rechecks.may_recheck(request.user, recheck))
    form = form_class(request.POST)
    try:
        if not allowed:
            raise Refused(_("您不能办理此事项。"))
        if not form.is_valid():
            raise Refused(_("请按提示填写。"))
        action(recheck=recheck, actor=request.user, **form.cleaned_data)
    except Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(recheck)


@login_required
@require_POST
def recheck_conclude(request, pk: int):
    return _act(request, pk, ConcludeForm, rechecks.recheck_conclude, _("复查结论已提交。"))


@login_required
@require_POST
def recheck_rectification(request, pk: int):
    return _act(request, pk, RectificationForm, rechecks.rectification_close, _("整改验收已记录。"))


@login_required
@require_POST
def recheck_remove(request, pk: int):
    return _act(request, pk, RemoveForm, rechecks.title_remove, _("称号已取消。"), district_only=True)
