from django.urls import path

from communities import views, views_public

app_name = "communities"

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/publish/", views.campaign_publish, name="campaign_publish"),
    path("campaigns/<int:pk>/announce/", views.campaign_announce, name="campaign_announce"),
    path("titles/", views_public.title_list, name="titles"),
    path("titles/<str:number>/", views_public.title_verify, name="title_verify"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/start/", views.entry_start, name="entry_start"),
    path("entries/<int:pk>/submit/", views.entry_submit, name="entry_submit"),
    path("entries/<int:pk>/compare/", views.entry_compare, name="entry_compare"),
    path("entries/<int:pk>/compare.xlsx", views.entry_compare_xlsx, name="entry_compare_xlsx"),
]
