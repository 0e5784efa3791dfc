from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.report_list, name="reports"),
    path("calls/", views.call_list, name="calls"),
    path("calls/new/", views.call_create, name="call_create"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/overview.xlsx", views.call_xlsx, name="call_xlsx"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/write/", views.report_write, name="report_write"),
    path("<int:pk>/receive/", views.report_receive, name="report_receive"),
    path("<int:pk>/return/", views.report_return, name="report_return"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
]
