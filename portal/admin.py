from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from portal import regions, services, workdays
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
from portal.transitions import Refused

# Groups hold the three administrators' permissions, set by code (portal.services.ADMIN_GROUP_PERMISSIONS): editing
# them here would let the system administrator give itself the security or audit administrator's rights.
admin.site.unregister(Group)
# Second-factor devices hold the TOTP secrets: never shown in the admin site (the security administrator resets them
# in the portal, portal.otp_views).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class RegionAdminForm(forms.ModelForm):
    """Checks a region as portal.regions will save it, so a refusal shows on the form, not as an error page."""

    class Meta:
        model = Region
        fields = ["name", "level", "parent", "settlement", "code"]
        help_texts = {
            "code": _("县级以上为6位行政区划代码；街道（镇）、社区（村）为12位统计用区划代码，不知道时新增可留空，由系统在上级代码内编排本地编码。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = self.instance.pk is not None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        stored = self.instance
        code = data.get("code") or ""
        candidate = Region(
            pk=stored.pk, name=data.get("name", ""), level=data.get("level", stored.level), parent=data.get("parent"),
            settlement=data.get("settlement", ""), code=code, code_is_local=stored.code_is_local and code == stored.code,
        )
        try:
            regions.region_check(candidate)
        except Refused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return data


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    """Saved through portal.regions: a local code when none is given, the descendants recoded with a new code."""

    form = RegionAdminForm
    list_display = ["name", "level", "settlement", "code_display", "parent"]
    search_fields = ["code", "name"]
    list_filter = ["level", "settlement", "code_is_local"]
    raw_id_fields = ["parent"]

    def get_readonly_fields(self, request, obj=None):
        return ["level", "code_is_local"] if obj else ["code_is_local"]

    @admin.display(description=_("区划代码"), ordering="code")
    def code_display(self, region):
        if region.code_is_local:
            return format_html("{} <strong>{}</strong>", region.code, _("本地编码"))
        return region.code

    def save_model(self, request, obj, form, change):
        if change and "code" in form.changed_data:
            obj.code_is_local = False  # a code typed in is the real one (a local-range code is refused)
        if change:
            regions.region_update(obj, actor=request.user, reason=_("管理后台修改"))
        else:
            regions.region_add(obj, actor=request.user, reason=_("管理后台新增"))


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
    readonly_fields = ["beyond_period_decided_by", "beyond_period_decided_at"]

    def save_model(self, request, obj, form, change):
        """Through the portal's service, so a decision to run past the period is recorded with its author here too."""
        changed = [str(form.fields[name].label) for name in form.changed_data]
        services.round_save(round=obj, actor=request.user, changed=changed, request=request)


@admin.register(Institution)
class InstitutionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "uscc", "kind", "region", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "uscc"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "full_name", "role", "institution", "department", "region", "is_active", "last_login"]
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
    # Picked in a list that shows each region's level, code and parent (village names repeat); User.clean checks it.
    raw_id_fields = ["region"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["help_text"] = _(
                "上级查看人员：可查看本区划及下级区划；社区（村）经办人：所在的社区（村）；街道（镇）经办人：所在的街道（镇）。"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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
