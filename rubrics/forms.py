from django import forms
from django.utils.translation import gettext_lazy as _

from rubrics.models import Item


class NewVersionForm(forms.Form):
    version = forms.CharField(label=_("新版本名称"), max_length=50, help_text=_("例如：2025年修订版。"))


class InstallForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("用于评定项目"), queryset=None, required=False,
                                       empty_label=_("（不属于具体项目，仅系统管理员可修改）"))

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


class ItemForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = ["title", "max_points", "content", "standard_text", "method", "star", "guiding"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("content", "standard_text", "method")}
