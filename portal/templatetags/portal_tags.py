from django import template

from portal.display import format_phone

register = template.Library()


@register.filter
def phone(value) -> str:
    """A stored phone number as people write it: 0533-6961000, 138 0013 8000."""
    return format_phone(value)


@register.inclusion_tag("includes/region_code.html")
def region_code(region) -> dict:
    """A region's code as every page shows it: the digits, and 「本地编码」 beside a code the portal gave itself
    (portal/regions.py) until the statistical one is entered."""
    return {"code": region.code if region else "", "local": bool(region and region.code_is_local)}
