from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShowcaseConfig(AppConfig):
    """宣传推广 (seed 000 六(三)): the public pages of the benchmark institutions' typical practice and service brand."""

    name = "showcase"
    verbose_name = _("标杆展示")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from showcase import selectors  # noqa: F401 (registers the remits of its models: portal.permissions)
