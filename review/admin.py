"""The rubric is data a system administrator edits here; every other review record changes only through the
portal's pages and services (read-only here, with their history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import ReadOnlyAdminMixin
from review.models import (
    Criterion,
    DepartmentOpinion,
    ReviewAssignment,
    ReviewPlan,
    Rubric,
    ScoreSheet,
    Shortlist,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "code", "kind", "group", "title", "max_points", "guidance"]


@admin.register(Rubric)
class RubricAdmin(SimpleHistoryAdmin):
    list_display = ["name", "programme", "bonus_cap"]
    list_filter = ["programme"]
    inlines = [CriterionInline]


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
