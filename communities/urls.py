from django.urls import path

from communities import views

app_name = "communities"

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/start/", views.entry_start, name="entry_start"),
    path("entries/<int:pk>/submit/", views.entry_submit, name="entry_submit"),
    path("entries/<int:pk>/compare/", views.entry_compare, name="entry_compare"),
    path("entries/<int:pk>/compare.xlsx", views.entry_compare_xlsx, name="entry_compare_xlsx"),
]
