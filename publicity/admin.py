"""The admin site for publicity: the published notices, read-only.

Objections are not registered here: their identities are only shown by the portal's audited views.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import ReadOnlyAdminMixin
from publicity.models import PublicityNotice


@admin.register(PublicityNotice)
class PublicityNoticeAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "index_number", "starts_on", "ends_on", "published_at"]
