from django.urls import path, re_path

from levels import views

app_name = "levels"

CODE = r"(?P<code>[0-9]{6})"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.dashboard_export, name="export"),
    path("allocate/", views.allocate, name="allocate"),
    re_path(rf"^allocate/{CODE}/$", views.allocate, name="allocate_region"),
    re_path(rf"^{CODE}/$", views.dashboard, name="region"),
    re_path(rf"^{CODE}/export\.xlsx$", views.dashboard_export, name="region_export"),
]
