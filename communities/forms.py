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
