from django.urls import path

from platforms import views, views_duties, views_overview

app_name = "platforms"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:institution_id>/staff/", views.staff, name="staff"),
    path("<int:institution_id>/staff/add/", views.staff_add, name="staff_add"),
    path("<int:institution_id>/staff/export/", views.staff_export, name="staff_export"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/leave/", views.staff_leave, name="staff_leave"),
    path("<int:institution_id>/windows/", views.windows, name="windows"),
    path("<int:institution_id>/windows/add/", views.window_add, name="window_add"),
    path("<int:institution_id>/profile/", views.profile, name="profile"),
    path("windows/<int:pk>/edit/", views.window_edit, name="window_edit"),
    path("windows/<int:pk>/active/", views.window_active, name="window_active"),
    path("windows/<int:pk>/poster.pdf", views_duties.window_poster, name="window_poster"),
    path("<int:institution_id>/duties/", views_duties.duties_page, name="duties"),
    path("<int:institution_id>/duties/<int:year>/<int:quarter>/<str:kind>/", views_duties.duty_record, name="duty_record"),
    path("duties/<int:pk>/file/", views_duties.duty_file, name="duty_file"),
    path("overview/staffing/", views_overview.overview_staffing, name="overview_staffing"),
    path("overview/staffing/export/", views_overview.overview_staffing_export, name="overview_staffing_export"),
    path("overview/duties/", views_overview.overview_duties, name="overview_duties"),
]
