"""Forms of the programme pages (issue 16 point 1): a programme, its issuing departments in signing order, the region
the system administrator sets one up for, and a department of a jurisdiction."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import periods, uploads
from portal.enums import Level
from portal.forms import IdChoiceField
from portal.jurisdictions import programme_regions
from portal.models import Department, Programme
from portal.services_programmes import DepartmentRow, programme_problems

KEEP_PERIOD = "current"  # a programme whose dates are none of the national periods (set up in the admin site)
MAX_DEPARTMENTS = 8


class ProgrammeForm(forms.ModelForm):
    """A programme of one jurisdiction; its level and region are the view's (from the jurisdiction), its period one of
    the national five-year periods, whose name and dates it fills in."""

    period = forms.ChoiceField(label=_("周期"), help_text=_("按国家五年规划时期设置；名额在本周期内按批次分配。"))
    field_order = [
        "name", "period", "period_quota", "plaque_name", "doc_prefix", "publicity_days", "objection_requires_id_number",
        "publicity_template", "announcement_template",
    ]

    class Meta:
        model = Programme
        fields = [
            "name", "period", "period_quota", "plaque_name", "doc_prefix", "publicity_days",
            "objection_requires_id_number", "publicity_template", "announcement_template",
        ]
        widgets = {
            "publicity_template": forms.Textarea(attrs={"rows": 5}),
            "announcement_template": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        programme = self.instance
        current = periods.period_matching(programme.period_start, programme.period_end)
        choices = periods.period_choices()
        if programme.pk and current is None:
            kept = _("保持现有周期：%(name)s（%(start)s至%(end)s）") % {
                "name": programme.period_name, "start": programme.period_start, "end": programme.period_end,
            }
            choices.insert(0, (KEEP_PERIOD, kept))
        self.fields["period"].choices = choices
        if current is not None:
            self.initial.setdefault("period", current.key)
        elif programme.pk:
            self.initial.setdefault("period", KEEP_PERIOD)
        else:
            self.initial.setdefault("period", periods.period_of(timezone.localdate()).key)
        default_title = _("%(level)s就业服务质量标杆机构") % {"level": Level(programme.level).label}
        self.fields["plaque_name"].widget.attrs["placeholder"] = default_title

    def clean_period(self):
        key = self.cleaned_data["period"]
        if key != KEEP_PERIOD:
            period = periods.period_by_key(key)
            programme = self.instance
            programme.period_name, programme.period_start, programme.period_end = period.name, period.start, period.end
        return key


class DepartmentRowForm(forms.Form):
    department = IdChoiceField(label=_("部门"), queryset=Department.objects.none(), required=False)
    weight = forms.DecimalField(
        label=_("评分权重"), min_value=0, max_digits=5, decimal_places=2, required=False, initial=1,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["department"].queryset = departments

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("department") and cleaned.get("weight") is None and "weight" not in self.errors:
            self.add_error("weight", _("请填写评分权重；只出意见、不计分的部门填0。"))
        return cleaned


class BaseDepartmentRows(forms.BaseFormSet):
    """The issuing departments in signing order: the first row is the lead department (牵头), which issues first."""

    def clean(self):
        if any(self.errors):
            return
        rows = self.rows()
        if not rows:
            raise forms.ValidationError(_("请至少选择牵头部门（第1行）。"))
        names = [row.department.name for row in rows]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise forms.ValidationError(_("部门不能重复：%(names)s。") % {"names": "、".join(repeated)})
        if not any(row.weight > 0 for row in rows):
            raise forms.ValidationError(_("至少一个部门的评分权重须大于0，否则评审没有综合得分。"))

    def rows(self) -> list[DepartmentRow]:
        return [
            DepartmentRow(department=form.cleaned_data["department"], weight=form.cleaned_data["weight"])
            for form in self.forms
            if form.cleaned_data.get("department")
        ]


def department_rows(data, *, programme: Programme, departments):
    """The formset of a programme's departments: its rows as stored, then empty ones up to four (a province issues with
    four: 人社, 发改, 民政, 财政, as seed 001 does)."""
    initial = [
        {"department": link.department_id, "weight": link.weight}
        for link in programme.programme_departments.order_by("order", "pk")
    ] if programme.pk else []
    extra = max(2, 4 - len(initial))
    formset_class = forms.formset_factory(
        DepartmentRowForm, formset=BaseDepartmentRows, extra=extra, max_num=MAX_DEPARTMENTS, validate_max=True,
    )
    # Every row is read as posted, an empty one included (it is skipped): a row the formset would take for an unchanged
    # extra one is the stored department, kept, not dropped.
    kwargs = {"departments": departments, "empty_permitted": False}
    return formset_class(data, initial=initial, prefix="departments", form_kwargs=kwargs)


def problems_on_form(form: ProgrammeForm, rows: BaseDepartmentRows) -> bool:
    """Put the programme rules' refusals on the form (beside the fields they are about); whether there were any."""
    problems = programme_problems(form.instance, rows.rows())
    for field, problem in problems:
        form.add_error(field, problem)
    return bool(problems)


class ProgrammeRegionForm(forms.Form):
    """The system administrator picks the jurisdiction first: the departments offered are that region's."""

    region = IdChoiceField(
        label=_("辖区"), queryset=programme_regions(),
        help_text=_("县（市、区）设县级项目，市设市级项目，省设省级项目。"),
    )


class DepartmentForm(forms.ModelForm):
    """A department of a jurisdiction; the system administrator also picks its region."""

    class Meta:
        model = Department
        fields = ["name", "short_name", "kind", "doc_prefix", "seal_image", "region"]
        # A plain file input: the clearable one links the stored file, and seals are served by no public URL.
        widgets = {"seal_image": forms.FileInput(attrs={"accept": ".png,.jpg,.jpeg"})}

    def __init__(self, *args, choose_region: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if choose_region:
            self.fields["region"] = IdChoiceField(label=_("所属区划"), queryset=programme_regions())
        else:
            del self.fields["region"]
        self.fields["seal_image"].help_text = _("PNG（透明底）或 JPG 图片，不超过2MB，用于部门意见和发文。")

    def clean_seal_image(self):
        seal = self.cleaned_data.get("seal_image")
        if isinstance(seal, UploadedFile):  # a new upload: the stored one was checked when it came
            uploads.inspect_seal(seal)
        return seal
