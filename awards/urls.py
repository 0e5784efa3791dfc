from django.urls import path

from awards import views

app_name = "awards"

urlpatterns = [
    path("results/", views.result_list, name="results"),
    path("results/<int:pk>/", views.result_detail, name="result"),
    path("results/<int:pk>/pdf/", views.result_pdf, name="result_pdf"),
    path("revocations/<int:pk>/", views.revocation_detail, name="revocation"),
    path("verify/<slug:code>/", views.verify, name="verify"),
    path("awards/<int:pk>/plaque/", views.award_plaque, name="plaque"),
    path("staff/rounds/<int:round_pk>/announcement/", views.round_announcement, name="announcement"),
    path("staff/announcements/<int:pk>/issue/", views.announcement_issue, name="announcement_issue"),
    path("staff/announcements/<int:pk>/plaques/", views.batch_start, name="batch_start"),
    path("staff/plaque-batches/", views.batch_region, name="batch_region"),
    path("staff/plaque-batches/<int:pk>/", views.batch_detail, name="batch"),
    path("staff/plaque-batches/<int:pk>/status/", views.batch_status, name="batch_status"),
    path("staff/plaque-batches/<int:pk>/download/", views.batch_download, name="batch_download"),
    path("staff/awards/<int:pk>/revoke/", views.award_revoke, name="award_revoke"),
]
