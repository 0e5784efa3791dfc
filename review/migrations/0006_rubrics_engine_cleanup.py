"""The review on the rubric engine, third step (issue 14): with every plan and score moved by 0005, the review's own
rubric columns and tables go, and the new columns become required."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0005_rubrics_engine_data"),
        ("rubrics", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="score", name="one_score_per_criterion"),
        migrations.RemoveField(model_name="score", name="criterion"),
        migrations.RemoveField(model_name="historicalscore", name="criterion"),
        migrations.RemoveField(model_name="reviewplan", name="rubric"),
        migrations.RemoveField(model_name="historicalreviewplan", name="rubric"),
        migrations.RenameField(model_name="reviewplan", old_name="scoring_rubric", new_name="rubric"),
        migrations.RenameField(model_name="historicalreviewplan", old_name="scoring_rubric", new_name="rubric"),
        migrations.AlterField(
            model_name="reviewplan", name="rubric",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="review_plans", to="rubrics.rubric", verbose_name="评分标准"),
        ),
        migrations.AlterField(
            model_name="historicalreviewplan", name="rubric",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="rubrics.rubric", verbose_name="评分标准"),
        ),
        migrations.AlterField(
            model_name="score", name="item",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="rubrics.item", verbose_name="评分项"),
        ),
        migrations.AlterField(
            model_name="historicalscore", name="item",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="rubrics.item", verbose_name="评分项"),
        ),
        migrations.AddConstraint(
            model_name="score", constraint=models.UniqueConstraint(fields=("sheet", "item"), name="one_score_per_item"),
        ),
        migrations.AlterModelOptions(
            name="score", options={"ordering": ["item__order"], "verbose_name": "指标得分", "verbose_name_plural": "指标得分"},
        ),
        migrations.DeleteModel(name="HistoricalCriterion"),
        migrations.DeleteModel(name="HistoricalRubric"),
        migrations.DeleteModel(name="Criterion"),
        migrations.DeleteModel(name="Rubric"),
    ]
