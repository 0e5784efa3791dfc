"""Each notice names its programme: the programme of its round, for every notice published before campaigns had
notices (issue 15). Its own migration: PostgreSQL refuses to alter the table in the transaction that wrote it.

Backwards, the notices of campaigns (no round, communities listed) cannot exist in the older schema: they are deleted
with their entries and objections (a rollback below issue 15 gives up the campaigns' publicity)."""

from django.db import migrations


def forward(apps, schema_editor):
    PublicityNotice = apps.get_model("publicity", "PublicityNotice")
    HistoricalPublicityNotice = apps.get_model("publicity", "HistoricalPublicityNotice")
    Round = apps.get_model("portal", "Round")
    programmes = dict(Round.objects.values_list("pk", "programme_id"))
    for round_id, programme_id in programmes.items():
        PublicityNotice.objects.filter(round_id=round_id).update(programme_id=programme_id)
        HistoricalPublicityNotice.objects.filter(round_id=round_id).update(programme_id=programme_id)


def backward(apps, schema_editor):
    PublicityNotice = apps.get_model("publicity", "PublicityNotice")
    NoticeEntry, Objection = apps.get_model("publicity", "NoticeEntry"), apps.get_model("publicity", "Objection")
    Objection.objects.filter(notice__round__isnull=True).delete()
    NoticeEntry.objects.filter(notice__round__isnull=True).delete()
    PublicityNotice.objects.filter(round__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("publicity", "0011_notices_of_campaigns")]

    operations = [migrations.RunPython(forward, backward)]
