from django.urls import path

from complaints.views import public, staff

app_name = "complaints"

urlpatterns = [
    path("<int:pk>/new/", public.complaint_new, name="new"),
    path("<int:pk>/handled/", public.handled_list, name="handled"),
    path("status/<str:receipt>/<str:token>/", public.complaint_status, name="status"),
    path("staff/", staff.complaint_index, name="index"),
    path("staff/export/", staff.complaint_export, name="export"),
    path("staff/phone/", staff.phone_new, name="phone_new"),
    path("staff/<int:pk>/", staff.complaint_detail, name="detail"),
    path("staff/<int:pk>/answer/", staff.complaint_answer, name="answer"),
    path("staff/<int:pk>/conclude/", staff.complaint_conclude, name="conclude"),
    path("staff/<int:pk>/tell/", staff.complaint_tell, name="tell"),
    path("staff/<int:pk>/publish/", staff.complaint_publish, name="publish"),
    path("staff/<int:pk>/identity/", staff.complaint_identity, name="identity"),
]
