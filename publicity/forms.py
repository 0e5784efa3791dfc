"""Forms of publicity: publishing a notice, filing an objection, and handling it."""

from datetime import timedelta

from captcha.fields import CaptchaField
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.forms import MultipleFileField, MultipleFileInput
from applications.uploads import IMAGE_TYPES, inspect_upload
from portal.captcha import PortalCaptchaInput
from portal.forms import IdChoiceField
from portal.validators import normalize_id_number, normalize_phone, validate_id_number
from portal.workdays import CalendarYearUnknown, add_working_days
from publicity.enums import ObjectorType
from publicity.selectors import handler_choices
from publicity.services import OBJECTION_UPLOAD_LIMITS, Identity

FACTS_MAX_CHARS = 2000
# Shown on the form (docs/security.md 17): why the identity is asked for and how long it is kept.
PRIVACY_NOTICE = _(
    "根据评定工作规定，异议须署真实姓名（单位须加盖公章）并留联系电话，以便核实情况和答复；匿名异议不予受理。"
    "您的身份信息加密保存，仅经授权的核查人员可以查看，每次查看均有记录，不会公开，也不会告知被异议机构。"
    "异议办结%(days)d日后，您的身份信息将被删除，办理结果保留。"
)


class NoticePublishForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    document_number = forms.CharField(
        label=_("文号"), max_length=60, required=False, help_text=_("有文号的填写，例如：高人社字〔2026〕12号。")
    )
    written_on = forms.DateField(label=_("成文日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    body = forms.CharField(
        label=_("正文"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("名单由系统按拟评定名单生成，附在正文之后。"),
    )
    contacts = forms.CharField(
        label=_("异议受理联系方式"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_written_on(self):
        written_on = self.cleaned_data["written_on"]
        if written_on > timezone.localdate():
            raise ValidationError(_("成文日期不能晚于今天。"))
        return written_on


# Fields only one kind of objector fills: marked on the input, so objection.js shows them only when that kind is
# chosen (and disables them otherwise, so a hidden field is never sent). Without JavaScript every field is shown
# and clean() below decides, as the service does.
FOR_ORGANISATION = {"data-objector-only": ObjectorType.ORGANISATION}
FOR_PERSON = {"data-objector-only": ObjectorType.PERSON}


class ObjectionForm(forms.Form):
    entry = IdChoiceField(
        label=_("被异议机构"),
        queryset=None,
        empty_label=_("请选择"),
        error_messages={"invalid_choice": _("所选机构不在本公示名单中。")},
    )
    objector_type = forms.ChoiceField(
        label=_("异议人类型"), choices=ObjectorType.choices, initial=ObjectorType.PERSON, widget=forms.RadioSelect
    )
    name = forms.CharField(
        label=_("真实姓名（单位名称）"), max_length=100, error_messages={"required": _("匿名异议不予受理，请填写真实姓名或单位名称。")}
    )
    contact_person = forms.CharField(
        label=_("单位联系人"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs=FOR_ORGANISATION),
        help_text=_("单位提出异议时填写。"),
    )
    phone = forms.CharField(
        label=_("联系电话"), max_length=30, help_text=_("手机或带区号的固定电话，用于核实情况和答复。")
    )
    id_number = forms.CharField(
        label=_("居民身份证号码"), max_length=30, required=False, widget=forms.TextInput(attrs=FOR_PERSON)
    )
    email = forms.EmailField(
        label=_("电子邮箱"), required=False, help_text=_("选填。办结后我们会发邮件告知，答复也可通过回执链接查看。")
    )
    seal = forms.FileField(
        label=_("加盖公章的证明"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png", **FOR_ORGANISATION}),
        help_text=_("单位提出异议时上传加盖公章的异议书或证明（JPG、PNG）。"),
    )
    facts = forms.CharField(
        label=_("异议事实和理由"),
        max_length=FACTS_MAX_CHARS,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 8, "data-max-chars": FACTS_MAX_CHARS}),
        help_text=_("请写明具体事实、发生时间和地点，可附证据材料。不超过%(max)d字。") % {"max": FACTS_MAX_CHARS},
    )
    evidence = MultipleFileField(
        label=_("证据材料"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
        help_text=_("选填，可多选，最多%(count)d个文件，每个不超过%(size)dMB（PDF、JPG、PNG、DOCX、XLSX）。")
        % {
            "count": OBJECTION_UPLOAD_LIMITS.max_files,
            "size": OBJECTION_UPLOAD_LIMITS.max_file_bytes // (1024 * 1024),
        },
    )
    consent = forms.BooleanField(
        label=_("我已阅读上述说明，保证所反映情况真实，同意提供上述个人信息用于核实和答复。"),
        error_messages={"required": _("请阅读说明并勾选同意，否则无法受理。")},
    )
    captcha = CaptchaField(
        label=_("验证码"), widget=PortalCaptchaInput, error_messages={"invalid": _("验证码不正确，请重新输入。")}
    )

    def __init__(self, *args, notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice
        self.requires_id = notice.programme.objection_requires_id_number
        self.fields["entry"].queryset = notice.entries.filter(disqualified_at__isnull=True)
        self.fields["entry"].label_from_instance = lambda e: e.institution_name
        if self.requires_id:
            self.fields["id_number"].help_text = _("个人提出异议须填写（本项目规定）。")
        else:
            del self.fields["id_number"]
        # The way without the CAPTCHA (a bureau takes objections by telephone, letter or in person as well): the
        # notice's own contacts, on the form where the CAPTCHA is.
        self.fields["captcha"].help_text = _(
            "输入图片中的字母，不区分大小写。无法识别验证码的（如视力障碍），可通过本公示公布的联系方式以电话、信函或当面提出异议，"
            "同样受理：%(contacts)s"
        ) % {"contacts": " ".join(notice.contacts.split())}

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "").strip()
        if value:
            validate_id_number(value)
            value = normalize_id_number(value)
        return value

    def clean_seal(self):
        seal = self.cleaned_data.get("seal")
        if seal:
            inspect_upload(seal, limits=OBJECTION_UPLOAD_LIMITS, existing_count=0, existing_bytes=0, allowed=IMAGE_TYPES)
        return seal

    def clean_evidence(self):
        files = [f for f in self.cleaned_data.get("evidence") or [] if f]
        if len(files) > OBJECTION_UPLOAD_LIMITS.max_files:
            raise ValidationError(
                _("证据材料最多%(count)d个文件。") % {"count": OBJECTION_UPLOAD_LIMITS.max_files}, code="too_many_files"
            )
        total = 0
        for count, uploaded in enumerate(files):
            found = inspect_upload(
                uploaded, limits=OBJECTION_UPLOAD_LIMITS, existing_count=count, existing_bytes=total
            )
            total += found.size
        return files

    def clean(self):
        data = super().clean()
        kind = data.get("objector_type")
        if kind == ObjectorType.ORGANISATION:
            if not data.get("contact_person", "").strip():
                self.add_error("contact_person", _("单位提出异议须填写联系人。"))
            if not data.get("seal") and "seal" not in self.errors:
                self.add_error("seal", _("单位提出异议须上传加盖公章的证明。"))
        elif kind == ObjectorType.PERSON and self.requires_id and not data.get("id_number") and "id_number" not in self.errors:
            self.add_error("id_number", _("本项目规定个人提出异议须填写居民身份证号码。"))
        return data

    def identity(self) -> Identity:
        data = self.cleaned_data
        person = data["objector_type"] == ObjectorType.PERSON
        return Identity(
            objector_type=data["objector_type"],
            name=data["name"],
            phone=data["phone"],
            id_number=data.get("id_number", "") if person else "",
            contact_person="" if person else data.get("contact_person", ""),
            email=data.get("email", ""),
        )


class AssignForm(forms.Form):
    handler = IdChoiceField(label=_("经办人"), queryset=None, empty_label=_("请选择"))
    deadline = forms.DateField(label=_("办理期限"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    grant_identity = forms.BooleanField(
        label=_("同时申请经办人查看异议人身份"),
        required=False,
        help_text=_("核查需要联系异议人时勾选；申请由安全管理员审批，批准后每次查看都会记录。"),
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handler_choices(programme)
        self.fields["handler"].label_from_instance = lambda u: f"{u.full_name or u.username}（{u.get_role_display()}）"
        today = timezone.localdate()
        try:
            self.fields["deadline"].initial = add_working_days(today + timedelta(days=1), settings.OBJECTION_HANDLING_DAYS)
        except CalendarYearUnknown:
            self.fields["deadline"].initial = today + timedelta(days=7)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise ValidationError(_("办理期限不能早于今天。"))
        return deadline


class DecideForm(forms.Form):
    outcome = forms.TypedChoiceField(
        label=_("核查结论"),
        choices=[("upheld", _("异议成立（取消拟评定资格）")), ("not_upheld", _("异议不成立"))],
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(
        label=_("核查情况"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}), help_text=_("内部记录，不向异议人公开。")
    )
    reply = forms.CharField(
        label=_("答复意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("异议人通过回执链接看到的答复，请勿写入异议人或他人的个人信息。"),
    )


class GrantForm(forms.Form):
    """A programme admin's request that someone may see the objector's identity; a security administrator decides."""

    user = IdChoiceField(label=_("申请授权给"), queryset=None, empty_label=_("请选择"))
    reason = forms.CharField(label=_("申请理由"), max_length=300, help_text=_("由安全管理员审批；批准后每次查看都会记录。"))

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = handler_choices(programme)
        self.fields["user"].label_from_instance = lambda u: f"{u.full_name or u.username}（{u.get_role_display()}）"


class IdentityDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审批结果"), choices=[("approve", _("批准")), ("refuse", _("不予批准"))], widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("审批意见"), max_length=300, required=False, help_text=_("不予批准须说明理由。"))


class IdentityRevokeForm(forms.Form):
    note = forms.CharField(label=_("收回理由"), max_length=300)


# Codes typed from a receipt: no autocorrection, capitals on phone keyboards, nothing remembered by the browser.
CODE_INPUT = {"autocomplete": "off", "autocapitalize": "characters", "autocorrect": "off", "spellcheck": "false"}


class ReceiptLookupForm(forms.Form):
    receipt_number = forms.CharField(
        label=_("回执号"),
        max_length=30,
        widget=forms.TextInput(attrs=CODE_INPUT),
        help_text=_("回执上以YY开头的编号，如YY20261009-ABC234。"),
    )
    token = forms.CharField(
        label=_("查询码"),
        max_length=60,
        widget=forms.TextInput(attrs=CODE_INPUT),
        help_text=_(
            "回执上的8位查询码，如ABCD-EFGH，不区分大小写，短横线可不输入。早前的回执没有8位查询码的，请输入私密链接的最后一段。"
        ),
    )


class PublicitySettingsForm(forms.ModelForm):
    """A programme's publicity settings, as its admin edits them (the templates' placeholders are checked on save).

    An empty template shows the portal's default to start from; saved unchanged, it stays "the default" (empty), so
    a later improvement of the default reaches the programme too.
    """

    class Meta:
        from portal.models import Programme

        model = Programme
        fields = ["publicity_days", "objection_requires_id_number", "publicity_template", "announcement_template"]
        widgets = {
            "publicity_template": forms.Textarea(attrs={"rows": 8}),
            "announcement_template": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, default in self._defaults().items():
            if not getattr(self.instance, field):
                self.initial[field] = default

    @staticmethod
    def _defaults() -> dict[str, str]:
        from django.utils.translation import gettext

        from portal.documents import ANNOUNCEMENT_TEMPLATE, NOTICE_TEMPLATE

        return {"publicity_template": gettext(NOTICE_TEMPLATE), "announcement_template": gettext(ANNOUNCEMENT_TEMPLATE)}

    def _template(self, field: str) -> str:
        text = self.cleaned_data[field]
        return "" if " ".join(text.split()) == " ".join(self._defaults()[field].split()) else text

    def clean_publicity_template(self):
        return self._template("publicity_template")

    def clean_announcement_template(self):
        return self._template("announcement_template")
