"""Forms of the showcase: the institution's text and captions, a photo, the admin's decision, the public filters."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.enums import Level
from showcase.models import (
    BRAND_DESCRIPTION_MAX_CHARS,
    BRAND_NAME_MAX_CHARS,
    CAPTION_MAX_CHARS,
    PRACTICE_MAX_CHARS,
    SUMMARY_MAX_CHARS,
)
from showcase.photos import PHOTO_TYPES

PUBLIC_HINT = _("审核通过后在门户公开展示，请勿写入个人信息。")


def _textarea(rows: int, max_chars: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "data-maxchars": max_chars})


class ShowcaseForm(forms.Form):
    """The working copy. Every field may be left empty in a draft; what a submission needs is the service's
    (showcase.services.showcase_problems). One caption field per photo of the working copy (`caption_<pk>`)."""

    summary = forms.CharField(
        label=_("简介"), max_length=SUMMARY_MAX_CHARS, required=False, widget=_textarea(3, SUMMARY_MAX_CHARS),
        help_text=format_lazy(_("一两句话介绍机构的特色，显示在标杆风采列表中（{max}字以内）。"), max=SUMMARY_MAX_CHARS),
    )
    practice = forms.CharField(
        label=_("典型经验做法"), max_length=PRACTICE_MAX_CHARS, required=False, widget=_textarea(12, PRACTICE_MAX_CHARS),
        help_text=format_lazy(_("可复制、可推广的做法和成效（{max}字以内）。{hint}"), max=PRACTICE_MAX_CHARS, hint=PUBLIC_HINT),
    )
    brand_name = forms.CharField(label=_("服务品牌名称"), max_length=BRAND_NAME_MAX_CHARS, required=False,
                                 help_text=_("例如：“暖心就业”服务品牌。"))
    brand_description = forms.CharField(
        label=_("服务品牌介绍"), max_length=BRAND_DESCRIPTION_MAX_CHARS, required=False,
        widget=_textarea(6, BRAND_DESCRIPTION_MAX_CHARS),
        help_text=format_lazy(_("品牌的内涵、服务内容和影响（{max}字以内）。"), max=BRAND_DESCRIPTION_MAX_CHARS),
    )

    new_photo = forms.FileField(
        label=_("添加照片"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ",".join(PHOTO_TYPES)}),
        help_text=_("JPG 或 PNG，单张不超过10MB，最多6张。上传后系统会去除照片附带的拍摄地点、设备等信息。"),
    )
    new_caption = forms.CharField(label=_("新照片的说明"), max_length=CAPTION_MAX_CHARS, required=False,
                                  help_text=_("例如：服务大厅“一站式”受理窗口。"))

    def __init__(self, *args, photos=(), can_add_photo=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.photos = list(photos)
        for number, photo in enumerate(self.photos, 1):
            self.fields[f"caption_{photo.pk}"] = forms.CharField(
                label=_("第%(number)d张照片的说明") % {"number": number}, max_length=CAPTION_MAX_CHARS,
                initial=photo.caption,
            )
        if not can_add_photo:
            del self.fields["new_photo"], self.fields["new_caption"]

    def clean(self):
        data = super().clean()
        if data.get("new_photo") and not data.get("new_caption", "").strip():
            self.add_error("new_caption", _("请填写照片说明。"))
        return data

    def text(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ("summary", "practice", "brand_name", "brand_description")}

    def captions(self) -> dict[int, str]:
        return {photo.pk: self.cleaned_data[f"caption_{photo.pk}"] for photo in self.photos}

    def caption_fields(self):
        """(photo, its caption's bound field), for the page's photo list."""
        return [(photo, self[f"caption_{photo.pk}"]) for photo in self.photos]

    def text_fields(self):
        return [self[name] for name in ("summary", "practice", "brand_name", "brand_description")]

    def photo_fields(self):
        return [self[name] for name in ("new_photo", "new_caption") if name in self.fields]


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("将通知该机构，请写明需要修改的内容。"))


class PublicFilterForm(forms.Form):
    """The public list's filters; an unknown value is ignored (the list shows everything)."""

    level = forms.ChoiceField(label=_("评定层级"), choices=[("", _("全部层级")), *Level.choices], required=False)
    region = forms.ChoiceField(label=_("所在地区"), required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("全部地区")), *((r.code, r.name) for r in regions)]
