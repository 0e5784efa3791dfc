from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from applications.enums import SelfCheck
from applications.models import Application, Attachment, Condition, ConditionAnswer, PriorityItem
from portal.admin import ReadOnlyAdminMixin


@admin.register(Condition)
class ConditionAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "section", "number", "text", "is_priority_clause"]
    list_filter = ["programme", "section"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ConditionAnswerInline(ReadOnlyInline):
    model = ConditionAnswer
    fields = ["condition", "result", "statement"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("condition", "application__institution")

    @admin.display(description=gettext_lazy("自查结果"))
    def result(self, answer: ConditionAnswer) -> str:
        """As the portal shows it: 不适用 for a condition that does not bind the institution's kind, with what is stored
        when that differs (an answer saved before the kind changed)."""
        if answer.condition.applies_to(answer.application.institution.kind):
            return answer.get_answer_display() or "—"
        if answer.answer in ("", SelfCheck.NOT_APPLICABLE):
            return str(SelfCheck.NOT_APPLICABLE.label)
        return _("不适用（记录为“%(stored)s”：本条不约束该类型机构）") % {"stored": answer.get_answer_display()}


class PriorityItemInline(ReadOnlyInline):
    model = PriorityItem


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["purpose", "original_name", "size", "content_type", "sha256", "uploaded_at"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only: every status change goes through the portal's pages and services, never through the admin."""

    list_display = ["institution_name", "round", "status", "submitted_at"]
    list_filter = ["status", "round"]
    search_fields = ["institution_name", "institution__uscc"]
    inlines = [ConditionAnswerInline, PriorityItemInline, AttachmentInline]
