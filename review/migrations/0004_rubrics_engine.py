"""The review scores on the rubric engine (issue 14), first step: the columns that will point to rubrics.Rubric and
rubrics.Item, beside the old ones, which become optional while 0005 moves the rows (0006 removes them). Three
migrations, three transactions: PostgreSQL refuses to alter a table while rows written in the same transaction still
have their foreign keys to check."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0003_plan_close_reason"),
        ("rubrics", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewplan", name="scoring_rubric",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="review_plans", to="rubrics.rubric"),
        ),
        migrations.AddField(
            model_name="historicalreviewplan", name="scoring_rubric",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="rubrics.rubric"),
        ),
        migrations.AddField(
            model_name="score", name="item",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="rubrics.item"),
        ),
        migrations.AddField(
            model_name="historicalscore", name="item",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="rubrics.item"),
        ),
        # Nullable while the rows move (each direction fills the other side's column).
        migrations.AlterField(
            model_name="reviewplan", name="rubric",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, to="review.rubric", verbose_name="评分细则"),
        ),
        migrations.AlterField(
            model_name="score", name="criterion",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="review.criterion"),
        ),
    ]
