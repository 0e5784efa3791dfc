from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RubricsConfig(AppConfig):
    name = "rubrics"
    verbose_name = _("评分标准")

    def ready(self):
        from rubrics import selectors  # noqa: F401 (registers the remits of its models: portal.permissions)
