"""Setting and handing down 「十百千」 targets (seed 001 二): one save of a region's allocation page.

A region sets its own target of a level unless the region above holds one of that level in the period (then its
target is what was handed down to it); it hands the levels its children can hold down to them, out of its own
target: the shares of one target never exceed it (「已分配 95，本次 8，超出山东省下达的 100」), a target is never cut
below what was already handed down from it, and a share is never cut below what its region handed further down.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from levels import tiers
from levels.models import Target
from levels.selectors import children_of, own_editable
from portal.audit import AuditEvent, audit
from portal.enums import Level
from portal.models import Region
from portal.periods import Period
from portal.transitions import Refused


@dataclass(frozen=True)
class Own:
    """What the page says of one of the region's own targets: the number (None: no target), the deadline (None: the
    period's end) and a note."""

    count: int | None
    deadline: date | None = None
    note: str = ""


@dataclass
class _Plan:
    """The save's figures: what is stored (locked) and what it will be."""

    region: Region
    period: Period
    mine: dict[str, Target]
    theirs: dict[tuple[int, str], Target]
    children: dict[int, Region]
    below: dict[int, int]  # target id → what its region handed further down
    own: dict[str, Own]
    shares: dict[tuple[int, str], int | None]  # only the shares typed differently from what is stored

    def own_count(self, level: str) -> int | None:
        if level in self.own:
            return self.own[level].count
        stored = self.mine.get(level)
        return stored.count if stored else None

    def share(self, key: tuple[int, str]) -> int | None:
        if key in self.shares:
            return self.shares[key]
        stored = self.theirs.get(key)
        return stored.count if stored else None


def _plan(*, region: Region, period: Period, own: dict[str, Own], shares: dict[int, dict[str, int | None]]) -> _Plan:
    """Lock the region's and its children's targets of the period and read what the save would change."""
    list(Region.objects.select_for_update().filter(pk=region.pk).values_list("pk", flat=True))
    mine = {
        t.level: t
        for t in Target.objects.select_for_update(of=("self",)).filter(region=region, period_start=period.start)
        .select_related("parent__region")
    }
    children = {child.pk: child for child in children_of(region)}
    stored = Target.objects.select_for_update().filter(region__in=list(children), period_start=period.start)
    theirs = {(t.region_id, t.level): t for t in stored}
    below = dict(
        Target.objects.filter(parent__in=list(theirs.values())).values("parent").annotate(total=Sum("count"))
        .values_list("parent", "total")
    )
    handed_down = tiers.levels_handed_down(region.level)
    changed = {}
    for child_pk, levels in shares.items():
        for level, count in levels.items():
            if child_pk not in children or level not in handed_down:
                raise Refused(_("只能向本区划的直接下级分配其可承担的层级目标。"))
            stored_target = theirs.get((child_pk, level))
            # A child's own target, set before this one existed, becomes a share once the page hands it down.
            self_set = stored_target is not None and stored_target.parent_id is None and count is not None
            if self_set or count != (stored_target.count if stored_target else None):
                changed[(child_pk, level)] = count
    return _Plan(region, period, mine, theirs, children, below, own, changed)


def _check_own(plan: _Plan) -> None:
    editable = own_editable(plan.region, plan.period)
    for level, typed in plan.own.items():
        if not editable.get(level, False):
            stored = plan.mine.get(level)
            same = stored is not None and (typed.count, typed.deadline or plan.period.end, typed.note) == (
                stored.count, stored.deadline, stored.note)
            if not same:
                raise Refused(_("%(level)s目标由上级下达，不能在本级修改。") % {"level": Level(level).label})
        if typed.deadline is not None and typed.deadline < plan.period.start:
            raise Refused(_("%(level)s目标的完成期限不能早于周期开始（%(start)s）。") % {
                "level": Level(level).label, "start": plan.period.start.isoformat()})


def _source(plan: _Plan, level: str) -> str:
    """Where the region's own target of `level` comes from, in words: 「山东省下达」 or 「本级设定」."""
    stored = plan.mine.get(level)
    if stored is not None and stored.parent_id is not None and level not in plan.own:
        return _("%(region)s下达") % {"region": stored.parent.region.name}
    return _("本级设定")


def _check_shares(plan: _Plan) -> None:
    """Per level handed down: the shares within the region's own target, each share above what its region handed
    further down."""
    for level in tiers.levels_handed_down(plan.region.level):
        keys = [(child_pk, level) for child_pk in plan.children]
        total = sum(plan.share(key) or 0 for key in keys)
        own = plan.own_count(level)
        label = Level(level).label
        if total and own is None and plan.mine.get(level) is not None:
            raise Refused(_("本级%(level)s目标已分配给下级 %(total)d，不能取消。") % {"level": label, "total": total})
        if total and own is None:
            raise Refused(_("请先设定本级%(level)s目标，再分配给下级。") % {"level": label})
        if own is not None and total > own:
            now = sum(plan.shares[key] or 0 for key in keys if key in plan.shares)
            if not any(key in plan.shares for key in keys):
                raise Refused(_("%(level)s目标不能少于已分配给下级的 %(total)d。") % {"level": label, "total": total})
            raise Refused(_("%(level)s目标：已分配 %(already)d，本次 %(now)d，超出%(source)s的 %(own)d。") % {
                "level": label, "already": total - now, "now": now, "source": _source(plan, level), "own": own})
        for key in keys:
            _check_share(plan, key)


def _check_share(plan: _Plan, key: tuple[int, str]) -> None:
    if key not in plan.shares or key not in plan.theirs:
        return
    further = plan.below.get(plan.theirs[key].pk, 0)
    count = plan.shares[key]
    if further and (count is None or count < further):
        raise Refused(_("%(child)s已将%(level)s目标分解 %(further)d 给下级，下达数不能少于 %(further)d。") % {
            "child": plan.children[key[0]].name, "level": Level(key[1]).label, "further": further})


def _save(target: Target, *, actor, now: datetime, reason: str) -> None:
    target.set_by, target.set_at = actor, now
    target._history_user = actor
    target._change_reason = reason
    target.save()


def _delete(target: Target, *, actor, reason: str) -> None:
    target._history_user = actor
    target._change_reason = reason
    target.delete()


def _follow_deadline(target: Target, *, actor, now: datetime) -> None:
    """An allocated target's deadline is its parent's: carried down to the shares and their shares."""
    for share in target.allocations.all():
        if share.deadline != target.deadline:
            share.deadline = target.deadline
            _save(share, actor=actor, now=now, reason=_("随上级调整完成期限"))
            _follow_deadline(share, actor=actor, now=now)


def _write_own(plan: _Plan, *, actor, now: datetime) -> list[str]:
    changes = []
    for level, typed in plan.own.items():
        stored = plan.mine.get(level)
        label = Level(level).label
        deadline = typed.deadline or plan.period.end
        if typed.count is None:
            continue  # withdrawn after the shares (_withdraw_own): a share still refers to it until then
        if stored is not None and (stored.count, stored.deadline, stored.note) == (typed.count, deadline, typed.note):
            continue
        target = stored or Target(region=plan.region, level=level, period_name=plan.period.name,
                                  period_start=plan.period.start, period_end=plan.period.end)
        moved = stored is not None and stored.deadline != deadline
        target.count, target.deadline, target.note = typed.count, deadline, typed.note
        _save(target, actor=actor, now=now, reason=typed.note or _("本级设定"))
        plan.mine[level] = target
        if moved:
            _follow_deadline(target, actor=actor, now=now)
        changes.append(_("%(region)s%(level)s目标 %(count)d，期限 %(deadline)s") % {
            "region": plan.region.name, "level": label, "count": typed.count, "deadline": deadline.isoformat()})
    return changes


def _withdraw_own(plan: _Plan, *, actor) -> list[str]:
    changes = []
    for level, typed in plan.own.items():
        stored = plan.mine.get(level)
        if typed.count is None and stored is not None:
            _delete(stored, actor=actor, reason=typed.note or _("取消本级目标"))
            changes.append(_("%(region)s%(level)s目标取消") % {"region": plan.region.name, "level": Level(level).label})
    return changes


def _write_shares(plan: _Plan, *, note: str, actor, now: datetime) -> list[str]:
    changes = []
    for (child_pk, level), count in sorted(plan.shares.items()):
        child, stored = plan.children[child_pk], plan.theirs.get((child_pk, level))
        label = Level(level).label
        if count is None:
            _delete(stored, actor=actor, reason=note or _("取消下达"))
            changes.append(_("%(child)s%(level)s取消下达") % {"child": child.name, "level": label})
            continue
        parent = plan.mine[level]
        target = stored or Target(region=child, level=level, period_name=plan.period.name,
                                  period_start=plan.period.start, period_end=plan.period.end)
        moved = stored is not None and stored.deadline != parent.deadline
        target.count, target.parent, target.deadline, target.note = count, parent, parent.deadline, note
        _save(target, actor=actor, now=now, reason=note or _("%(region)s下达") % {"region": plan.region.name})
        if moved:
            _follow_deadline(target, actor=actor, now=now)
        changes.append(_("%(child)s%(level)s %(count)d") % {"child": child.name, "level": label, "count": count})
    return changes


def targets_save(
    *, region: Region, period: Period, own: dict[str, Own], shares: dict[int, dict[str, int | None]], note: str = "",
    actor, request=None, now: datetime | None = None,
) -> list[str]:
    """Save a region's own targets of a period and the shares handed down to its children, all or nothing.

    `own`: the levels the region sets itself (levels.selectors.own_editable); `shares`: {child pk: {level: number or
    None}}, None withdrawing a share. Raises Refused (Chinese, with the numbers) and writes nothing when a share would
    exceed its target. Returns the changes in words. Side effects: Target rows created, changed or deleted, each with
    its history row (who, the note as the reason); the shares' deadlines follow their target's; one audit record."""
    now = now or timezone.now()
    with transaction.atomic():
        plan = _plan(region=region, period=period, own=own, shares=shares)
        _check_own(plan)
        _check_shares(plan)
        changes = _write_own(plan, actor=actor, now=now) + _write_shares(plan, note=note, actor=actor, now=now)
        changes += _withdraw_own(plan, actor=actor)
        if changes:
            audit(AuditEvent.ADMIN_CHANGE, user=actor, request=request, obj=region,
                  detail=_("「十百千」目标（%(period)s）：%(changes)s") % {"period": period.name, "changes": "；".join(changes)})
    return changes
