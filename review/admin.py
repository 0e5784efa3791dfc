"""Review records change only through the portal's pages and services (read-only here, with their history); the
rubric a review scores on is edited in the portal's 评分标准 pages (rubrics)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import ReadOnlyAdminMixin
from review.models import (
    DepartmentOpinion,
    ReviewAssignment,
    ReviewPlan,
    ScoreSheet,
    Shortlist,
)


class ReadOnlyAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    pass


@admin.register(ReviewPlan)
class ReviewPlanAdmin(ReadOnlyAdmin):
    list_display = ["round", "rubric", "reviewers_per_department", "scoring_closes_at", "closed_at"]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["application", "reviewer", "department", "status", "recused_at"]
    list_filter = ["status", "department"]


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "status", "total", "submitted_at"]
    list_filter = ["status"]


@admin.register(DepartmentOpinion)
class DepartmentOpinionAdmin(ReadOnlyAdmin):
    list_display = ["application", "department", "verdict", "signed_by", "signed_on"]


@admin.register(Shortlist)
class ShortlistAdmin(ReadOnlyAdmin):
    list_display = ["round", "created_at", "frozen_at"]
