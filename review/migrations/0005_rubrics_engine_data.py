"""The review scores on the rubric engine (issue 14), second step: a plan's rubric and a score's item move from the
review's own Rubric / Criterion to rubrics.Rubric / Item (0006 removes the old tables).

Every row is kept: each old rubric becomes a stored rubric of the same programme (its gates `gate`, its scored
criteria `judged`, its bonus criteria judged bonus items, the same codes, points and guidance), frozen when a plan
uses it, since sheets were scored on it; each score, and each history row, points to the item of its criterion. The
old default's B7 (人员编制, 「其他机构不作要求」) binds only the county public agency (`applies_to`). Backwards, each
plan's rubric becomes an old rubric again, with its scores."""

from django.core.management.color import no_style
from django.db import migrations
from django.utils import timezone

KINDS = {"gate": "gate", "scored": "judged", "bonus": "judged"}


def _item_spec(criterion) -> dict:
    spec = {"kind": KINDS[criterion.kind], "max": str(criterion.max_points.normalize()), "guidance": criterion.guidance}
    if criterion.kind == "gate":
        spec["max"] = 0
    if criterion.kind == "scored" and criterion.code in ("(二)2", "(二)3", "(二)4"):  # seed 000's, rolled back once
        spec["gate"] = True
    if criterion.code in ("B7", "(二)1") and "人员编制" in criterion.title:
        spec["applies_to"] = {"institution_kind": ["public_agency"]}
        spec["not_applicable_text"] = "其他机构不作要求"
    return spec


def _copy_rubric(apps, old, used: bool) -> dict:
    """The old rubric as a stored one; returns old criterion id → new item id."""
    Rubric, Indicator, Item = (apps.get_model("rubrics", name) for name in ("Rubric", "Indicator", "Item"))
    criteria = list(old.criteria.order_by("order", "pk"))
    new = Rubric.objects.create(
        name=old.name, programme_id=old.programme_id, bonus_cap=old.bonus_cap,
        full_marks=sum((c.max_points for c in criteria if c.kind == "scored"), 0),
        notes=["由评审模块原有的评分细则迁移而来（问题14）：基本条件为gate，评分项为judged，加分项为judged加分项。"],
        frozen_at=timezone.now() if used else None,
    )
    groups, mapping = {}, {}
    for order, criterion in enumerate(criteria):
        indicator = None
        if criterion.kind != "bonus":
            if criterion.group not in groups:
                groups[criterion.group] = Indicator.objects.create(
                    rubric=new, code=f"({len(groups) + 1})", title=criterion.group or "评分项", points=0, order=len(groups)
                )
            indicator = groups[criterion.group]
            indicator.points += criterion.max_points if criterion.kind == "scored" else 0
        spec = _item_spec(criterion) | {"code": criterion.code, "title": criterion.title}
        item = Item.objects.create(
            rubric=new, indicator=indicator, code=criterion.code, title=criterion.title, max_points=criterion.max_points,
            content=criterion.guidance, is_bonus=criterion.kind == "bonus", spec=spec, order=order,
        )
        mapping[criterion.pk] = item.pk
    for indicator in groups.values():
        indicator.save(update_fields=["points"])
    return new, mapping


def _rolled_back_from(apps, old) -> dict | None:
    """Where `old` was made by `backward` from a stored rubric (same ids, same codes), that rubric's items: the move
    forward again finds it instead of copying it a second time."""
    Item = apps.get_model("rubrics", "Item")
    criteria = dict(old.criteria.values_list("pk", "code"))
    items = dict(Item.objects.filter(rubric_id=old.pk).values_list("pk", "code"))
    return {pk: pk for pk in criteria} if criteria and items == criteria else None


def forward(apps, schema_editor):
    OldRubric = apps.get_model("review", "Rubric")
    ReviewPlan, Score = apps.get_model("review", "ReviewPlan"), apps.get_model("review", "Score")
    HistoricalReviewPlan, HistoricalScore = (apps.get_model("review", n) for n in ("HistoricalReviewPlan", "HistoricalScore"))
    used = set(ReviewPlan.objects.values_list("rubric_id", flat=True))
    rubrics, items = {}, {}
    for old in OldRubric.objects.order_by("pk"):
        mapping = _rolled_back_from(apps, old)
        if mapping is None:
            new, mapping = _copy_rubric(apps, old, old.pk in used)
            rubrics[old.pk] = new.pk
        else:
            rubrics[old.pk] = old.pk
        items.update(mapping)
    for plan in ReviewPlan.objects.all():
        ReviewPlan.objects.filter(pk=plan.pk).update(scoring_rubric_id=rubrics[plan.rubric_id])
    for old_id, new_id in rubrics.items():
        HistoricalReviewPlan.objects.filter(rubric_id=old_id).update(scoring_rubric_id=new_id)
    for old_id, new_id in items.items():
        Score.objects.filter(criterion_id=old_id).update(item_id=new_id)
        HistoricalScore.objects.filter(criterion_id=old_id).update(item_id=new_id)


def backward(apps, schema_editor):
    """Each plan's rubric as an old one under the same ids (rubric and items), so that moving forward again finds the
    stored rubric it came from (`_rolled_back_from`); the sequences are reset past them."""
    OldRubric, Criterion = apps.get_model("review", "Rubric"), apps.get_model("review", "Criterion")
    ReviewPlan, Score = apps.get_model("review", "ReviewPlan"), apps.get_model("review", "Score")
    HistoricalReviewPlan, HistoricalScore = (apps.get_model("review", n) for n in ("HistoricalReviewPlan", "HistoricalScore"))
    Item = apps.get_model("rubrics", "Item")
    made = set()
    for plan in ReviewPlan.objects.select_related("round", "scoring_rubric"):
        source = plan.scoring_rubric
        if source.pk not in made:
            made.add(source.pk)
            OldRubric.objects.create(pk=source.pk, programme_id=plan.round.programme_id, name=source.name, bonus_cap=source.bonus_cap)
            for item in Item.objects.filter(rubric=source).select_related("indicator").order_by("order"):
                kind = "bonus" if item.is_bonus else ("gate" if item.spec.get("kind") == "gate" else "scored")
                Criterion.objects.create(
                    pk=item.pk, rubric_id=source.pk, kind=kind, code=item.code[:10],
                    group=item.indicator.title[:50] if item.indicator else "", title=item.title[:200],
                    max_points=item.max_points, guidance=item.spec.get("guidance", ""), order=item.order,
                )
                Score.objects.filter(item=item).update(criterion_id=item.pk)
                HistoricalScore.objects.filter(item_id=item.pk).update(criterion_id=item.pk)
            HistoricalReviewPlan.objects.filter(scoring_rubric_id=source.pk).update(rubric_id=source.pk)
        ReviewPlan.objects.filter(pk=plan.pk).update(rubric_id=source.pk)
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [OldRubric, Criterion]):
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0004_rubrics_engine"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
