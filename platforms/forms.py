"""The platforms' forms: a person of the staff register, leaving, a window, the complaint phone, a duty's record."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from platforms.models import PlatformProfile, Qualification, ServicePoint, StaffMember


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StaffForm(forms.ModelForm):
    qualifications = forms.MultipleChoiceField(
        label=_("资格证书"), choices=Qualification.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("劳动保障协理员应不少于在岗人员的 50%，职业指导师不少于 20%。"),
    )

    class Meta:
        model = StaffMember
        fields = ["name", "position", "staff_number", "qualifications", "joined_on"]
        widgets = {"joined_on": DateInput()}


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("离岗日期"), widget=DateInput(), initial=timezone.localdate)


class WindowForm(forms.ModelForm):
    class Meta:
        model = ServicePoint
        fields = ["name", "services"]
        widgets = {"services": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution = institution

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = ServicePoint.objects.filter(institution=self.institution, name=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("本机构已有同名窗口。"))
        return name


class ProfileForm(forms.ModelForm):
    class Meta:
        model = PlatformProfile
        fields = ["complaint_phone"]


class DutyForm(forms.Form):
    done_on = forms.DateField(label=_("完成日期"), widget=DateInput())
    summary = forms.CharField(
        label=_("情况摘要"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("例如：发放问卷 120 份，收回 112 份，主要意见及整改措施；或自查的内容、发现的问题和整改情况。"),
    )
    file = forms.FileField(
        label=_("附件（可选）"), required=False, help_text=_("PDF、Word、Excel 或图片，不超过 20 MB；再次上传将替换原附件。")
    )
