from django.urls import path

from appraisal import views

app_name = "appraisal"

urlpatterns = [
    path("", views.index, name="index"),
    path("open/", views.open_year, name="open"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/settings/", views.settings_edit, name="settings"),
    path("<int:pk>/staff/<int:member_id>/", views.score_edit, name="score"),
    path("<int:pk>/conclude/", views.conclude, name="conclude"),
    path("<int:pk>/export/", views.export, name="export"),
]
