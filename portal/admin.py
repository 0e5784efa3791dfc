from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from portal import services, workdays
from portal.models import (
    AuditRecord,
    Department,
    EvaluationGroupMember,
    HolidayScheduleYear,
    Institution,
    Programme,
    ProgrammeDepartment,
    Region,
    Round,
    User,
    WorkdayOverride,
)

# Groups hold the three administrators' permissions, set by code (portal.services.ADMIN_GROUP_PERMISSIONS): editing
# them here would let the system administrator give itself the security or audit administrator's rights.
admin.site.unregister(Group)
# Second-factor devices hold the TOTP secrets: never shown in the admin site (the security administrator resets them
# in the portal, portal.otp_views).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "parent"]
    search_fields = ["code", "name"]
    list_filter = ["level"]


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name"]


class ProgrammeDepartmentInline(admin.TabularInline):
    model = ProgrammeDepartment
    extra = 0


class EvaluationGroupMemberInline(admin.TabularInline):
    model = EvaluationGroupMember
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "level", "region", "period_name", "period_quota"]
    list_filter = ["level"]
    search_fields = ["name"]
    inlines = [ProgrammeDepartmentInline, EvaluationGroupMemberInline]


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):
    list_display = ["name", "programme", "opens_at", "closes_at", "quota"]
    list_filter = ["programme"]


@admin.register(Institution)
class InstitutionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "uscc", "kind", "region", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "uscc"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "full_name", "role", "institution", "department", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "email")}),
        (_("角色"), {"fields": ("role", "institution", "department", "region")}),
        (
            _("安全"),
            {"fields": ("is_active", "must_change_password", "password_changed_at", "inactive_flagged_at")},
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    # Permissions are not edited here: a role decides the group (user_role_group_sync), object permissions are granted
    # by the portal's services, and the security administrator grants programme administration.
    readonly_fields = ["last_login", "date_joined", "password_changed_at", "inactive_flagged_at"]

    def get_queryset(self, request):
        """The three administrators' and superusers' accounts are not the system administrator's to change (it could
        otherwise reset the audit administrator's password and act as them); a superuser sees every account."""
        accounts = super().get_queryset(request)
        if request.user.is_superuser:
            return accounts
        return accounts.filter(is_superuser=False).exclude(role__in=services.ADMIN_ROLES)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [(value, label) for value, label in db_field.choices if value not in services.ADMIN_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # A password set by an administrator is an initial one: its owner changes it at the next login.
        if "password1" in form.cleaned_data or (change and "password" in form.changed_data):
            obj.must_change_password = True
        super().save_model(request, obj, form, change)
        services.user_role_group_sync(user=obj)

    add_fieldsets = (
        (None, {"fields": ("username", "full_name", "role", "institution", "department", "region", "password1", "password2")}),
    )


class CalendarAdmin(SimpleHistoryAdmin):
    """Any change to the holiday data drops the cached calendar, so the next computation uses it."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        workdays.invalidate_calendar()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        workdays.invalidate_calendar()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        workdays.invalidate_calendar()


@admin.register(HolidayScheduleYear)
class HolidayScheduleYearAdmin(CalendarAdmin):
    list_display = ["year", "is_complete", "source"]


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(CalendarAdmin):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"


class ReadOnlyAdminMixin:
    """Records that change only through the portal's services: shown (with history), never added, edited or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for everyone, superusers included (docs/security.md 7, 9): records are written only by portal.audit."""

    list_display = ["created_at", "event", "username", "source_ip", "object_type", "object_id", "success"]
    list_filter = ["event", "success"]
    search_fields = ["username", "source_ip", "object_id", "detail"]
    date_hierarchy = "created_at"
