"""The forms of the campaign pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.enums import Level

VERDICTS = {
    Level.TOWN: [("1", _("推荐")), ("0", _("不推荐"))],
    Level.DISTRICT: [("1", _("核定通过")), ("0", _("核定不通过"))],
}


class SubmitForm(forms.Form):
    """A level's submission: the town's or district's verdict and opinion; a self-evaluation has neither."""

    verdict = forms.TypedChoiceField(
        label=_("结论"), choices=(), coerce=lambda v: v == "1", empty_value=None, required=False, widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不推荐或核定不通过的，须写明理由。"),
    )

    def __init__(self, *args, level=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.level = level
        if level in VERDICTS:
            self.fields["verdict"].choices = VERDICTS[level]
        else:
            del self.fields["verdict"]
            self.fields["opinion"].label = _("说明（选填）")
            self.fields["opinion"].help_text = ""

    def clean(self):
        cleaned = super().clean()
        cleaned.setdefault("verdict", None)
        return cleaned


class PublishForm(forms.Form):
    """The district's notice of the verified communities and villages."""

    title = forms.CharField(label=_("标题"), max_length=200)
    document_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 6}))
    contacts = forms.CharField(label=_("异议受理联系方式"), widget=forms.Textarea(attrs={"rows": 2}))
    written_on = forms.DateField(label=_("成文日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class AnnounceForm(forms.Form):
    document_number = forms.CharField(label=_("公布文号"), max_length=60, help_text=_("例如：穗人社函〔2027〕12号。"))


class ConcludeForm(forms.Form):
    passed = forms.TypedChoiceField(label=_("复查结论"), choices=[("1", _("合格")), ("0", _("不合格"))],
                                    coerce=lambda v: v == "1", empty_value=None, required=False, widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("复查意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("不合格的，写明问题和整改要求。"))
    rectify_due = forms.DateField(label=_("整改期限"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class RectificationForm(forms.Form):
    rectified = forms.TypedChoiceField(label=_("整改验收"), choices=[("1", _("整改合格")), ("0", _("整改不到位，上报区人社局"))],
                                       coerce=lambda v: v == "1", widget=forms.RadioSelect)
    note = forms.CharField(label=_("整改情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("取消资格的理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
