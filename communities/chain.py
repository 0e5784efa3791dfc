"""What the pages of a campaign show: an entry's chain (self, town, district) as steps with what the user may do at
each, a town's progress against its targets (创建进度), and the side-by-side of the levels per item with each change's
reason. Read only; the writes are communities.services."""

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from communities.enums import STARTS_AT, EntryStatus, Level
from communities.models import Campaign, Entry, Evaluation
from communities.selectors import own_level
from communities.services import BELOW, assessment_problems, changed_items
from portal.enums import RegionLevel, Settlement
from portal.models import Region
from rubrics import engine
from rubrics.assessment_forms import item_facts, stored_value
from rubrics.services import rubric_data

ORDER = (Level.SELF, Level.TOWN, Level.DISTRICT)
# Where an entry has got to counts for progress: recommended by its town, verified by the district, publicised, titled.
ADVANCED = (EntryStatus.RECOMMENDED, EntryStatus.VERIFIED, EntryStatus.PUBLICISED, EntryStatus.TITLED)


@dataclass
class Step:
    level: str
    label: str
    evaluation: Evaluation | None
    may_start: bool = False
    may_submit: bool = False
    problems: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def steps(entry: Entry, user) -> list[Step]:
    """The entry's chain as the user sees it: each level's evaluation (or none yet) and, at the user's own level, what
    may be done now (start it, submit it, and what still keeps it from being submitted)."""
    evaluations = {e.level: e for e in entry.evaluations.select_related("assessment", "submitted_by")}
    mine = own_level(user)
    found = []
    for level in ORDER:
        evaluation = evaluations.get(level)
        step = Step(level, Level(level).label, evaluation)
        if level == mine and evaluation is None:
            step.may_start = entry.status == STARTS_AT[level]
        elif level == mine and evaluation.submitted_at is None:
            step.may_submit = True
            step.changed = changed_items(evaluation)
            step.problems = assessment_problems(evaluation, changed=step.changed)
        elif evaluation is not None and evaluation.submitted_at is not None and level in BELOW:
            step.changed = changed_items(evaluation)
        found.append(step)
    return found


@dataclass
class TownProgress:
    town: Region
    listed: int
    communities: int  # of the town, in the region tree
    villages: int
    advanced_communities: int
    advanced_villages: int
    target_count: int | None
    target_community_rate: Decimal | None
    target_village_rate: Decimal | None

    @property
    def advanced(self) -> int:
        return self.advanced_communities + self.advanced_villages

    @staticmethod
    def _needed(rate, total: int) -> int | None:
        if rate is None:
            return None
        return int((Decimal(rate) * total / 100).to_integral_value(rounding=ROUND_CEILING))

    @property
    def communities_needed(self) -> int | None:
        return self._needed(self.target_community_rate, self.communities)

    @property
    def villages_needed(self) -> int | None:
        return self._needed(self.target_village_rate, self.villages)

    @property
    def met(self) -> bool | None:
        """Whether the town's task is met by what its town recommended and the district verified; None without one."""
        checks = []
        if self.target_count is not None:
            checks.append(self.advanced >= self.target_count)
        if self.communities_needed is not None:
            checks.append(self.advanced_communities >= self.communities_needed)
        if self.villages_needed is not None:
            checks.append(self.advanced_villages >= self.villages_needed)
        return all(checks) if checks else None


def town_progress(campaign: Campaign, entries) -> list[TownProgress]:
    """Per town of the entries (the user's jurisdiction), its task and how far it is: three queries whatever the size."""
    targets = {t.town_id: t for t in campaign.targets.all()}
    towns = {e.town_id: e.town for e in entries}
    for town_id, target in targets.items():
        towns.setdefault(town_id, target.town)
    sizes = dict.fromkeys(towns, (0, 0))
    for row in (Region.objects.filter(parent__in=towns, level=RegionLevel.COMMUNITY).values("parent")
                .annotate(c=Count("pk", filter=Q(settlement=Settlement.COMMUNITY)), v=Count("pk", filter=Q(settlement=Settlement.VILLAGE)))):
        sizes[row["parent"]] = (row["c"], row["v"])
    rows = []
    for town_id, town in sorted(towns.items(), key=lambda pair: pair[1].code):
        mine = [e for e in entries if e.town_id == town_id]
        advanced = [e for e in mine if e.status in ADVANCED]
        target = targets.get(town_id)
        rows.append(TownProgress(
            town, len(mine), *sizes[town_id],
            sum(e.community.settlement == Settlement.COMMUNITY for e in advanced),
            sum(e.community.settlement == Settlement.VILLAGE for e in advanced),
            target.count if target else None, target.community_rate if target else None,
            target.village_rate if target else None,
        ))
    return rows


@dataclass
class Cell:
    label: str  # the level's
    points: Decimal | None
    facts: str
    reason: str = ""
    changed: bool = False


@dataclass
class Row:
    code: str
    title: str
    maximum: Decimal
    cells: list[Cell]  # one per level evaluated, in the chain's order


def _points(item: dict, bonus: bool, facts: dict) -> Decimal | None:
    """The item's points from its facts, as the engine gives them (a bonus item not claimed: 0); None where they are
    missing or do not add up."""
    if item.get("kind") == "gate":
        return None
    if bonus and not facts:
        return Decimal(0)
    try:
        return engine.item_points(item, facts)
    except (engine.FactsError, KeyError, TypeError, ValueError):
        return None


def _facts_text(asked, facts: dict) -> str:
    """The facts as people read them: 「就业困难人员中已就业的人数：17；…」, a checklist's entries met by name."""
    shown = []
    for fact in asked:
        value, label = stored_value(facts, fact), fact.label
        if fact.type == "entry":
            if value:
                shown.append(label)
        elif value not in (None, ""):
            shown.append(f"{label}：{(_('是') if value else _('否')) if fact.type == 'bool' else value}")
    return "；".join(shown) or "—"


def comparison(entry: Entry) -> tuple[list[Row], list[str]]:
    """Per item of the rubric, each level's points and facts, and where a level changed the one below, its reason;
    and the levels evaluated, in the chain's order."""
    found = {e.level: e for e in entry.evaluations.select_related("assessment")}
    evaluations = [found[level] for level in ORDER if level in found]
    data = rubric_data(entry.campaign.rubric)
    changed = [set(changed_items(e)) for e in evaluations]
    rows = []
    for item, bonus, asked in item_facts(data):
        code = str(item["code"])
        cells = []
        for evaluation, changes in zip(evaluations, changed, strict=True):
            facts = evaluation.assessment.facts.get(code, {})
            cells.append(Cell(evaluation.get_level_display(), _points(item, bonus, facts), _facts_text(asked, facts),
                              evaluation.assessment.notes.get(code, ""), code in changes))
        rows.append(Row(code, str(item.get("title", "")), Decimal(str(item.get("max", item.get("per_event", 0)))), cells))
    return rows, [e.level for e in evaluations]
