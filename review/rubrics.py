"""The rubric a round's review is scored on (issue 14): a stored rubric of the programme (rubrics.models), scored by
the engine (rubrics.engine). The first plan of a programme that has none installs the county standard of seed 000 四
(rubrics/standards/gq_county_benchmark.json); the plan freezes the rubric it uses.

The review reads an item in the roles its spec gives it (a `Line`):

- required (a `gate`, or an item with `"gate": true`): the reviewer marks 符合 / 不符合; not met by a majority of the
  sheets keeps the application out of the ranking (review.scoring);
- judged (`"kind": "judged"`): the reviewer's points up to the item's maximum; a bonus item (优先评定) only for an
  application that claims a priority item;
- not applicable to the institution (`applies_to`, county condition 1 「其他机构不作要求」): shown as 不适用, asked for
  nothing, never excluding.

Only rubrics whose items are gates and judged points can be reviewed this way (`reviewable`): a community standard's
rates and checklists are facts recorded per item (rubrics), not a reviewer's points.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from portal.enums import InstitutionKind
from portal.models import Programme
from portal.transitions import Refused
from rubrics import engine
from rubrics.models import Item, Rubric
from rubrics.services import rubric_data, rubric_freeze, rubric_install
from rubrics.standards import STANDARDS

STANDARD = "gq_county_benchmark"
REVIEWABLE_KINDS = frozenset({"gate", "judged"})


@transaction.atomic
def programme_rubric(programme) -> Rubric:
    """The programme's newest rubric, installing the county standard if it has none. The programme row is locked before
    looking, so two first visits of the plan page at once install one rubric."""
    Programme.objects.select_for_update(no_key=True).filter(pk=programme.pk).first()
    rubric = reviewable_rubrics(programme)[:1]
    if rubric:
        return rubric[0]
    return rubric_install(STANDARDS[STANDARD], standard=STANDARD, programme=programme)


def reviewable(rubric: Rubric) -> bool:
    return all(item.spec.get("kind") in REVIEWABLE_KINDS for item in rubric.items.all())


def reviewable_rubrics(programme) -> list[Rubric]:
    """The programme's rubrics a review can score on, newest first."""
    rubrics = Rubric.objects.filter(programme=programme).prefetch_related("items").order_by("-created_at", "-pk")
    return [rubric for rubric in rubrics if reviewable(rubric)]


def rubric_put_in_use(rubric: Rubric, *, actor=None) -> None:
    """Freeze the rubric a plan uses; one with items that are not a reviewer's (rates, checklists …) is refused."""
    if not reviewable(rubric):
        raise Refused(_("“%(name)s”含有需要记录事实的评分项（比率、清单等），不能用于评审专家评分。") % {"name": rubric})
    rubric_freeze(rubric, actor=actor)


def subject(application) -> dict:
    """What an item's `applies_to` is read against: the applying institution's kind."""
    return {"institution_kind": application.institution.kind}


@dataclass(frozen=True)
class Line:
    item: Item
    required: bool
    judged: bool
    applicable: bool

    @property
    def is_bonus(self) -> bool:
        return self.item.is_bonus

    @property
    def group(self) -> str:
        return self.item.indicator.title if self.item.indicator_id else _("优先评定（加分项）")

    @property
    def guidance(self) -> str:
        return self.item.spec.get("guidance", "")

    @property
    def not_applicable_text(self) -> str:
        return self.item.spec.get("not_applicable_text", "")

    @property
    def binds_only(self) -> str:
        """The kinds of institution the item binds, where it binds only some (「仅适用于公共就业服务机构」)."""
        kinds = self.item.spec.get("applies_to", {}).get("institution_kind", ())
        return "、".join(str(InstitutionKind(kind).label) for kind in kinds if kind in InstitutionKind.values)

    @property
    def role(self) -> str:
        """What the reviewer gives for it, in words."""
        if self.required and self.judged:
            return _("必备条件，按程度评分")
        if self.required:
            return _("必备条件（符合/不符合）")
        return _("加分项") if self.is_bonus else _("评分项")


def rubric_lines(rubric: Rubric) -> list[Line]:
    """The rubric's lines for no institution in particular (the plan page): every item applies."""
    return sheet_lines(rubric, None)


def sheet_lines(rubric: Rubric, application) -> list[Line]:
    about = subject(application) if application is not None else None
    return [
        Line(
            item=item,
            required=engine.is_required(item.spec),
            judged=item.spec.get("kind") == "judged",
            applicable=engine.applies(item.spec, about),
        )
        for item in rubric.items.select_related("indicator").order_by("order")
    ]


def sheet_facts(lines: list[Line], scores: dict) -> tuple[dict, list[str]]:
    """The engine's facts from a sheet's saved scores (item id → Score), and the codes still to be scored: a required
    item without 符合/不符合, a judged item (not a bonus one) without points. A bonus without points is not claimed."""
    facts, missing = {}, []
    for line in lines:
        if not line.applicable:
            continue
        code, score = line.item.code, scores.get(line.item.pk)
        passed, points = (score.passed, score.points) if score else (None, None)
        item_facts = {}
        if line.required:
            item_facts["met"] = bool(passed)
            if passed is None:
                missing.append(code)
        if line.judged and points is not None:
            item_facts["points"] = points
        elif line.judged and not line.is_bonus:
            item_facts["points"] = Decimal(0)
            missing.append(code)
        if item_facts:
            facts[code] = item_facts
    return facts, list(dict.fromkeys(missing))


def score_facts(rubric: Rubric, facts: dict, application) -> engine.Result:
    return engine.score_rubric(rubric_data(rubric), facts, subject=subject(application))
