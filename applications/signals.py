"""Receivers that keep the cached tables of rounds (applications/table_cache.py) current; ApplicationsConfig.ready()
connects them."""

from applications import table_cache


def application_changed(sender, instance, **kwargs):
    table_cache.round_table_changed(instance.round_id)


def attachment_changed(sender, instance, **kwargs):
    from applications.models import Application, Attachment

    if Attachment.application.is_cached(instance):
        round_id = instance.application.round_id
    else:
        round_id = Application.objects.filter(pk=instance.application_id).values_list("round_id", flat=True).first()
    if round_id is not None:  # None: the application is being deleted too, and its own receiver bumps the round
        table_cache.round_table_changed(round_id)


def round_changed(sender, instance, **kwargs):
    """The page shows the round's name, dates and quota."""
    table_cache.round_table_changed(instance.pk)


def institution_or_region_changed(sender, instance, **kwargs):
    """Institutions' names, codes and kinds, regions' names, and programmes' names (the breadcrumbs) are on every
    round's page."""
    table_cache.all_tables_changed()
