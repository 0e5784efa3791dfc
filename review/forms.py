"""Forms of the review stage."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.enums import Role
from portal.forms import IdChoiceField
from portal.models import User
from review.enums import ConflictKind, CriterionKind, OpinionVerdict, ReviewMethod
from review.models import ReviewPlan

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReviewPlanForm(forms.ModelForm):
    methods = forms.MultipleChoiceField(
        label=_("评审方式"),
        choices=ReviewMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("书面评审必选；现场答辩、实地考察按项目需要选择。"),
    )

    class Meta:
        model = ReviewPlan
        fields = ["methods", "reviewers_per_department", "scoring_opens_at", "scoring_closes_at"]
        widgets = {"scoring_opens_at": DATETIME, "scoring_closes_at": DATETIME}

    def clean_methods(self):
        methods = self.cleaned_data["methods"]
        if ReviewMethod.WRITTEN not in methods:
            raise forms.ValidationError(_("书面评审为必选方式。"))
        return [m for m, _label in ReviewMethod.choices if m in methods]

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("scoring_opens_at"), cleaned.get("scoring_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("scoring_closes_at", _("评分截止时间必须晚于开始时间。"))
        return cleaned


class AssignmentAddForm(forms.Form):
    application = IdChoiceField(label=_("申报"), queryset=None)
    reviewer = IdChoiceField(label=_("评审专家"), queryset=None)
    override = forms.BooleanField(label=_("已核实，仍然分配（系统提示可能存在利益冲突时勾选）"), required=False)

    def __init__(self, *args, applications, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda a: a.institution_name
        self.fields["reviewer"].queryset = User.objects.filter(
            role=Role.REVIEWER, department__in=departments, is_active=True
        ).select_related("department")
        self.fields["reviewer"].label_from_instance = lambda u: f"{u.full_name}（{u.department.short_name or u.department}）"


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class DeclarationForm(forms.Form):
    kind = forms.ChoiceField(label=_("利益冲突声明"), choices=ConflictKind.choices, widget=forms.RadioSelect)
    detail = forms.CharField(
        label=_("情况说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("存在利益冲突时必填。声明后您将立即回避，不能再查看该申报的任何材料。"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") and cleaned["kind"] != ConflictKind.NONE and not cleaned.get("detail", "").strip():
            self.add_error("detail", _("声明存在利益冲突时，请简要说明情况。"))
        return cleaned


class ScoreSheetForm(forms.Form):
    """One field per criterion (符合/不符合 for a gate, points for the others) plus a comment each.

    The widgets carry what static/js/score.js needs for the live total (data-score-kind, data-max, data-code) and mark
    the comments to grow as the reviewer types. Without a priority item claimed (`bonus_allowed` False) the bonus
    (优先评定) fields are disabled at 0: the browser sends nothing for them and the form ignores anything sent, so the
    sheet never carries points the service would refuse (review.services.sheets._check_priority).
    """

    BONUS_LOCKED_HINT = _("该申报未填报优先评定事项，不能加分。")

    justification = forms.CharField(
        label=_("偏离说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "data-autogrow": ""}),
        help_text=_("您的总分与其他评审专家平均分相差较大时必填。"),
    )

    def __init__(self, *args, criteria, scores, justification="", bonus_allowed=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.initial["justification"] = justification
        for criterion in self.criteria:
            score = scores.get(criterion.pk)
            key = f"c{criterion.pk}"
            if criterion.kind == CriterionKind.GATE:
                self.fields[key] = forms.TypedChoiceField(
                    label=f"{criterion.code} {criterion.title}",
                    choices=[("1", _("符合")), ("0", _("不符合"))],
                    coerce=lambda v: v == "1",
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect(attrs={"data-score-kind": "gate", "data-code": criterion.code}),
                    help_text=criterion.guidance,
                )
                if score and score.passed is not None:
                    self.initial[key] = "1" if score.passed else "0"
            else:
                maximum = format(criterion.max_points.normalize(), "f")
                self.fields[key] = forms.DecimalField(
                    label=_("%(code)s %(title)s（满分%(max)s）") % {"code": criterion.code, "title": criterion.title, "max": maximum},
                    min_value=Decimal(0),
                    max_value=criterion.max_points,
                    max_digits=7,
                    decimal_places=2,
                    required=False,
                    help_text=criterion.guidance,
                    widget=forms.NumberInput(
                        attrs={
                            "step": "0.5",
                            "inputmode": "decimal",
                            "data-score-kind": criterion.kind,
                            "data-code": criterion.code,
                            "data-max": maximum,
                        }
                    ),
                )
                if criterion.kind == CriterionKind.BONUS and not bonus_allowed:
                    self._lock(key)
                elif score and score.points is not None:
                    self.initial[key] = score.points
            self.fields[f"{key}_comment"] = forms.CharField(
                label=_("评语"),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 1, "data-autogrow": ""}),
            )
            if score:
                self.initial[f"{key}_comment"] = score.comment

    def _lock(self, key: str) -> None:
        """A bonus field shown at 0 and disabled, described by the hint the template prints under it."""
        field = self.fields[key]
        field.disabled = True
        self.initial[key] = Decimal(0)
        auto_id = self[key].auto_id
        if auto_id:
            described = [f"{auto_id}_locked"] + ([f"{auto_id}_helptext"] if field.help_text else [])
            field.widget.attrs["aria-describedby"] = " ".join(described)

    def rows(self):
        """(criterion, value field, comment field) for the template."""
        return [(c, self[f"c{c.pk}"], self[f"c{c.pk}_comment"]) for c in self.criteria]

    def values(self) -> dict:
        result = {}
        for criterion in self.criteria:
            value = self.cleaned_data.get(f"c{criterion.pk}")
            comment = self.cleaned_data.get(f"c{criterion.pk}_comment", "")
            if criterion.kind == CriterionKind.GATE:
                result[criterion.pk] = {"passed": value, "points": None, "comment": comment}
            else:
                result[criterion.pk] = {"points": value, "passed": None, "comment": comment}
        return result


class OpinionForm(forms.Form):
    verdict = forms.ChoiceField(label=_("意见"), choices=OpinionVerdict.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("意见内容"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    signed_on = forms.DateField(label=_("签署日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean_signed_on(self):
        value = self.cleaned_data["signed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("签署日期不能晚于今天。"))
        return value
