"""Forms of the upward reports: the higher bureau's call, the region's report, the reason of a return."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Region
from reporting.models import PUBLICITY_TEXT_MAX_CHARS


class CallForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    deadline = forms.DateField(
        label=_("报送截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空为该年度12月15日；当日24时（北京时间）前报送为按时。"),
    )
    subject = forms.CharField(
        label=_("报送内容"), max_length=200, required=False,
        help_text=_("留空为“某年度就业服务质量标杆机构评定结果和宣传情况”。"),
    )
    recipients = forms.ModelMultipleChoiceField(
        label=_("报送单位"), queryset=Region.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("本级直属的下级区划，每个单位报送一份报告。"),
    )
    note = forms.CharField(label=_("说明（选填）"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = recipients
        self.fields["recipients"].label_from_instance = lambda region: f"{region.name}（{region.code}）"
        self.initial.setdefault("year", timezone.localdate().year)
        self.initial.setdefault("recipients", list(recipients))


class ReportForm(forms.Form):
    publicity_text = forms.CharField(
        label=_("宣传情况"), required=False, max_length=PUBLICITY_TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("本年度宣传标杆机构、发挥示范引领作用的做法和成效，例如宣传活动场次、媒体报道、受众人数。每段一行。"),
    )
    doc_serial = forms.IntegerField(
        label=_("文号序号"), required=False, min_value=1, max_value=9999,
        help_text=_("已按本局今年已用文号预填下一个序号，可按实际发文编号修改。"),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明需要补充或更正的内容，报送单位修改后重新报送。"),
    )
