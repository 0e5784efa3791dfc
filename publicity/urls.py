from django.urls import path

from publicity.views import public, security, staff

app_name = "publicity"

urlpatterns = [
    path("notices/", public.notice_list, name="notices"),
    path("notices/<int:pk>/", public.notice_detail, name="notice"),
    path("notices/<int:pk>/objection/", public.objection_new, name="objection_new"),
    path("objections/lookup/", public.objection_lookup, name="objection_lookup"),
    path("objections/<slug:receipt>/<slug:token>/", public.objection_status, name="objection_status"),
    path("staff/rounds/<int:round_pk>/publicity/", staff.round_publicity, name="round"),
    path("staff/programmes/<int:pk>/publicity-settings/", staff.programme_settings, name="programme_settings"),
    path("staff/objections/", staff.objection_list, name="objections"),
    path("staff/objections/<int:pk>/", staff.objection_detail, name="objection"),
    path("staff/objections/<int:pk>/assign/", staff.objection_assign, name="objection_assign"),
    path("staff/objections/<int:pk>/grant/", staff.objection_grant, name="objection_grant"),
    path("security/identity-requests/", security.identity_requests, name="identity_requests"),
    path("security/identity-requests/<int:pk>/decide/", security.identity_request_decide, name="identity_request_decide"),
    path("security/identity-requests/<int:pk>/revoke/", security.identity_request_revoke, name="identity_request_revoke"),
    path("staff/objections/<int:pk>/decide/", staff.objection_decide, name="objection_decide"),
    path("staff/objections/<int:pk>/identity/", staff.objection_identity, name="objection_identity"),
    path("staff/objections/<int:pk>/files/<int:file_pk>/", staff.objection_file, name="objection_file"),
    path("staff/objections/<int:pk>/seal/", staff.objection_seal, name="objection_seal"),
]
