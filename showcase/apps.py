from django.apps import AppConfig


class ShowcaseConfig(AppConfig):
    """宣传推广 (seed 000 六(三)): the public pages of the benchmark institutions' typical practice and service brand."""

    name = "showcase"
    verbose_name = "标杆展示"
    default_auto_field = "django.db.models.BigAutoField"
