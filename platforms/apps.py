from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    """The service platforms (seed 003): each institution's service windows and its staff register, the staffing
    ratios, the quarterly duties and the staff's yearly assessment."""

    name = "platforms"
    verbose_name = "服务平台"
    default_auto_field = "django.db.models.BigAutoField"
