from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("公布与授牌")

    def ready(self):
        from awards import selectors  # noqa: F401 (registers the remits of its models: portal.permissions)
