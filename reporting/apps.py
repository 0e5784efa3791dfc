from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """报送 (seed 000, last paragraph): the year's result and publicity work reported to the bureau above."""

    name = "reporting"
    verbose_name = "结果报送"
    default_auto_field = "django.db.models.BigAutoField"
