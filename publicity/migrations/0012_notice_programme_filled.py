"""Each notice names its programme: the programme of its round, for every notice published before campaigns had
notices (issue 15). Its own migration: PostgreSQL refuses to alter the table in the transaction that wrote it."""

from django.db import migrations


def forward(apps, schema_editor):
    PublicityNotice = apps.get_model("publicity", "PublicityNotice")
    HistoricalPublicityNotice = apps.get_model("publicity", "HistoricalPublicityNotice")
    Round = apps.get_model("portal", "Round")
    programmes = dict(Round.objects.values_list("pk", "programme_id"))
    for round_id, programme_id in programmes.items():
        PublicityNotice.objects.filter(round_id=round_id).update(programme_id=programme_id)
        HistoricalPublicityNotice.objects.filter(round_id=round_id).update(programme_id=programme_id)


class Migration(migrations.Migration):
    dependencies = [("publicity", "0011_notices_of_campaigns")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
