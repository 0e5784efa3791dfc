from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("评审")

    def ready(self):
        from applications.services import ACCEPT_GUARDS
        from review import selectors  # noqa: F401 (registers the remits of its models: portal.permissions)
        from review.services.sheets import acceptance_refusal

        if acceptance_refusal not in ACCEPT_GUARDS:
            ACCEPT_GUARDS.append(acceptance_refusal)
