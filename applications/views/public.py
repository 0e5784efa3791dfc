"""Public pages of the application stage: the call (申报通知) of a round and self-registration."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from applications.forms import RegistrationForm
from applications.selectors import conditions_for_programme
from portal import services
from portal.models import Round


def call_detail(request, pk: int):
    """申报通知: window, who may apply, conditions, quota, contacts and the way in."""
    round = get_object_or_404(Round.objects.select_related("programme__region", "programme__lead_department"), pk=pk)
    conditions = conditions_for_programme(round.programme)
    return render(request, "applications/call_detail.html", {"round": round, "conditions": conditions})


def register(request):
    """An institution registers itself and its first staff account; the admin verifies it before it applies."""
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.institution_register(form=form)
        except ValidationError as error:  # registered a moment ago by the same form sent twice
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("登记成功。管理员核验机构信息后您将收到通知，届时即可申报。"))
            return redirect("home")
    return render(request, "applications/register.html", {"form": form})
