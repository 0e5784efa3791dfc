"""Forms of the review stages: an on-site defense session, its minutes, and a field inspection (issue 5 §5)."""

from datetime import date, datetime, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.forms import MultipleFileField, MultipleFileInput
from portal.enums import Role
from portal.forms import IdChoiceField, IdMultipleChoiceField
from portal.models import User
from portal.selectors import programme_admins

DATE_INPUT = {"type": "date"}
MINUTES_EACH_MIN, MINUTES_EACH_MAX = 5, 120


class DefenseSessionForm(forms.Form):
    """A session: every accepted application of the round gets a slot of `minutes_each`, one after another."""

    starts_on = forms.DateField(label=_("答辩日期"), widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"))
    first_slot_at = forms.TimeField(
        label=_("第一位开始时间"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("北京时间，如 09:00。之后各机构按提交申报的先后顺序依次答辩。"),
    )
    minutes_each = forms.IntegerField(
        label=_("每家机构时长（分钟）"),
        min_value=MINUTES_EACH_MIN,
        max_value=MINUTES_EACH_MAX,
        initial=20,
        help_text=_("5–120分钟，含陈述和提问。"),
    )
    place = forms.CharField(label=_("地点"), max_length=200, help_text=_("写明楼栋和会议室，如“县人社局三楼第一会议室”。"))
    note = forms.CharField(
        label=_("注意事项（可选）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如需携带的材料、到场人员、陈述时长等。"),
    )

    def __init__(self, *args, institutions: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.institutions = institutions

    def clean_starts_on(self):
        value = self.cleaned_data["starts_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("答辩日期不能早于今天。"))
        return value

    def clean(self):
        cleaned = super().clean()
        first, each = cleaned.get("first_slot_at"), cleaned.get("minutes_each")
        if first is not None and each is not None:
            # Slots are times of one day: a schedule running past midnight cannot be stored (slot_time_ordered).
            end = datetime.combine(date.min, first) + timedelta(minutes=each * self.institutions)
            if end.date() != date.min:
                self.add_error(
                    "first_slot_at",
                    _("%(count)d家机构每家%(each)d分钟，答辩将超过当天24:00，请提前开始时间或缩短时长。")
                    % {"count": self.institutions, "each": each},
                )
        return cleaned


class DefenseMinutesForm(forms.Form):
    minutes = forms.FileField(
        label=_("纪要文件"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
        error_messages={"required": _("请选择会议纪要文件。")},
        help_text=_("PDF 或 DOCX，不超过20MB；再次上传将替换原纪要。"),
    )


class ApplicationChoiceField(IdChoiceField):
    def label_from_instance(self, application):
        return application.institution_name  # all of one round: the round's name would only repeat


class InspectorChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, user):
        where = user.department or user.get_role_display()
        return f"{user}（{where}）"


class FieldInspectionForm(forms.Form):
    """One inspection of one accepted application of the round: who went, when, what they found, photos."""

    application = ApplicationChoiceField(label=_("考察对象"), queryset=None, empty_label=_("请选择申报机构"))
    inspected_on = forms.DateField(label=_("考察日期"), widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"))
    inspectors = InspectorChoiceField(
        label=_("考察人员"),
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("按住 Ctrl（Mac 为 ⌘）可多选。"),
        error_messages={"required": _("请至少选择一名考察人员。")},
    )
    findings = forms.CharField(
        label=_("考察情况"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("实地核实的场所、台账、服务情况，与申报材料是否一致，发现的问题。"),
    )
    photos = MultipleFileField(
        label=_("现场照片（可选）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png"}),
        help_text=_("可多选，JPG 或 PNG，每张不超过20MB。"),
    )

    def __init__(self, *args, applications, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        # Only the programme's own people (issue 13): reviewers and leads of its departments, and its admins; not a
        # reviewer of another county's bureau nor a city's admin.
        departments = programme.programme_departments.values("department_id")
        admins = [user.pk for user in programme_admins(programme)]
        self.fields["inspectors"].queryset = (
            User.objects.filter(is_active=True)
            .filter(
                Q(role__in=[Role.REVIEWER, Role.DEPARTMENT_LEAD], department__in=departments) | Q(pk__in=admins)
            )
            .select_related("department")
            .order_by("role", "department", "full_name", "pk")
        )

    def clean_inspected_on(self):
        value = self.cleaned_data["inspected_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("考察日期不能晚于今天：请在考察结束后登记。"))
        return value

    def clean_photos(self):
        return [photo for photo in self.cleaned_data["photos"] if photo]
