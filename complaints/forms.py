"""Forms of the complaints app: the public 意见箱, the phone log, and the handler's steps."""

from captcha.fields import CaptchaField
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.enums import ToldHow
from platforms.models import StaffMember
from portal.captcha import PortalCaptchaInput
from portal.validators import normalize_phone

FACTS_MAX_CHARS = 2000
PRIVACY_NOTICE = _(
    "您的姓名和联系电话仅用于核实情况和答复您，加密保存，不会公开；机构工作人员查看时均有记录。"
    "是否公布处理结果由您决定；公布时不含姓名和电话。"
)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _FilingFields(forms.Form):
    name = forms.CharField(label=_("您的姓名"), max_length=50)
    phone = forms.CharField(
        label=_("联系电话"), max_length=30, help_text=_("用于当日回音和告知处理结果。"),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    facts = forms.CharField(label=_("投诉事项"), max_length=FACTS_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 6}))
    staff_named = forms.CharField(
        label=_("被投诉工作人员（工号或姓名）"), max_length=60, required=False, help_text=_("窗口公示的工号或姓名，可不填。")
    )
    publish_consent = forms.BooleanField(label=_("同意在本机构网页公布处理结果（不含姓名和电话）"), required=False)

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class OnlineComplaintForm(_FilingFields):
    captcha = CaptchaField(
        label=_("验证码"), widget=PortalCaptchaInput, error_messages={"invalid": _("验证码不正确，请重新输入。")}
    )


class PhoneComplaintForm(_FilingFields):
    received_at = forms.DateTimeField(
        label=_("来电时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("北京时间；据此计算回音时限。"),
    )
    staff_member = forms.ModelChoiceField(label=_("被投诉工作人员"), queryset=StaffMember.objects.none(), required=False)

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("投诉人姓名")
        self.fields["staff_member"].queryset = StaffMember.objects.filter(institution=institution, left_on__isnull=True)

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value > timezone.now():
            raise forms.ValidationError(_("来电时间不能晚于现在。"))
        return value


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("回音内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    handling_deadline = forms.DateField(label=_("处理时限"), widget=DATE, help_text=_("告知投诉人的处理或整改期限。"))


class ConcludeForm(forms.Form):
    substantiated = forms.TypedChoiceField(
        label=_("调查结论"), choices=[("1", _("查实")), ("0", _("未查实"))], coerce=lambda v: v == "1", widget=forms.RadioSelect
    )
    findings = forms.CharField(label=_("调查处理情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    staff_member = forms.ModelChoiceField(label=_("被投诉工作人员"), queryset=StaffMember.objects.none(), required=False)
    correction_deadline = forms.DateField(
        label=_("责令改正时限"), widget=DATE, required=False, help_text=_("查实的对工作人员的个人投诉必填。")
    )

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = StaffMember.objects.filter(institution=institution)


class TellForm(forms.Form):
    how = forms.ChoiceField(label=_("告知方式"), choices=ToldHow.choices)
    told_at = forms.DateTimeField(
        label=_("告知时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )


class PublishForm(forms.Form):
    summary = forms.CharField(
        label=_("事项摘要"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("概括投诉事项，不写姓名、电话。")
    )
    outcome = forms.CharField(label=_("处理结果"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
