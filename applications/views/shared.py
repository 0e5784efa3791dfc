"""Pages every user with access to an application sees: the detail, its files and its PDF."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from applications import selectors
from applications.forms import AcceptForm, RejectForm, ReturnForm
from applications.models import Application
from portal.permissions import get_object_for_user_or_404, manages_programme


@login_required
@require_GET
def detail(request, pk: int):
    application = get_object_for_user_or_404(request.user, Application, pk=pk)
    manages = manages_programme(request.user, application.round.programme)
    context = {
        "application": application,
        "self_check": selectors.self_check_rows(application),
        "priority_items": application.priority_items.select_related("proof"),
        "attachments": application.attachments.select_related("condition"),
        "history": application.history.select_related("history_user").order_by("-history_date")[:50],
        "manages": manages,
        "is_owner": request.user.institution_id == application.institution_id,
    }
    if manages:
        context |= {"return_form": ReturnForm(), "accept_form": AcceptForm(), "reject_form": RejectForm()}
    return render(request, "applications/detail.html", context)


@login_required
@require_GET
def attachment_download(request, pk: int, attachment_pk: int):
    """Serve one evidence file to a user who may see the application, always as a download."""
    application = get_object_for_user_or_404(request.user, Application, pk=pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def pdf(request, pk: int):
    application = get_object_for_user_or_404(request.user, Application, pk=pk)
    from applications.pdf import application_pdf  # WeasyPrint is heavy to import: only once access is granted

    response = HttpResponse(application_pdf(application), content_type="application/pdf")
    filename = f"申报表-{application.institution_name}.pdf"
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response
