"""The applicant's side: start a draft, fill annex 2, upload evidence, submit, withdraw."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import selectors, services
from applications.forms import ApplicationForm, AttachmentUploadForm, ConditionAnswerForm, PriorityItemFormSet
from applications.models import Application
from applications.uploads import UploadLimits, human_size
from portal.enums import Role
from portal.models import Round
from portal.permissions import get_object_for_user_or_404, role_required
from portal.transitions import AlreadyExists, Refused


def _owned_application(request, pk: int):
    application = get_object_for_user_or_404(request.user, Application, pk=pk)
    if request.user.institution_id != application.institution_id:
        raise PermissionDenied
    return application


def _answer_forms(application, data=None):
    answers = {a.condition_id: a for a in application.condition_answers.all()}
    forms = []
    for condition in selectors.conditions_for(application):
        answer = answers.get(condition.pk)
        initial = {"answer": answer.answer, "statement": answer.statement} if answer else {}
        forms.append(
            ConditionAnswerForm(
                data,
                prefix=f"c{condition.pk}",
                initial=initial,
                condition=condition,
                applies=condition.applies_to(application.institution.kind),
            )
        )
    return forms


def _upload_form(application, data=None, files=None):
    limits = UploadLimits.for_round(application.round)
    limits_text = _("单个文件不超过%(file)s，每份申报合计不超过%(total)s、最多%(count)d个文件。") % {
        "file": human_size(limits.max_file_bytes),
        "total": human_size(limits.max_total_bytes),
        "count": limits.max_files,
    }
    return AttachmentUploadForm(data, files, conditions=selectors.conditions_for(application), limits_text=limits_text)


@role_required(Role.APPLICANT)
@require_POST
def start(request, round_pk: int):
    round = get_object_or_404(Round, pk=round_pk)
    try:
        application = services.application_start(round=round, user=request.user)
    except AlreadyExists as error:  # opened rather than refused: a second click lands on the draft the first made
        messages.info(request, str(error))
        existing = error.existing
        return redirect("applications:edit", pk=existing.pk) if existing.is_editable else redirect(existing)
    except Refused as error:
        messages.error(request, str(error))
        return redirect("applications:call", pk=round.pk)
    messages.success(request, _("已创建申报草稿。可随时保存，提交前请完整填写。"))
    return redirect("applications:edit", pk=application.pk)


@role_required(Role.APPLICANT)
def edit(request, pk: int):
    application = _owned_application(request, pk)
    if not application.is_editable:
        messages.info(request, _("申报已提交，当前不能修改。"))
        return redirect(application)
    data = request.POST if request.method == "POST" else None
    form = ApplicationForm(data, instance=application)
    answer_forms = _answer_forms(application, data)
    priority_formset = PriorityItemFormSet(
        data, instance=application, prefix="priority", form_kwargs={"application": application}
    )
    if data is not None:
        if form.is_valid() and all(f.is_valid() for f in answer_forms) and priority_formset.is_valid():
            try:
                application = services.application_save_draft(
                    application=application,
                    form=form,
                    answer_forms=answer_forms,
                    priority_formset=priority_formset,
                    actor=request.user,
                )
                if request.POST.get("action") == "submit":
                    services.application_submit(application=application, actor=request.user)
                    messages.success(request, _("申报已提交。管理员受理前您可以撤回；提交后表单已锁定。"))
                    return redirect(application)
            except Refused as error:
                messages.error(request, str(error))
                return redirect("applications:edit", pk=application.pk)
            messages.success(request, _("草稿已保存。"))
            return redirect("applications:edit", pk=application.pk)
        messages.error(request, _("内容未保存：请按提示修改标出的内容，您填写的内容仍在表单中。"))
    context = {
        "application": application,
        "form": form,
        "answer_forms": answer_forms,
        "priority_formset": priority_formset,
        "upload_form": _upload_form(application),
        "attachments": application.attachments.select_related("condition"),
        "problems": services.application_problems(application),
    }
    return render(request, "applications/edit.html", context)


@role_required(Role.APPLICANT)
@require_POST
def upload(request, pk: int):
    application = _owned_application(request, pk)
    form = _upload_form(application, request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, "；".join(error))
        return redirect("applications:edit", pk=application.pk)
    condition = None
    if form.cleaned_data["condition"]:
        condition = get_object_or_404(selectors.conditions_for(application), pk=form.cleaned_data["condition"])
    stored = 0
    for uploaded in form.cleaned_data["files"]:
        try:
            services.attachment_add(
                application=application,
                uploaded=uploaded,
                purpose=form.cleaned_data["purpose"],
                condition=condition,
                actor=request.user,
            )
            stored += 1
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        except Refused as error:
            messages.error(request, str(error))
    if stored:
        messages.success(request, _("已上传%(count)d个文件。") % {"count": stored})
    return redirect(f"{application.get_absolute_url()}edit/#attachments")


@role_required(Role.APPLICANT)
@require_POST
def attachment_delete(request, pk: int, attachment_pk: int):
    application = _owned_application(request, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    try:
        services.attachment_delete(attachment=attachment, actor=request.user)
        messages.success(request, _("已删除附件“%(name)s”。") % {"name": attachment.original_name})
    except Refused as error:
        messages.error(request, str(error))
    return redirect(f"{application.get_absolute_url()}edit/#attachments")


@role_required(Role.APPLICANT)
@require_POST
def withdraw(request, pk: int):
    application = _owned_application(request, pk)
    try:
        services.application_withdraw(application=application, actor=request.user)
        messages.success(request, _("申报已撤回。"))
    except Refused as error:
        messages.error(request, str(error))
    return redirect(application)
