from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("申报")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from applications import selectors, signals  # noqa: F401 (selectors registers the remits of its models)
        from applications.models import Application, Attachment
        from portal.models import Institution, Programme, Region, Round

        # The cached pages of rounds' applications (applications/table_cache.py); dispatch_uid keeps a second ready()
        # from connecting twice.
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                signals.application_changed, sender=Application, dispatch_uid=f"round-table.application.{name}"
            )
            signal.connect(signals.attachment_changed, sender=Attachment, dispatch_uid=f"round-table.attachment.{name}")
            signal.connect(signals.round_changed, sender=Round, dispatch_uid=f"round-table.round.{name}")
            for model in (Institution, Region, Programme):
                signal.connect(
                    signals.institution_or_region_changed,
                    sender=model,
                    dispatch_uid=f"round-table.{model._meta.model_name}.{name}",
                )
