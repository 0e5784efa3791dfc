"""The public rating form, the receipt lookup, and the forms of a case's steps."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.validators import normalize_phone, validate_phone
from satisfaction.enums import INDICATORS, UNFAVOURABLE, Grade

OTHER = "__other__"
CONSENT_TEXT = _(
    "我同意留下手机号码，仅用于本次评价的核实回访；号码加密保存，不公开、不用于其他用途，办结后按规定删除。"
)


def _grade_field(label):
    return forms.TypedChoiceField(label=label, choices=Grade.choices, coerce=int, widget=forms.RadioSelect)


class RatingForm(forms.Form):
    service = forms.ChoiceField(label=_("所办事项"))
    other_service = forms.CharField(label=_("其他事项"), max_length=100, required=False, help_text=_("选“其他”时填写。"))
    overall = _grade_field(_("总体评价"))
    efficiency = _grade_field(INDICATORS["efficiency"])
    competence = _grade_field(INDICATORS["competence"])
    attitude = _grade_field(INDICATORS["attitude"])
    comment = forms.CharField(
        label=_("意见建议"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选填，500字以内。请勿填写身份证号等个人信息。"),
    )  # fmt: skip
    phone = forms.CharField(
        label=_("手机号码（选填）"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("评价“不满意”或“非常不满意”时，可留下手机号码以便工作人员回访。"),
    )  # fmt: skip
    phone_consent = forms.BooleanField(label=CONSENT_TEXT, required=False)

    def __init__(self, *args, service_point, **kwargs):
        super().__init__(*args, **kwargs)
        services = service_point.service_list()
        self.fields["service"].choices = [("", _("请选择")), *[(s, s) for s in services], (OTHER, _("其他"))]

    def clean(self):
        data = super().clean()
        if data.get("service") == OTHER:
            if not (data.get("other_service") or "").strip():
                self.add_error("other_service", _("请填写所办事项。"))
        phone = (data.get("phone") or "").strip()
        if phone:
            if data.get("overall") not in UNFAVOURABLE:
                self.add_error("phone", _("只有评价“不满意”或“非常不满意”时才需留电话。"))
            elif not data.get("phone_consent"):
                self.add_error("phone_consent", _("留电话须勾选同意回访。"))
            else:
                try:
                    validate_phone(phone)
                except forms.ValidationError as error:
                    self.add_error("phone", error)
        return data

    def rating_data(self) -> dict:
        data = self.cleaned_data
        service = data["other_service"].strip() if data["service"] == OTHER else data["service"]
        phone = normalize_phone(data["phone"]) if data.get("phone") else ""
        return {
            "service": service, "overall": data["overall"], "efficiency": data["efficiency"],
            "competence": data["competence"], "attitude": data["attitude"], "comment": data["comment"].strip(),
            "phone": phone, "phone_consent": bool(phone),
        }  # fmt: skip


class ReceiptForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=20, help_text=_("评价后页面上显示的12位查询码。"))


class VerifyForm(forms.Form):
    founded = forms.TypedChoiceField(
        label=_("核实结论"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("属实")), ("no", _("不属实"))],
    )  # fmt: skip
    findings = forms.CharField(label=_("核实情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RectifyForm(forms.Form):
    measures = forms.CharField(label=_("整改措施"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CallbackForm(forms.Form):
    on = forms.DateField(label=_("回访日期"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    outcome = forms.CharField(label=_("回访结果"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("答复评价人"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("评价人凭查询码可看到这段答复，请勿写入他人的个人信息。"),
    )  # fmt: skip


class PublishForm(forms.Form):
    region = forms.ModelChoiceField(label=_("区划"), queryset=None)
    quarter = forms.RegexField(label=_("季度"), regex=r"^20\d\dQ[1-4]$", help_text=_("例如 2026Q3。"))

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
