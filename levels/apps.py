from django.apps import AppConfig


class LevelsConfig(AppConfig):
    """「十百千」 (seed 001): the targets each level sets and allocates downward, and the progress dashboard."""

    name = "levels"
    verbose_name = "十百千目标"
    default_auto_field = "django.db.models.BigAutoField"
