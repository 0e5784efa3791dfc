from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("社区（村）称号创建")

    def ready(self):
        from communities import selectors  # noqa: F401  (registers who sees which entry and evaluation)
