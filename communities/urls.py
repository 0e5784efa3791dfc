from django.urls import path

from communities import views, views_progress, views_public, views_rechecks, views_setup

app_name = "communities"

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/publish/", views.campaign_publish, name="campaign_publish"),
    path("campaigns/<int:pk>/progress.xlsx", views.campaign_progress_xlsx, name="campaign_progress_xlsx"),
    path("campaigns/<int:pk>/announce/", views.campaign_announce, name="campaign_announce"),
    path("campaigns/<int:pk>/report/", views_progress.report, name="campaign_report"),
    path("reports/<int:pk>/receive/", views_progress.report_receive, name="report_receive"),
    path("rechecks/", views_rechecks.title_staff_list, name="rechecks"),
    path("rechecks/titles/<int:title_pk>/start/", views_rechecks.recheck_start, name="recheck_start"),
    path("rechecks/<int:pk>/", views_rechecks.recheck_detail, name="recheck"),
    path("rechecks/<int:pk>/conclude/", views_rechecks.recheck_conclude, name="recheck_conclude"),
    path("rechecks/<int:pk>/rectification/", views_rechecks.recheck_rectification, name="recheck_rectification"),
    path("rechecks/<int:pk>/remove/", views_rechecks.recheck_remove, name="recheck_remove"),
    path("titles/", views_public.title_list, name="titles"),
    path("titles/<str:number>/", views_public.title_verify, name="title_verify"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/start/", views.entry_start, name="entry_start"),
    path("entries/<int:pk>/submit/", views.entry_submit, name="entry_submit"),
    path("entries/<int:pk>/compare/", views.entry_compare, name="entry_compare"),
    path("entries/<int:pk>/compare.xlsx", views.entry_compare_xlsx, name="entry_compare_xlsx"),
    path("setup/", views_setup.setup_programmes, name="setup_programmes"),
    path("setup/programmes/<int:pk>/", views_setup.setup_campaign, name="setup_campaign"),
    path("setup/lists/", views_setup.setup_lists, name="setup_lists"),
    path("campaigns/<int:pk>/targets/", views_setup.setup_targets, name="setup_targets"),
    path("campaigns/<int:pk>/towns/<int:town_pk>/", views_setup.setup_list, name="setup_list"),
    path("campaigns/<int:pk>/milestones/<int:milestone_pk>/done/", views_setup.setup_milestone_done,
         name="setup_milestone_done"),
    path("entries/<int:pk>/remove/", views_setup.setup_entry_remove, name="setup_entry_remove"),
]
