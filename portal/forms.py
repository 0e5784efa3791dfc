"""Form rendering and the account forms.

Every form renders through one template set (templates/includes/form/): required fields marked,
help text under the field, errors beside the field and a summary at the top.
"""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from portal import workdays


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "includes/form/form.html"
    field_template_name = "includes/form/field.html"




@dataclass(frozen=True)
class PublicityPeriod:
    first_day: date
    last_day: date
    days: int


class WorkdayCalculatorForm(forms.Form):
    start = forms.DateField(
        label=_("发布日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("发布当日为工作日时计为第1天；否则从下一个工作日起算。"),
    )
    days = forms.IntegerField(label=_("工作日数"), min_value=1, max_value=30, initial=5)

    def clean(self):
        cleaned = super().clean()
        start, days = cleaned.get("start"), cleaned.get("days")
        if start and days:
            try:
                self.period = PublicityPeriod(
                    first_day=workdays.add_working_days(start, 1),
                    last_day=workdays.add_working_days(start, days),
                    days=days,
                )
            except workdays.CalendarYearUnknown as error:
                raise forms.ValidationError(str(error), code="calendar_unknown") from error
        return cleaned

    def result(self) -> PublicityPeriod:
        return self.period
