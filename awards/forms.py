"""Forms of the announcement, the plaque batches and revocation."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.forms import MultipleFileField, MultipleFileInput
from awards.enums import RevocationGround
from portal.forms import IdChoiceField


class AnnouncementForm(forms.Form):
    doc_prefix = forms.CharField(label=_("发文机关代字"), max_length=30, help_text=_("例如：高人社字。"))
    doc_year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    doc_serial = forms.IntegerField(label=_("序号"), min_value=1, max_value=99999)
    title = forms.CharField(label=_("标题"), max_length=200)
    written_on = forms.DateField(label=_("成文日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    body = forms.CharField(label=_("正文"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("名单作为附件由系统生成。"))

    def clean_written_on(self):
        written_on = self.cleaned_data["written_on"]
        if written_on > timezone.localdate():
            raise ValidationError(_("成文日期不能晚于今天。"))
        return written_on


class RevokeForm(forms.Form):
    ground = forms.ChoiceField(label=_("撤销事由"), choices=RevocationGround.choices, widget=forms.RadioSelect)
    ground_text = forms.CharField(label=_("事实和依据"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text=_("将在撤销公告中公开，请勿写入个人信息。"))
    document_number = forms.CharField(label=_("撤销文号"), max_length=60, help_text=_("例如：高人社字〔2025〕30号。"))
    decided_on = forms.DateField(label=_("决定日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    evidence = MultipleFileField(label=_("证据材料"), required=False,
                                 widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
                                 help_text=_("内部留存，不公开。"))
    quota_returned = forms.BooleanField(
        label=_("将该名额退回本周期"), required=False,
        help_text=_("默认不退回：撤销后该名额在本周期内不再使用。确需退回的，须说明理由。"),
    )
    quota_reason = forms.CharField(label=_("退回名额理由"), max_length=500, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("quota_returned") and not data.get("quota_reason", "").strip():
            self.add_error("quota_reason", _("退回本周期名额须说明理由。"))
        return data


class BatchScopeForm(forms.Form):
    region = IdChoiceField(label=_("辖区"), queryset=None, empty_label=_("请选择"))
    year = forms.IntegerField(label=_("授牌年份"), min_value=2000, max_value=2100)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
