"""The 评估记录 section of a rubric's page: the assessments of the rubric the user may see, paginated."""

from decimal import Decimal, InvalidOperation

from django import template

from portal.pagination import paginate
from portal.permissions import visible
from rubrics.models import Assessment

register = template.Library()


@register.inclusion_tag("rubrics/_assessments.html", takes_context=True)
def rubric_assessments(context, rubric):
    request = context["request"]
    rows = visible(request.user, Assessment, "edit").filter(rubric=rubric).select_related("region", "created_by")
    page, querystring = paginate(request, rows)
    return {"rubric": rubric, "page": page, "querystring": querystring}


@register.filter
def points(value) -> str:
    """Points as the documents print them: 96.5, 30, 0.5 (no trailing zeros, no exponent)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format(number.normalize(), "f") if number.is_finite() else str(value)
