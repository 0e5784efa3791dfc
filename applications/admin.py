from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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
