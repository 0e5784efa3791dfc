from django import template

from portal.display import format_phone

register = template.Library()


@register.filter
def phone(value) -> str:
    """A stored phone number as people write it: 0533-6961000, 138 0013 8000."""
    return format_phone(value)
