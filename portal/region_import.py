"""What a 行政区划 list read from Excel (portal.region_excel) changes, and applying it (issue 15 point 1).

Each row, in the file's order, against the regions the user maintains (portal.regions.regions_managed_by) and the rows
above it:

- 新增 (ADD): no region matches; without a code a town or community gets a local code (portal.regions.local_code);
- 修改 (CHANGE): the row's 区划代码 is a stored region's, and its name (更名), parent (迁移: only with a local code, which
  becomes a local code under the new parent) or 社区或村 differ; or a region of that name under that parent has a
  local code and the row gives the real one (更正代码). Either way the descendants follow a new code;
- 无变化 (SAME): it matches and changes nothing;
- 不予导入 (REFUSED): with the reason in Chinese — unknown parent, a level that is not one below the parent's, a code
  of the wrong shape or not under the parent, a local-range code typed by hand, a duplicate, outside the user's
  jurisdiction …

The preview writes nothing. It is signed with the rows and a fingerprint of the regions the user maintains (views):
applying re-plans the same rows under a lock, refuses when the fingerprint changed, and writes the plan's rows in one
transaction with their history and one audit record.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from portal import regions
from portal.audit import AuditEvent, audit
from portal.enums import RegionLevel, Settlement
from portal.models import Region
from portal.region_excel import name_text, parse_level, parse_settlement
from portal.transitions import Refused

ADD, CHANGE, SAME, REFUSED = "add", "change", "same", "refused"


@dataclass
class Change:
    what: str
    before: str
    after: str


@dataclass
class PlannedRow:
    number: int
    name: str
    level: str = ""
    parent: str = ""  # the parent as the row names it
    kind: str = REFUSED
    reason: str = ""
    changes: list[Change] = field(default_factory=list)
    region: Region | None = None  # as it will be saved

    @property
    def level_label(self) -> str:
        return RegionLevel(self.level).label if self.level else ""


@dataclass
class Plan:
    rows: list[PlannedRow]

    def of(self, kind: str) -> list[PlannedRow]:
        return [row for row in self.rows if row.kind == kind]

    def changing(self, what: str) -> int:
        return sum(1 for row in self.of(CHANGE) for change in row.changes if change.what == what)

    @property
    def writes(self) -> int:
        return len(self.of(ADD)) + len(self.of(CHANGE))

    def summary(self) -> dict[str, int]:
        return {
            "added": len(self.of(ADD)), "renamed": self.changing(RENAMED), "moved": self.changing(MOVED),
            "recoded": self.changing(RECODED), "settlement": self.changing(SETTLEMENT),
            "unchanged": len(self.of(SAME)), "refused": len(self.of(REFUSED)),
        }


# What a change is called on the preview (and counted by): gettext at use, so each request's language.
RENAMED, MOVED, RECODED, SETTLEMENT = "renamed", "moved", "recoded", "settlement"
CODE = "code"  # the new local code a move gives: shown, not counted


def change_label(what: str) -> str:
    return {RENAMED: _("更名"), MOVED: _("迁移"), RECODED: _("更正代码"), SETTLEMENT: _("社区或村"), CODE: _("本地编码")}[what]


def _key(node: Region):
    return node.pk if node.pk else ("row", id(node))


def _key_of(node: Region | None):
    """The key of a parent, None for the top."""
    return _key(node) if node is not None else None


class _Planner:
    """The regions in memory, changed row by row as the import would change them (nothing is saved)."""

    def __init__(self, user):
        self.roots = regions.jurisdiction_roots(user)
        nodes = list(regions.regions_managed_by(user).select_related("parent"))
        by_pk = {node.pk: node for node in nodes}
        self.by_code, self.by_name = {}, defaultdict(list)
        self.siblings, self.children = {}, defaultdict(list)
        for node in nodes:
            if node.parent_id in by_pk:  # one object per region, so a change in memory reaches every row
                node.parent = by_pk[node.parent_id]
            self._register(node)
        self.claimed: dict = {}  # node key → the first row that names it
        self.written: dict = {}  # node key → the row that adds or changes it
        self.refused: dict[str, int] = {}  # a refused row's code and name → its number
        self.taken: set[str] = set()

    def _register(self, node: Region) -> None:
        self.by_code[node.code] = node
        self.by_name[node.name].append(node)
        self.siblings[(_key_of(node.parent), node.name)] = node
        self.children[_key_of(node.parent)].append(node)

    def in_scope(self, node: Region | None) -> bool:
        if node is None:
            return self.roots is None
        return not node.pk or self.roots is None or any(root.contains(node) for root in self.roots)

    # --- one row ----------------------------------------------------------------------------------------------------

    def plan(self, raw: list) -> PlannedRow:
        number, parent_code, parent_name, code, name, level_text, settlement_text = raw
        row = PlannedRow(number=number, name=name_text(name), parent=parent_code or parent_name)
        try:
            row.level, settlement = _level_and_settlement(level_text, settlement_text)
            problem = regions.name_problem(row.name)
            if problem:
                raise Refused(problem)
            existing = self.by_code.get(code) if code else None
            parent = self._parent(parent_code, parent_name, row.level, existing)
            if existing is not None:
                self._change(row, existing, parent=parent, settlement=settlement)
            elif (match := self.siblings.get((_key_of(parent), row.name))) is not None:
                self._change(row, match, parent=parent, settlement=settlement, code=code)
            else:
                self._add(row, parent=parent, code=code, settlement=settlement)
        except Refused as refusal:
            row.kind, row.reason = REFUSED, str(refusal)
            for word in filter(None, (code, row.name)):
                self.refused.setdefault(word, number)
        return row

    def _parent(self, parent_code: str, parent_name: str, level: str, existing: Region | None) -> Region | None:
        if level == RegionLevel.PROVINCE:
            if parent_code or parent_name:
                raise Refused(_("省级区划没有上级区划。"))
            return None
        current = existing.parent if existing is not None else None
        if current is not None and parent_code in ("", current.code) and parent_name in ("", current.name):
            return current  # the row's own parent, even at the top of the jurisdiction
        if parent_code:
            node = self.by_code.get(parent_code)
            if node is None:
                raise Refused(self._unknown(parent_code, _("找不到上级区划代码%(ref)s：须是已有的区划，或本表中此行以上新增的区划。")))
            if parent_name and node.name != parent_name:
                raise Refused(_("上级区划代码%(code)s是“%(name)s”，与上级名称“%(given)s”不一致。") % {
                    "code": parent_code, "name": node.name, "given": parent_name,
                })
            return node
        if not parent_name:
            raise Refused(_("请填写上级区划代码或上级名称。"))
        candidates = self.by_name.get(parent_name, [])
        if len(candidates) > 1:
            raise Refused(_("名为“%(name)s”的区划不止一个（%(codes)s），请填写上级区划代码。") % {
                "name": parent_name, "codes": "、".join(node.code for node in candidates),
            })
        if not candidates:
            raise Refused(self._unknown(parent_name, _("找不到名为“%(ref)s”的上级区划：须是已有的区划，或本表中此行以上新增的区划。")))
        return candidates[0]

    def _unknown(self, ref: str, message: str) -> str:
        if ref in self.refused:
            return _("上级“%(ref)s”（第%(number)d行）不予导入，本行也不能导入。") % {"ref": ref, "number": self.refused[ref]}
        return message % {"ref": ref}

    def _claim(self, node: Region, row: PlannedRow) -> None:
        earlier = self.claimed.setdefault(_key(node), row.number)
        if earlier != row.number:
            raise Refused(_("与第%(number)d行是同一个区划。") % {"number": earlier})

    def _add(self, row: PlannedRow, *, parent: Region | None, code: str, settlement: str) -> None:
        if not self.in_scope(parent):
            raise Refused(_("上级“%(name)s”不在您管辖的区划之内。") % {"name": parent.name} if parent else _("只有系统管理员可以新增省级区划。"))
        for problem in (regions.level_problem(row.level, parent), regions.settlement_problem(row.level, settlement)):
            if problem:
                raise Refused(problem)
        if code:
            self._check_code(code, level=row.level, parent=parent)
        node = Region(name=row.name, level=row.level, parent=parent, settlement=settlement, code=code)
        if not code:
            node.code, node.code_is_local = regions.local_code(parent, row.level, self.taken | set(self.by_code)), True
        self._claim(node, row)
        self.written[_key(node)] = row.number
        self.taken.add(node.code)
        self._register(node)
        row.kind, row.region = ADD, node

    def _check_code(self, code: str, *, level: str, parent: Region | None) -> None:
        problem = regions.code_problem(code, level=level, parent=parent)
        if problem:
            raise Refused(problem)
        if code in self.by_code or code in self.taken:
            holder = self.by_code.get(code)
            raise Refused(_("代码%(code)s已属于“%(name)s”。") % {"code": code, "name": holder.name if holder else code})

    def _change(self, row: PlannedRow, node: Region, *, parent: Region | None, settlement: str, code: str = "") -> None:
        """`node` matched by its code (a rename, a move, a change of 社区或村) or by its name under `parent` (the row
        may give the real code of a local one)."""
        if node.level != row.level:
            raise Refused(_("“%(name)s”（%(code)s）是%(level)s一级，与表中的层级不符。") % {
                "name": node.name, "code": node.code, "level": RegionLevel(node.level).label,
            })
        changes = self._changes(node, row=row, parent=parent, settlement=settlement, code=code)
        self._claim(node, row)
        if not changes:
            row.kind, row.region = SAME, node
            return
        if not (self.in_scope(node.parent) and self.in_scope(parent)):
            raise Refused(_("“%(name)s”是您管辖区划的最上级或不在其内，不能在这里修改。") % {"name": node.name})
        self._apply_in_memory(node, row=row, parent=parent, settlement=settlement, changes=changes)
        self.written[_key(node)] = row.number
        row.kind, row.region, row.changes = CHANGE, node, changes

    def _changes(self, node: Region, *, row: PlannedRow, parent, settlement: str, code: str) -> list[Change]:
        changes = []
        if _key_of(parent) != _key_of(node.parent):
            if not node.code_is_local:
                raise Refused(_("“%(name)s”有统计用区划代码%(code)s，代码已决定其上级，不能迁移。") % {"name": node.name, "code": node.code})
            problem = regions.level_problem(row.level, parent)
            if problem:
                raise Refused(problem)
            changes.append(Change(MOVED, node.parent.name if node.parent else "—", parent.name if parent else "—"))
        if code and code != node.code:
            if not node.code_is_local:
                raise Refused(_("“%(name)s”已有代码%(code)s，与表中的代码%(given)s不同。") % {
                    "name": node.name, "code": node.code, "given": code,
                })
            self._check_code(code, level=row.level, parent=parent)
            changes.append(Change(RECODED, node.code, code))
        if row.name != node.name:
            changes.append(Change(RENAMED, node.name, row.name))
        if settlement and settlement != node.settlement:  # left blank: unchanged
            problem = regions.settlement_problem(row.level, settlement)
            if problem:
                raise Refused(problem)
            changes.append(Change(SETTLEMENT, node.get_settlement_display() or "—", Settlement(settlement).label))
        if any(change.what in (MOVED, RENAMED) for change in changes):
            taken = self.siblings.get((_key_of(parent), row.name))
            if taken is not None and taken is not node:
                raise Refused(_("“%(parent)s”下已有名为“%(name)s”的区划。") % {
                    "parent": parent.name if parent else _("最上级"), "name": row.name,
                })
        return changes

    def _apply_in_memory(self, node: Region, *, row: PlannedRow, parent, settlement: str, changes: list[Change]) -> None:
        whats = {change.what for change in changes}
        new_code = next((change.after for change in changes if change.what == RECODED), None)
        if MOVED in whats:
            new_code = regions.local_code(parent, node.level, self.taken | set(self.by_code))
            changes.append(Change(CODE, node.code, new_code))
        if new_code:
            # A descendant written by a row above would be written with its old code first: refused, with the fix.
            for child in self._below(node):
                if _key(child) in self.written:
                    raise Refused(_("下级“%(name)s”在第%(number)d行已有修改：请把改变本区划代码的行放在其下级各行之前。") % {
                        "name": child.name, "number": self.written[_key(child)],
                    })
            self._recode(node, new_code)
            node.code_is_local = MOVED in whats
        self.siblings.pop((_key_of(node.parent), node.name), None)
        self.children[_key_of(node.parent)].remove(node)
        node.name, node.parent, node.settlement = row.name, parent, settlement or node.settlement
        if node not in self.by_name[node.name]:
            self.by_name[node.name].append(node)
        self.siblings[(_key_of(parent), node.name)] = node
        self.children[_key_of(parent)].append(node)

    def _below(self, node: Region):
        for child in self.children.get(_key(node), []):
            yield child
            yield from self._below(child)

    def _recode(self, node: Region, code: str) -> None:
        """Give `node` its new code and its descendants in memory the new prefix, as region_update will in the
        database (the old codes still find them: the file names them so)."""
        old_prefix = node.code_prefix
        node.code = code
        self.by_code[code] = node
        self.taken.add(code)
        for child in self.children.get(_key(node), []):
            self._recode(child, node.code_prefix + child.code[len(old_prefix):])


def _level_and_settlement(level_text: str, settlement_text: str) -> tuple[str, str]:
    try:
        level, implied = parse_level(level_text)
    except ValueError:
        raise Refused(_("层级“%(level)s”无法识别，应为省、市、县（市、区）、街道（镇）或社区（村）。") % {"level": level_text}) from None
    try:
        settlement = parse_settlement(settlement_text)
    except ValueError:
        raise Refused(_("社区或村“%(value)s”无法识别，应为“社区”或“村”。") % {"value": settlement_text}) from None
    if implied and settlement and implied != settlement:
        raise Refused(_("层级“%(level)s”与社区或村“%(value)s”不一致。") % {"level": level_text, "value": settlement_text})
    return level, settlement or implied


def import_plan(user, rows: list[list]) -> Plan:
    """What importing `rows` (portal.region_excel.read_rows) would do for `user`; nothing is saved."""
    planner = _Planner(user)
    return Plan(rows=[planner.plan(raw) for raw in rows])


def region_fingerprint(user) -> str:
    """A digest of the regions `user` maintains: a preview made before any of them changed is stale."""
    digest = hashlib.sha256()
    fields = ("pk", "code", "name", "level", "parent_id", "settlement", "code_is_local")
    for values in regions.regions_managed_by(user).order_by("pk").values_list(*fields):
        digest.update(repr(values).encode())
    return digest.hexdigest()


def import_apply(*, user, rows: list[list], fingerprint: str, file_name: str, sha256: str, request=None) -> Plan:
    """Write what the preview showed: the plan of `rows` again, refused when the regions changed since
    (`fingerprint`). Side effects: the added and changed regions (and recoded descendants) with their history, in one
    transaction with one audit record."""
    with transaction.atomic():
        list(regions.regions_managed_by(user).select_for_update().values_list("pk", flat=True))
        if region_fingerprint(user) != fingerprint:
            raise Refused(_("预览之后区划已有变化（可能有人同时修改），没有导入任何内容，请重新上传Excel文件。"))
        plan = import_plan(user, rows)
        for row in plan.rows:
            if row.kind not in (ADD, CHANGE):
                continue
            node = row.region
            node.parent = node.parent  # a parent added by a row above has its id now
            if row.kind == ADD:
                regions.region_add(node, actor=user, reason=_("Excel导入：新增"))
            else:
                whats = "、".join(change_label(change.what) for change in row.changes if change.what != CODE)
                regions.region_update(node, actor=user, reason=_("Excel导入：%(changes)s") % {"changes": whats})
        counts = plan.summary()
        detail = f"region import «{file_name}» sha256={sha256[:16]} " + " ".join(f"{k}={v}" for k, v in counts.items())
        audit(AuditEvent.ADMIN_CHANGE, user=user, request=request, detail=detail[:1000])
    return plan
