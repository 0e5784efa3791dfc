"""Rubrics as data in the database: installed from a shipped standard (rubrics/standards/), read back as the engine's
data, scored, frozen when put in use, and revised as a new version (a copy naming the one it came from)."""

from copy import deepcopy
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import AuditEvent, audit
from portal.transitions import Refused
from rubrics import engine
from rubrics.models import Indicator, Item, Rubric

# The document's text of an item: kept in columns to show and edit; the rest of the item is the engine's spec.
TEXT = {"title": "title", "content": "content", "standard": "standard_text", "method": "method",
        "method_kinds": "method_kinds", "offices": "offices", "star": "star", "guiding": "guiding"}


def _item_row(rubric, data: dict, *, indicator, order: int, is_bonus: bool) -> Item:
    points = data.get("max", data.get("per_event", 0))
    row = Item(
        rubric=rubric, indicator=indicator, code=data["code"], max_points=Decimal(str(points)), order=order,
        is_bonus=is_bonus, spec=data,
    )
    for key, field in TEXT.items():
        if key in data:
            setattr(row, field, data[key])
    return row


@transaction.atomic
def rubric_install(data: dict, *, standard: str = "", programme=None, actor=None, previous=None) -> Rubric:
    """Store a rubric given as the engine's data (a shipped standard, or a copy of a stored one)."""
    rubric = Rubric.objects.create(
        name=data["name"], document=data.get("document", ""), version=data.get("version", ""), standard=standard,
        programme=programme, full_marks=Decimal(str(data.get("full_marks", 100))),
        bonus_cap=Decimal(str(data.get("bonus_cap", 0))), notes=list(data.get("notes", [])), previous=previous,
        created_by=actor,
    )
    indicators = {
        row["code"]: Indicator.objects.create(
            rubric=rubric, code=row["code"], title=row["title"], points=Decimal(str(row["points"])), order=order
        )
        for order, row in enumerate(data.get("indicators", ()))
    }
    rows = [
        _item_row(rubric, item, indicator=indicators.get(item.get("indicator")), order=order, is_bonus=False)
        for order, item in enumerate(data["items"])
    ]
    rows += [
        _item_row(rubric, item, indicator=None, order=len(rows) + order, is_bonus=True)
        for order, item in enumerate(data.get("bonus", ()))
    ]
    Item.objects.bulk_create(rows)
    return rubric


# A frozen rubric's data by (pk, frozen time): it never changes once frozen, and every save of an assessment on it
# scores it again (building the data reads and copies every item, about 5 ms for annex 4). Read only for callers.
_FROZEN_DATA: dict[tuple, dict] = {}
_FROZEN_KEPT = 256


def rubric_data(rubric: Rubric) -> dict:
    """The stored rubric as the engine's data, its items' columns (as edited) over their specs. Callers must not change
    what they get: a frozen rubric's data is shared (copy before changing, as `rubric_new_version` does with `|`)."""
    if not rubric.is_frozen:
        return _rubric_data(rubric)
    key = (rubric.pk, rubric.frozen_at)
    data = _FROZEN_DATA.get(key)
    if data is None:
        if len(_FROZEN_DATA) >= _FROZEN_KEPT:
            _FROZEN_DATA.clear()
        data = _FROZEN_DATA[key] = _rubric_data(rubric)
    return data


def forget_frozen_data() -> None:
    """Drop the kept data (tests, whose rolled-back rubrics can come back under the same pk)."""
    _FROZEN_DATA.clear()


def _rubric_data(rubric: Rubric) -> dict:
    items, bonus = [], []
    for row in rubric.items.select_related("indicator").order_by("order"):
        item = deepcopy(row.spec)
        item["code"] = row.code
        item["indicator"] = row.indicator.code if row.indicator else None
        # An item's points as edited: its maximum, or a bonus item's points per event where it has no maximum.
        item["max" if "max" in row.spec or not row.is_bonus else "per_event"] = str(row.max_points.normalize())
        for key, field in TEXT.items():
            item[key] = getattr(row, field)
        (bonus if row.is_bonus else items).append(item)
    return {
        "name": rubric.name, "document": rubric.document, "version": rubric.version,
        "full_marks": str(rubric.full_marks.normalize()), "bonus_cap": str(rubric.bonus_cap.normalize()),
        "notes": list(rubric.notes),
        "indicators": [
            {"code": i.code, "title": i.title, "points": str(i.points.normalize())} for i in rubric.indicators.all()
        ],
        "items": items,
        "bonus": bonus,
    }


def rubric_score(rubric: Rubric, facts: dict) -> engine.Result:
    return engine.score_rubric(rubric_data(rubric), facts)


def rubric_freeze(rubric: Rubric, *, actor=None) -> Rubric:
    """Put a rubric in use: from now on it is read only (an evaluation scored on it must stay explainable)."""
    if rubric.is_frozen:
        return rubric
    rubric.frozen_at = timezone.now()
    rubric.save(update_fields=["frozen_at"])
    audit(AuditEvent.TRANSITION, user=actor, obj=rubric, detail=f"rubric frozen: {rubric}")
    return rubric


@transaction.atomic
def rubric_new_version(rubric: Rubric, *, version: str, actor=None) -> Rubric:
    """A revision: a copy of the rubric under a new version label, open to editing, naming the one it came from."""
    if not version.strip():
        raise Refused(_("请填写新版本的名称，例如：2025年修订版。"))
    if Rubric.objects.filter(name=rubric.name, version=version.strip()).exists():
        raise Refused(_("该评分标准已有“%(version)s”版本。") % {"version": version.strip()})
    data = rubric_data(rubric) | {"version": version.strip()}
    copy = rubric_install(data, standard=rubric.standard, programme=rubric.programme, actor=actor, previous=rubric)
    audit(AuditEvent.TRANSITION, user=actor, obj=copy, detail=f"rubric revised from #{rubric.pk}: {copy}")
    return copy


def item_update(item: Item, *, actor=None, **fields) -> Item:
    """Change an item of a rubric not yet in use (its text, its maximum); a frozen rubric refuses."""
    if item.rubric.is_frozen:
        raise Refused(_("该评分标准已启用，不能修改；请另存为新版本后修改。"))
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()
    audit(AuditEvent.TRANSITION, user=actor, obj=item.rubric, detail=f"rubric item {item.code} changed: {sorted(fields)}")
    return item


def seed_rubrics(*, actor=None) -> list[str]:
    """The demo: every shipped standard added once, outside any programme (the system administrator's), the first put
    in use so the demo shows both states."""
    from rubrics.standards import STANDARDS

    added = []
    for slug, data in STANDARDS.items():
        if Rubric.objects.filter(standard=slug).exists():
            continue
        rubric = rubric_install(data, standard=slug, actor=actor)
        if not added:
            rubric_freeze(rubric, actor=actor)
        added.append(str(rubric))
    return added
