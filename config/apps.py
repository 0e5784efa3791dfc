from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Registered so that Django finds the demo's management commands here."""

    name = "config"
    verbose_name = "标杆评定"
