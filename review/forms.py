"""Forms of the review stage."""


from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.enums import Role
from portal.forms import IdChoiceField
from portal.models import User
from review.enums import ConflictKind, OpinionVerdict, ReviewMethod
from review.models import ReviewPlan
from rubrics.models import Rubric

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReviewPlanForm(forms.ModelForm):
    methods = forms.MultipleChoiceField(
        label=_("评审方式"),
        choices=ReviewMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("书面评审必选；现场答辩、实地考察按项目需要选择。"),
    )

    # Not a model field of the form: the plan's rubric changes only through plan_save (which refuses another rubric
    # once scores exist); the form never sets it on the instance, even to None when nothing is chosen.
    rubric = forms.ModelChoiceField(
        label=_("评分标准"), queryset=Rubric.objects.none(), required=False, empty_label=None,
        help_text=_("本评定项目的评分标准；评分开始后不能更换。启用后不能修改，修订请在“评分标准”中另存新版本。"),
    )

    class Meta:
        model = ReviewPlan
        fields = ["methods", "reviewers_per_department", "scoring_opens_at", "scoring_closes_at"]
        widgets = {"scoring_opens_at": DATETIME, "scoring_closes_at": DATETIME}

    def __init__(self, *args, rubrics, **kwargs):
        """`rubrics`: the programme's rubrics a review can score on (review.rubrics.reviewable_rubrics)."""
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = Rubric.objects.filter(pk__in=[rubric.pk for rubric in rubrics])
        if self.instance.pk:
            self.initial.setdefault("rubric", self.instance.rubric_id)
        self.order_fields(["rubric"])

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


class OpinionForm(forms.Form):
    verdict = forms.ChoiceField(label=_("意见"), choices=OpinionVerdict.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("意见内容"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    signed_on = forms.DateField(label=_("签署日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean_signed_on(self):
        value = self.cleaned_data["signed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("签署日期不能晚于今天。"))
        return value
