import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("publicity", "0012_notice_programme_filled"), ("portal", "0016_regions_to_villages_and_community_titles")]

    operations = [
        migrations.AlterField(
            model_name="publicitynotice",
            name="programme",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="notices", to="portal.programme",
                verbose_name="评定项目",
            ),
        ),
    ]
