from django.urls import path

from rubrics import views, views_assessments, views_ledgers

app_name = "rubrics"

urlpatterns = [
    path("", views.rubric_list, name="list"),
    path("standards/<slug:slug>/install/", views.standard_install, name="install"),
    path("<int:pk>/", views.rubric_detail, name="detail"),
    path("<int:pk>/freeze/", views.rubric_freeze, name="freeze"),
    path("<int:pk>/new-version/", views.rubric_new_version, name="new_version"),
    path("<int:pk>/items/<int:item_pk>/", views.item_edit, name="item_edit"),
    path("<int:pk>/template.xlsx", views_assessments.rubric_template, name="template"),
    path("<int:pk>/assessments/new/", views_assessments.assessment_new, name="assessment_new"),
    # An assessment (评估记录) and what hangs on it: <pk> is the assessment's.
    path("assessments/<int:pk>/", views_assessments.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/template.xlsx", views_assessments.assessment_template, name="assessment_template"),
    path("assessments/<int:pk>/template/", views_assessments.template_upload, name="template_upload"),
    path("assessments/<int:pk>/template/apply/", views_assessments.template_apply, name="template_apply"),
    path("assessments/<int:pk>/evidence/", views_assessments.evidence_upload, name="evidence_upload"),
    path("assessments/<int:pk>/evidence/<int:evidence_pk>/", views_assessments.evidence_download, name="evidence"),
    path("assessments/<int:pk>/evidence/<int:evidence_pk>/delete/", views_assessments.evidence_delete,
         name="evidence_delete"),
    path("assessments/<int:pk>/ledgers/", views_ledgers.ledger_upload, name="ledger_upload"),
    path("assessments/<int:pk>/ledgers/<int:upload_pk>/", views_ledgers.ledger_detail, name="ledger"),
    path("assessments/<int:pk>/ledgers/<int:upload_pk>/status/", views_ledgers.ledger_status, name="ledger_status"),
    path("assessments/<int:pk>/ledgers/<int:upload_pk>/export/", views_ledgers.ledger_export, name="ledger_export"),
    path("assessments/<int:pk>/ledgers/<int:upload_pk>/apply/", views_ledgers.ledger_apply, name="ledger_apply"),
    path("assessments/<int:pk>/ledgers/<int:upload_pk>/restart/", views_ledgers.ledger_restart, name="ledger_restart"),
]
