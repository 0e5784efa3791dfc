"""The review's move onto the rubric engine (review 0004, issue 14) keeps every row of an existing database: the demo's
review, migrated back to the schema of the review's own Rubric / Criterion and forward again, has every plan, sheet and
score, each score on the item of its criterion, each total as it was, and its history."""

from io import StringIO

import pytest
from django.apps import apps as live_apps
from django.core.management import call_command

from tests.migrating import migrate_to

BEFORE = [("review", "0003_plan_close_reason")]

pytestmark = [pytest.mark.migrations, pytest.mark.django_db(transaction=True)]




def _scores(apps, field: str) -> dict[int, tuple]:
    """Score id → (sheet, the code of its line, points, passed, comment)."""
    Score = apps.get_model("review", "Score")
    return {
        score.pk: (score.sheet_id, getattr(score, field).code, score.points, score.passed, score.comment)
        for score in Score.objects.select_related(field)
    }




@pytest.mark.pdf
@pytest.mark.history
def test_the_demo_review_survives_the_move(tmp_path, monkeypatch, back_to_the_latest_schema):
    from config.management.commands import seed_demo

    monkeypatch.setattr(seed_demo, "CREDENTIALS_FILE", tmp_path / "credentials.json")
    monkeypatch.setattr(seed_demo, "TOKENS_FILE", tmp_path / "tokens.json")
    call_command("seed_demo", stdout=StringIO())
    now = _scores(live_apps, "item")
    totals = dict(live_apps.get_model("review", "ScoreSheet").objects.values_list("pk", "total"))
    plans = {plan.pk: plan.rubric.name for plan in live_apps.get_model("review", "ReviewPlan").objects.select_related("rubric")}
    history = live_apps.get_model("review", "Score").history.count()
    assert len(now) > 100 and len(plans) >= 3

    old = migrate_to(BEFORE)
    assert _scores(old, "criterion") == now  # back: each score on a criterion of the same code
    assert old.get_model("review", "HistoricalScore").objects.filter(criterion__isnull=False).count() == history
    assert {p.pk: p.rubric.name for p in old.get_model("review", "ReviewPlan").objects.select_related("rubric")} == plans
    assert set(old.get_model("review", "Criterion").objects.values_list("kind", flat=True)) == {"gate", "scored", "bonus"}

    forward = migrate_to()
    assert _scores(forward, "item") == now
    assert dict(forward.get_model("review", "ScoreSheet").objects.values_list("pk", "total")) == totals
    Rubric = forward.get_model("rubrics", "Rubric")
    for plan in forward.get_model("review", "ReviewPlan").objects.select_related("rubric"):
        assert plan.rubric.programme_id == plan.round.programme_id and plan.rubric.frozen_at is not None
        assert plan.rubric.name == plans[plan.pk]
    assert Rubric.objects.filter(review_plans__isnull=False).distinct().count() >= 1
    assert forward.get_model("review", "HistoricalScore").objects.filter(item__isnull=False).count() == history
    Item = forward.get_model("rubrics", "Item")
    kinds = {item.code: item.spec["kind"] for item in Item.objects.filter(rubric__review_plans__isnull=False)}
    assert kinds["(一)1"] == "gate" and kinds["(二)2"] == "judged" and kinds["(二)5"] == "judged"

    # A database from before the engine: the review's own default rubric (B1–B7 gates, S1–S3 scored, P1 bonus) is
    # copied into a stored rubric per programme, B7 (人员编制) binding the county public agency only.
    old = migrate_to(BEFORE)
    Criterion = old.get_model("review", "Criterion")
    for criterion in Criterion.objects.all():
        code = legacy_code(criterion.code)
        title = "人员编制（仅县公共就业和人才服务机构）" if code == "B7" else criterion.title
        Criterion.objects.filter(pk=criterion.pk).update(code=code, title=title)
    stored = Rubric.objects.count()

    forward = migrate_to()
    Rubric, Item = forward.get_model("rubrics", "Rubric"), forward.get_model("rubrics", "Item")
    in_use = {plan.rubric_id for plan in forward.get_model("review", "ReviewPlan").objects.all()}
    assert Rubric.objects.count() == stored + len(in_use)  # a copy per old rubric, the stored ones left alone
    copied = {item.code: item.spec for item in Item.objects.filter(rubric__in=in_use)}
    assert set(copied) == {"B1", "B2", "B3", "B4", "B5", "B6", "B7", "S1", "S2", "S3", "P1"}
    assert copied["B7"]["applies_to"] == {"institution_kind": ["public_agency"]} and copied["B1"]["kind"] == "gate"
    assert (copied["S1"]["kind"], copied["S1"]["max"], copied["P1"]["kind"]) == ("judged", "35", "judged")
    assert _scores(forward, "item") == {pk: (sheet, legacy_code(code), *rest) for pk, (sheet, code, *rest) in now.items()}
    assert dict(forward.get_model("review", "ScoreSheet").objects.values_list("pk", "total")) == totals


def legacy_code(code: str) -> str:
    """The old default rubric's code of an item of seed 000's: (一)n → Bn, (二)1 → B7, (二)2–4 → S1–S3, (二)5 → P1."""
    if code.startswith("(一)"):
        return "B" + code[3:]
    return {"(二)1": "B7", "(二)2": "S1", "(二)3": "S2", "(二)4": "S3", "(二)5": "P1"}[code]
