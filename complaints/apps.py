from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    """投诉 (seed 003 三(五)2): each platform's complaint phone and online 意见箱, a first answer the same day, the
    handling deadline and the outcome told to the complainant."""

    name = "complaints"
    verbose_name = "群众投诉"
    default_auto_field = "django.db.models.BigAutoField"
