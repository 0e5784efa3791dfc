from django.urls import path

from rubrics import views

app_name = "rubrics"

urlpatterns = [
    path("", views.rubric_list, name="list"),
    path("standards/<slug:slug>/install/", views.standard_install, name="install"),
    path("<int:pk>/", views.rubric_detail, name="detail"),
    path("<int:pk>/freeze/", views.rubric_freeze, name="freeze"),
    path("<int:pk>/new-version/", views.rubric_new_version, name="new_version"),
    path("<int:pk>/items/<int:item_pk>/", views.item_edit, name="item_edit"),
]
