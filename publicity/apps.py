from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = _("公示与异议")

    def ready(self):
        from publicity import selectors  # noqa: F401 (registers the remits of its models: portal.permissions)
