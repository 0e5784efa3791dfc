from django.urls import path

from review.views import admin, exports, reviewer, stages

app_name = "review"

urlpatterns = [
    path("rounds/<int:round_pk>/plan/", admin.plan, name="plan"),
    path("rounds/<int:round_pk>/assignments/", admin.assignments, name="assignments"),
    path("rounds/<int:round_pk>/assignments/propose/", admin.assignments_propose, name="assignments_propose"),
    path("rounds/<int:round_pk>/assignments/confirm/", admin.assignments_confirm, name="assignments_confirm"),
    path("rounds/<int:round_pk>/assignments/add/", admin.assignment_add, name="assignment_add"),
    path("assignments/<int:pk>/remove/", admin.assignment_remove, name="assignment_remove"),
    path("assignments/<int:pk>/recuse/", admin.assignment_recuse, name="assignment_recuse"),
    path("sheets/<int:pk>/reopen/", admin.sheet_reopen, name="sheet_reopen"),
    path("rounds/<int:round_pk>/close/", admin.close_scoring, name="close_scoring"),
    path("rounds/<int:round_pk>/ranking/", admin.ranking, name="ranking"),
    path("rounds/<int:round_pk>/ranking/tie/", admin.tie_break, name="tie_break"),
    path("rounds/<int:round_pk>/shortlist/", admin.shortlist, name="shortlist"),
    path("rounds/<int:round_pk>/export/<str:kind>/", exports.export, name="export"),
    path("rounds/<int:round_pk>/defense/", stages.defense, name="defense"),
    path("defense/<int:pk>/minutes/", stages.defense_minutes, name="defense_minutes"),
    path("defense/<int:pk>/minutes/file/", stages.defense_minutes_file, name="defense_minutes_file"),
    path("rounds/<int:round_pk>/inspections/", stages.inspections, name="inspections"),
    path("inspection-photos/<int:pk>/", stages.inspection_photo, name="inspection_photo"),
    path("assignments/<int:pk>/", reviewer.assignment, name="assignment"),
    path("assignments/<int:pk>/declare/", reviewer.declare, name="declare"),
    path("opinions/<int:application_pk>/", reviewer.opinion, name="opinion"),
]
