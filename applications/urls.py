from django.urls import path

from applications.views import applicant, public, shared, staff

app_name = "applications"

urlpatterns = [
    path("calls/<int:pk>/", public.call_detail, name="call"),
    path("register/", public.register, name="register"),
    path("applications/start/<int:round_pk>/", applicant.start, name="start"),
    path("applications/<int:pk>/", shared.detail, name="detail"),
    path("applications/<int:pk>/edit/", applicant.edit, name="edit"),
    path("applications/<int:pk>/upload/", applicant.upload, name="upload"),
    path("applications/<int:pk>/withdraw/", applicant.withdraw, name="withdraw"),
    path("applications/<int:pk>/pdf/", shared.pdf, name="pdf"),
    path("applications/<int:pk>/files/<int:attachment_pk>/", shared.attachment_download, name="attachment"),
    path(
        "applications/<int:pk>/files/<int:attachment_pk>/delete/", applicant.attachment_delete, name="attachment_delete"
    ),
    path("applications/<int:pk>/return/", staff.return_for_information, name="return"),
    path("applications/<int:pk>/accept/", staff.accept, name="accept"),
    path("applications/<int:pk>/reject/", staff.reject, name="reject"),
    path("staff/rounds/<int:pk>/applications/", staff.round_applications, name="round_applications"),
    path("staff/institutions/", staff.institution_list, name="institutions"),
    path("staff/institutions/<int:pk>/", staff.institution_detail, name="institution"),
    path("staff/institutions/<int:pk>/decide/", staff.institution_decide, name="institution_decide"),
    path("staff/institutions/<int:pk>/staff/<int:user_pk>/active/", staff.staff_set_active, name="staff_set_active"),
]
