from django import template

register = template.Library()


@register.filter
def points(value) -> str:
    """A score shown to two places, rounded half up (review.scoring.fmt2); "—" when there is none."""
    from review.scoring import fmt2

    return "—" if value is None or value == "" else fmt2(value)
