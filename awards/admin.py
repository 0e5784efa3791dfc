"""The admin site for awards: the fonts of plaques and official documents a system admin installs; the published
records, read-only."""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from awards.models import Announcement, Award, PlaqueFont, Revocation
from portal.admin import ReadOnlyAdminMixin


class PlaqueFontForm(forms.ModelForm):
    class Meta:
        model = PlaqueFont
        fields = ["role", "name", "file", "active"]

    def clean_file(self):
        from awards.plaque_fonts import validate_font_file

        upload = self.cleaned_data["file"]
        if upload and hasattr(upload, "read"):
            validate_font_file(upload)
        return upload


@admin.register(PlaqueFont)
class PlaqueFontAdmin(SimpleHistoryAdmin):
    """A licensed font of one role (魏碑, 黑体 for the plaque; 小标宋, 仿宋, 楷体, 黑体 for official documents): the
    newest active one of a role is used by the next render (awards.plaque_fonts)."""

    form = PlaqueFontForm
    list_display = ["name", "role", "active", "uploaded_by", "uploaded_at"]
    list_filter = ["role", "active"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    pass


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "written_on", "published_at"]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["plaque_number", "institution_name", "programme", "awarded_on", "revoked_at"]
    search_fields = ["plaque_number", "institution_name"]
    exclude = ["verify_code"]


@admin.register(Revocation)
class RevocationAdmin(ReadOnlyAdmin):
    list_display = ["award", "ground", "document_number", "decided_on", "quota_returned"]
