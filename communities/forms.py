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
