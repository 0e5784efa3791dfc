from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal import scoring
from appraisal.enums import Source
from appraisal.models import Appraisal
from appraisal.services import SETTINGS


class OpenForm(forms.Form):
    year = forms.IntegerField(label=_("考核年度"), min_value=2000, max_value=2100, help_text=_("例如：2026。每个年度只发起一次。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class SettingsForm(forms.ModelForm):
    class Meta:
        model = Appraisal
        fields = SETTINGS
        help_texts = {
            "weight_clients": _("规范未规定三类评价的权重，默认30%、30%、40%，三者之和应为100。"),
            "excellent_from": _("规范未规定分数线，默认优秀≥90、称职≥75、基本称职≥60，其余为不称职。"),
        }


class ScoreForm(forms.Form):
    """Twelve marks 0–100: each source marks each dimension (三(四)4)."""

    def __init__(self, *args, marks: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for source, source_label in Source.choices:
            for code, title, points in scoring.dimensions():
                field = forms.DecimalField(
                    label=f"{source_label} · {title}", min_value=Decimal(0), max_value=Decimal(100), max_digits=5,
                    decimal_places=2, help_text=_("百分制，0–100；该方面占总评分的%(p)s分。") % {"p": points},
                )
                if marks:
                    field.initial = marks.get(source, {}).get(code)
                self.fields[f"{source}_{code}"] = field
