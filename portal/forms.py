"""Form rendering and the account forms.

Every form renders through one template set (templates/includes/form/): required fields marked,
help text under the field, errors beside the field and a summary at the top.
"""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from portal import workdays
from portal.models import Round, User
from portal.titles import titles_counted

_MAX_ID = 2**63 - 1


def _ids_in_range(values) -> bool:
    """Whether every value is a key the database can hold; a huge number would overflow the query (a 500)."""
    for value in values:
        try:
            number = int(str(value).strip())  # as Django reads it: a sign, "９" and "1_0" pass; over 4,300 digits fails
        except ValueError:
            continue  # not a number: Django refuses it as an invalid choice
        if not -_MAX_ID - 1 <= number <= _MAX_ID:
            return False
    return True


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses an out-of-range id as an invalid choice instead of failing in the database."""

    def to_python(self, value):
        if value not in self.empty_values and not _ids_in_range([value]):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        if not _ids_in_range(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": "…"})
        return super()._check_values(value)


class LoginForm(AuthenticationForm):
    """Django's login form sets the username's max_length without a validator, so an over-long name reached
    authenticate() and django-axes' 255-character column (a 500 on PostgreSQL). Refuse it here, before any lookup."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        if len(username) > User.username.field.max_length:
            raise forms.ValidationError(_("用户名过长。"), code="max_length")
        return username


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel文件（.xlsx）"))


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


_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RoundForm(forms.ModelForm):
    """A programme admin opens or edits a round of its own programme. The model's clean() checks the quota against the
    period quota and the window against the period's end (a decision must be recorded to run past it); the form,
    what the period has left: a new round, or a quota raised, may not promise more places than the titles leave."""

    class Meta:
        model = Round
        fields = [
            "name", "opens_at", "closes_at", "quota", "beyond_period_decision", "call_text", "contact_name",
            "contact_phone", "contact_email", "max_file_mb", "max_total_mb", "max_files",
        ]
        widgets = {
            "opens_at": _DATETIME,
            "closes_at": _DATETIME,
            "beyond_period_decision": forms.Textarea(attrs={"rows": 3}),
            "call_text": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {"closes_at": _("北京时间；截止后不能再提交申报。")}

    def clean_quota(self):
        quota = self.cleaned_data["quota"]
        programme, stored = self.instance.programme, self.instance.quota
        if quota is None or (stored is not None and quota <= stored) or quota > programme.period_quota:
            return quota  # unchanged or lowered; over the period quota is the model's refusal
        used = titles_counted(programme)
        if quota > programme.period_quota - used:
            raise forms.ValidationError(
                _("本批次名额（%(quota)d）超过本周期剩余名额（%(left)d）：周期名额%(period)d个，已评出并计入%(used)d个。"),
                params={"quota": quota, "left": programme.period_quota - used, "period": programme.period_quota, "used": used},
                code="period_remaining",
            )
        return quota
