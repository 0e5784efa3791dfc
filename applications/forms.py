"""Forms of the application stage: registration, the annex 2 form, uploads and the admin's decisions."""

from django import forms
from django.contrib.auth import password_validation
from django.core import validators
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.enums import AttachmentPurpose, IssuerLevel, SelfCheck
from applications.models import WORK_RECORD_MAX_CHARS, Application, Attachment, PriorityItem
from applications.services import count_chars
from portal.display import format_phone
from portal.enums import InstitutionKind, RegionLevel
from portal.forms import IdChoiceField
from portal.models import USERNAME_TAKEN, Institution, Region, User
from portal.validators import normalize_phone, normalize_uscc

STATEMENT_MAX_CHARS = 500


class RegistrationForm(forms.ModelForm):
    """An institution registers itself and its first staff account; the admin verifies it before it applies."""

    username = forms.RegexField(
        label=_("登录用户名"),
        max_length=30,
        regex=r"^[A-Za-z0-9_.-]{4,30}$",
        help_text=_("4–30位字母、数字或 _ . -，登录时使用。"),
        error_messages={"invalid": _("用户名只能包含字母、数字和 _ . -，长度4–30位。")},
    )
    full_name = forms.CharField(label=_("经办人姓名"), max_length=50)
    email = forms.EmailField(label=_("经办人邮箱"), help_text=_("用于接收核验结果、退回补正等通知和找回密码。"))
    password1 = forms.CharField(label=_("密码"), widget=forms.PasswordInput(render_value=False), strip=False)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput(render_value=False), strip=False)

    class Meta:
        model = Institution
        fields = ["name", "uscc", "kind", "region", "address", "principal_name", "contact_name", "contact_phone", "contact_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level=RegionLevel.COUNTY)
        self.fields["region"].empty_label = _("请选择所在县（市、区）")
        # People type the code with spaces or hyphens; normalize_uscc folds them, then validate_uscc checks 18
        # characters. A raw 18-character limit would refuse (and the browser's maxlength truncate) such input.
        uscc = self.fields["uscc"]
        uscc.max_length = 40
        uscc.validators = [v for v in uscc.validators if not isinstance(v, validators.MaxLengthValidator)]
        uscc.validators.append(validators.MaxLengthValidator(uscc.max_length))
        uscc.widget.attrs["maxlength"] = str(uscc.max_length)

    def clean_uscc(self):
        return normalize_uscc(self.cleaned_data["uscc"])

    def clean_contact_phone(self):
        return normalize_phone(self.cleaned_data["contact_phone"])

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(USERNAME_TAKEN)
        return username

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif password1:
            probe = User(username=cleaned.get("username", ""), full_name=cleaned.get("full_name", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ApplicationForm(forms.ModelForm):
    """The annex 2 fields. Saving a draft needs only well-formed values; completeness is checked on submit."""

    class Meta:
        model = Application
        fields = [
            "institution_name",
            "institution_address",
            "principal_name",
            "principal_title",
            "principal_phone",
            "contact_name",
            "contact_phone",
            "contact_email",
            "work_record",
            "commitment_accepted",
            "commitment_date",
        ]
        widgets = {
            "work_record": forms.Textarea(attrs={"rows": 14, "data-maxchars": WORK_RECORD_MAX_CHARS}),
            "commitment_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"commitment_accepted": _("本机构已阅读并承诺：本机构全部申报情况属实，如有不实，由本机构承担全部责任。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("principal_phone", "contact_phone"):  # stored as E.164, shown as people write them
            self.initial[name] = format_phone(self.initial.get(name))

    def clean_work_record(self):
        text = self.cleaned_data["work_record"]
        length = count_chars(text)
        if length > WORK_RECORD_MAX_CHARS:
            raise forms.ValidationError(
                _("工作情况不能超过%(max)d字，当前为%(count)d字，请删减%(extra)d字。"),
                code="too_long",
                params={"max": WORK_RECORD_MAX_CHARS, "count": length, "extra": length - WORK_RECORD_MAX_CHARS},
            )
        return text

    def clean_principal_phone(self):
        value = self.cleaned_data["principal_phone"]
        return normalize_phone(value) if value else value

    def clean_contact_phone(self):
        value = self.cleaned_data["contact_phone"]
        return normalize_phone(value) if value else value

    def clean_commitment_date(self):
        value = self.cleaned_data["commitment_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("承诺日期不能晚于今天。"))
        return value


class ConditionAnswerForm(forms.Form):
    """The self-check of one condition; `condition` is set by the view."""

    answer = forms.ChoiceField(
        label=_("自查结果"), choices=[("", _("请选择"))] + SelfCheck.choices, required=False, widget=forms.RadioSelect
    )
    statement = forms.CharField(
        label=_("情况说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-maxchars": STATEMENT_MAX_CHARS}),
        help_text=_("简要说明符合的情况，500字以内；佐证材料在下方“附件”中上传。"),
    )

    def __init__(self, *args, condition, applies: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.condition = condition
        self.applies = applies
        self.fields["answer"].choices = [c for c in SelfCheck.choices if applies or c[0] == SelfCheck.NOT_APPLICABLE]
        if not applies:  # its one choice, checked, whatever is stored (a 符合 from before the institution's kind changed)
            self.initial["answer"] = SelfCheck.NOT_APPLICABLE

    def clean_statement(self):
        text = self.cleaned_data["statement"]
        if count_chars(text) > STATEMENT_MAX_CHARS:
            raise forms.ValidationError(
                _("情况说明不能超过%(max)d字，当前为%(count)d字。"),
                params={"max": STATEMENT_MAX_CHARS, "count": count_chars(text)},
            )
        return text

    def clean_answer(self):
        answer = self.cleaned_data["answer"]
        if not self.applies:
            return SelfCheck.NOT_APPLICABLE
        return answer


class PriorityItemForm(forms.ModelForm):
    """One endorsement, honour or award (优先评定); its proof is one of the application's uploaded files."""

    class Meta:
        model = PriorityItem
        fields = ["kind", "title", "issuer", "issuer_level", "issued_on", "proof"]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        field_classes = {"proof": IdChoiceField}
        error_messages = {"issuer_level": {"required": _("请选择授予/批示单位级别。")}}

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proof"].queryset = (
            Attachment.objects.filter(application=application) if application else Attachment.objects.none()
        )
        self.fields["proof"].empty_label = _("（先在“附件”中上传证明材料，再在此选择）")
        level = self.fields["issuer_level"]
        level.choices = [("", _("请选择"))] + IssuerLevel.choices
        # Required of a new row and of one the applicant changes; a row entered before the level was asked may stay
        # as it is in a draft (`clean`), and submission asks for its level (`priority_problems`).
        self.legacy = bool(self.instance.pk) and not self.instance.issuer_level
        level.required = not self.legacy

    def clean(self):
        cleaned = super().clean()
        if self.legacy and self.has_changed() and not cleaned.get("issuer_level"):
            self.add_error("issuer_level", self.fields["issuer_level"].error_messages["required"])
        return cleaned

    def clean_issued_on(self):
        value = self.cleaned_data["issued_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天。"))
        return value


PriorityItemFormSet = forms.inlineformset_factory(
    Application, PriorityItem, form=PriorityItemForm, extra=1, can_delete=True, max_num=20, validate_max=True, absolute_max=20
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item] or [
            super().clean(None, initial)
        ]


class AttachmentUploadForm(forms.Form):
    purpose = forms.ChoiceField(label=_("材料用途"), choices=AttachmentPurpose.choices, initial=AttachmentPurpose.EVIDENCE)
    condition = forms.TypedChoiceField(label=_("对应条件"), required=False, coerce=int, empty_value=None)
    files = MultipleFileField(
        label=_("选择文件"),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
        error_messages={"required": _("请选择要上传的文件。")},
        help_text=_("可多选。支持 PDF、JPG、PNG、DOCX、XLSX；盖章/签字页请上传 JPG 或 PNG 图片。"),
    )

    def __init__(self, *args, conditions=(), limits_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition"].choices = [("", _("（不对应具体条件）"))] + [
            (c.pk, f"{c.get_section_display()} {c.number}") for c in conditions
        ]
        if limits_text:
            self.fields["files"].help_text = f"{self.fields['files'].help_text} {limits_text}"


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因及需补正的内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=1000)
    deadline = forms.DateField(label=_("补正截止日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("补正截止日期不能早于今天。"))
        return deadline


class AcceptForm(forms.Form):
    note = forms.CharField(label=_("受理意见（可选）"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("不予受理的理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class RoundFilterForm(forms.Form):
    """The filters of the admin's table; invalid values are ignored rather than refused."""

    q = forms.CharField(label=_("机构名称或统一社会信用代码"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("状态"), required=False)
    kind = forms.ChoiceField(label=_("机构类型"), required=False, choices=[("", _("全部类型"))] + InstitutionKind.choices)
    region = forms.ChoiceField(label=_("区划"), required=False)
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("-submitted", _("提交时间（新→旧）")),
            ("submitted", _("提交时间（旧→新）")),
            ("name", _("机构名称")),
            ("status", _("状态")),
        ],
    )

    def __init__(self, *args, statuses, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部状态"))] + list(statuses)
        self.fields["region"].choices = [("", _("全部区划"))] + [(r.code, r.name) for r in regions]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class InviteStaffForm(forms.Form):
    username = RegistrationForm.base_fields["username"]
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    email = forms.EmailField(label=_("邮箱"), help_text=_("系统将向该邮箱发送设置密码的链接。"))

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(USERNAME_TAKEN)
        return username


class InstitutionDecisionForm(forms.Form):
    note = forms.CharField(label=_("核验意见"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
