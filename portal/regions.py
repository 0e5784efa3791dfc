"""Regions down to the village (行政区划): the codes' rules, local codes, and the writes that keep the tree's prefixes.

Codes. A province, city or county has its 6-digit 行政区划代码 (GB/T 2260: 370000, 370300, 370322). A town or street
(街道（镇）) and a community or village (社区（村）) have the National Bureau of Statistics' 12-digit 统计用区划代码: the
county's 6 digits, then 3 for the town (the last 3 are 000), then 3 for the community. Every query "this region and
below" compares code prefixes (`Region.code_prefix`, `Region.contains`), so a region's code always starts with its
parent's prefix; the writes here refuse anything else and carry the descendants along when a code changes.

Local codes (本地编码). A town or community whose statistical code is not known yet gets one inside its parent's, in a
range the statistical codes do not use: by the NBS rules (统计用区划代码编制规则) a town's 3 digits are 001–099 街道,
100–199 镇, 200–399 乡, 400–599 政企合一单位, and a community's 001–199 居民委员会, 200–399 村民委员会, 400–599 类似居委会
或村委会; 600–999 is used by neither. The portal takes 901–999 at both levels:

- a town: ``<county 6 digits>9NN000`` (e.g. 370322901000),
- a community or village: ``<town 9 digits>9NN`` (e.g. 440117901905).

`Region.code_is_local` marks them, pages show 「本地编码」 beside them, and a code typed by hand in that range is refused
(it would collide with a later local code). Correcting a local code to the real one, or moving a region with a local
code, recodes every descendant in the same transaction: the descendants' own digits are kept and their prefix follows
the new code (`region_update`). A region with a real code cannot move: its code says where it is.
"""

import re

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from portal.enums import RegionLevel, Role, Settlement
from portal.models import Region
from portal.permissions import remit, sees_everything
from portal.selectors import programmes_managed_by
from portal.transitions import Refused

LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWN, RegionLevel.COMMUNITY)
PARENT_LEVEL = dict(zip(LEVELS[1:], LEVELS[:-1], strict=True))
CODE_LENGTH = {level: 12 if level in (RegionLevel.TOWN, RegionLevel.COMMUNITY) else 6 for level in LEVELS}
# Where each level's own digits are in a 12-digit code, and the levels that may have a local code.
SEGMENT = {RegionLevel.TOWN: slice(6, 9), RegionLevel.COMMUNITY: slice(9, 12)}
LOCAL_FIRST, LOCAL_LAST = 901, 999
NAME_MAX = Region._meta.get_field("name").max_length
_DIGITS = re.compile(r"[0-9]+")


# --- the rules, as Chinese sentences (None when the value is right) -------------------------------------------------


def is_local_code(code: str, level: str) -> bool:
    """Whether `code` lies in the range the portal keeps for local codes at `level` (9xx)."""
    segment = SEGMENT.get(level)
    return segment is not None and len(code) == 12 and code[segment].startswith("9")


def level_problem(level: str, parent: Region | None) -> str | None:
    if level == RegionLevel.PROVINCE:
        return _("省级区划没有上级区划。") if parent is not None else None
    if parent is None:
        return _("请填写上级区划。")
    expected = PARENT_LEVEL[level]
    if parent.level != expected:
        return _("%(level)s的上级应为%(expected)s一级，“%(parent)s”是%(actual)s一级。") % {
            "level": RegionLevel(level).label, "expected": RegionLevel(expected).label,
            "parent": parent.name, "actual": RegionLevel(parent.level).label,
        }
    return None


def _shape_problem(code: str, level: str) -> str | None:
    """The level's own digits: what a code of that level must look like, whatever its parent."""
    shapes = {
        RegionLevel.PROVINCE: (code.endswith("0000"), _("省级代码的后4位应为0000。")),
        RegionLevel.CITY: (code.endswith("00") and not code.endswith("0000"), _("市级代码的后2位应为00，第3、4位不能是00。")),
        RegionLevel.COUNTY: (not code.endswith("00"), _("县级代码的后2位不能是00。")),
        RegionLevel.TOWN: (code.endswith("000") and code[6:9] != "000", _("街道（镇）代码的后3位应为000，第7至9位不能是000。")),
        RegionLevel.COMMUNITY: (not code.endswith("000"), _("社区（村）代码的后3位不能是000。")),
    }
    right, message = shapes[level]
    return None if right else message


def code_problem(code: str, *, level: str, parent: Region | None, local: bool = False) -> str | None:
    """What is wrong with `code` for a region of `level` under `parent`: its length and digits, the level's own
    digits, the parent's prefix, and the local range (only a local code may use it, and a local code must)."""
    length = CODE_LENGTH[level]
    if not _DIGITS.fullmatch(code or "") or len(code) != length:
        kind = _("统计用区划代码") if length == 12 else _("行政区划代码")
        return _("%(level)s的代码应为%(length)d位数字（%(kind)s），“%(code)s”不是。") % {
            "level": RegionLevel(level).label, "length": length, "kind": kind, "code": code,
        }
    problem = _shape_problem(code, level)
    if problem:
        return problem
    if parent is not None and not code.startswith(parent.code_prefix):
        return _("代码%(code)s不在上级“%(parent)s”之内：应以%(prefix)s开头。") % {
            "code": code, "parent": parent.name, "prefix": parent.code_prefix,
        }
    if is_local_code(code, level) and not local:
        return _("代码%(code)s落在本地编码段（第%(start)d至%(end)d位为9开头），该段留给没有统计用区划代码的区划：请填写正式代码，或留空由系统编排。") % {
            "code": code, "start": SEGMENT[level].start + 1, "end": SEGMENT[level].stop,
        }
    if local and not is_local_code(code, level):
        return _("本地编码只用于街道（镇）和社区（村），且在9开头的代码段内。")
    return None


def settlement_problem(level: str, settlement: str) -> str | None:
    if level == RegionLevel.COMMUNITY:
        return None if settlement in Settlement.values else _("社区（村）须注明是社区还是村。")
    return _("只有社区（村）一级填写“社区或村”。") if settlement else None


def name_problem(name: str) -> str | None:
    if not name:
        return _("名称不能为空。")
    if len(name) > NAME_MAX:
        return _("名称不能超过%(max)d个字。") % {"max": NAME_MAX}
    return None


def region_problems(region: Region) -> list[str]:
    """Everything wrong with `region` as it would be saved: its own fields, then its place among the stored rows (a
    code another region holds, a sibling of the same name)."""
    parent = region.parent
    problems = [
        name_problem(region.name),
        level_problem(region.level, parent),
        code_problem(region.code, level=region.level, parent=parent, local=region.code_is_local),
        settlement_problem(region.level, region.settlement),
    ]
    others = Region.objects.exclude(pk=region.pk)
    holder = others.filter(code=region.code).first()
    if holder:
        problems.append(_("代码%(code)s已属于“%(name)s”。") % {"code": region.code, "name": holder.name})
    if others.filter(parent=parent, name=region.name).exists():
        problems.append(_("“%(parent)s”下已有名为“%(name)s”的区划。") % {
            "parent": parent.name if parent else _("最上级"), "name": region.name,
        })
    return [problem for problem in problems if problem]


# --- local codes ------------------------------------------------------------------------------------------------------


def local_code(parent: Region | None, level: str, taken=frozenset()) -> str:
    """The first free local code under `parent` for a new region of `level` (a town or a community), skipping the
    codes stored and those in `taken` (an import's rows not saved yet)."""
    if level not in SEGMENT:
        raise Refused(_("县级以上区划须填写6位行政区划代码，不能由系统编排。"))
    problem = level_problem(level, parent)
    if problem:
        raise Refused(problem)
    base = parent.code_prefix
    suffix = "000" if level == RegionLevel.TOWN else ""
    used = set(Region.objects.filter(code__startswith=f"{base}9").values_list("code", flat=True)) | set(taken)
    for number in range(LOCAL_FIRST, LOCAL_LAST + 1):
        code = f"{base}{number}{suffix}"
        if code not in used:
            return code
    raise Refused(_("“%(parent)s”下的本地编码（%(first)d至%(last)d）已用完，请先把已有区划的本地编码更正为统计用区划代码。") % {
        "parent": parent.name, "first": LOCAL_FIRST, "last": LOCAL_LAST,
    })


# --- writes -----------------------------------------------------------------------------------------------------------


def _save(region: Region, *, actor, reason: str) -> None:
    region._history_user = actor
    region._change_reason = reason
    region.save()


def region_check(region: Region) -> Region | None:
    """Make `region` what region_add or region_update would save, or refuse (Refused, in Chinese): a new town or
    community without a code gets a local code; a stored region with a local code and a new parent gets a local code
    under it (one with a real code cannot move); its level never changes. Returns the stored row (None for a new one).
    The admin site's form calls it on a copy to show the refusal beside the fields."""
    stored = Region.objects.get(pk=region.pk) if region.pk else None
    if stored is None and not region.code:
        region.code, region.code_is_local = local_code(region.parent, region.level), True
    if stored is not None and region.level != stored.level:
        raise Refused(_("区划的层级不能修改。"))
    if stored is not None and region.parent_id != stored.parent_id and region.code == stored.code:
        if not stored.code_is_local:
            raise Refused(_("“%(name)s”有统计用区划代码%(code)s，代码已决定其上级，不能迁移到“%(parent)s”。") % {
                "name": stored.name, "code": stored.code, "parent": region.parent.name if region.parent else "—",
            })
        region.code, region.code_is_local = local_code(region.parent, region.level), True
    problems = region_problems(region)
    if problems:
        raise Refused(problems[0])
    return stored


@transaction.atomic
def region_add(region: Region, *, actor=None, reason: str = "") -> Region:
    """Save a new region; without a code, a town or community gets the next local code under its parent.

    Raises Refused (Chinese) naming the first problem. Side effects: one Region and its history row."""
    region_check(region)
    _save(region, actor=actor, reason=reason or _("新增区划"))
    return region


@transaction.atomic
def region_update(region: Region, *, actor=None, reason: str = "") -> Region:
    """Save the changes made to a stored region (name, parent, code, settlement; never its level).

    A new code (a local one corrected, or a move's) recodes every descendant in the same transaction, each keeping
    its own digits. Raises Refused (Chinese) and writes nothing when any of it is wrong. Side effects: the region's
    and each recoded descendant's row and history row."""
    list(Region.objects.select_for_update().filter(pk=region.pk).values_list("pk", flat=True))  # the row locked
    stored = region_check(region)
    if region.code != stored.code:
        _recode_descendants(stored, region, actor=actor)
    _save(region, actor=actor, reason=reason or _change_reason(stored, region))
    return region


def _change_reason(stored: Region, region: Region) -> str:
    fields = [Region._meta.get_field(name) for name in ("name", "parent", "code", "settlement")]
    changed = [
        str(field.verbose_name) for field in fields if getattr(stored, field.attname) != getattr(region, field.attname)
    ]
    return _("修改：%(fields)s") % {"fields": "、".join(changed)} if changed else _("保存")


def descendants(region: Region) -> list[Region]:
    """Every subdivision of `region` through the parent links, level by level (one query per level)."""
    found, layer = [], [region.pk]
    while layer:
        children = list(Region.objects.filter(parent_id__in=layer).order_by("code"))
        found += children
        layer = [child.pk for child in children]
    return found


def _recode_descendants(stored: Region, region: Region, *, actor) -> None:
    """Give each descendant of `stored` the prefix of `region`'s new code, or refuse before writing anything."""
    old_prefix, new_prefix = stored.code_prefix, region.code_prefix
    below = descendants(stored)
    for child in below:
        if not child.code.startswith(old_prefix):
            raise Refused(_("下级“%(name)s”的代码%(code)s不以%(prefix)s开头，无法随之改码，请先更正它。") % {
                "name": child.name, "code": child.code, "prefix": old_prefix,
            })
    recoded = {child.pk: new_prefix + child.code[len(old_prefix):] for child in below}
    holder = Region.objects.filter(code__in=recoded.values()).exclude(pk__in=recoded).first()
    if holder:
        raise Refused(_("改码后的代码%(code)s已属于“%(name)s”。") % {"code": holder.code, "name": holder.name})
    reason = _("上级“%(name)s”的代码改为%(code)s，随之改码") % {"name": region.name, "code": region.code}
    for child in below:
        child.code = recoded[child.pk]
        _save(child, actor=actor, reason=reason)


def region_ensure(*, name: str, level: str, parent: Region | None, code: str = "", settlement: str = "",
                  actor=None) -> Region:
    """The region of that name under `parent` (or with that code), created when missing: the demo's way to be run
    again and again. A stored region keeps its code (a local one may have been corrected since)."""
    found = Region.objects.filter(code=code).first() if code else None
    found = found or Region.objects.filter(parent=parent, name=name, level=level).first()
    if found is None:
        return region_add(Region(name=name, level=level, parent=parent, code=code, settlement=settlement), actor=actor)
    if (found.name, found.parent_id, found.settlement) != (name, parent.pk if parent else None, settlement):
        found.name, found.parent, found.settlement = name, parent, settlement
        region_update(found, actor=actor)
    return found


# --- who manages which regions -----------------------------------------------------------------------------------------


def jurisdiction_roots(user) -> list[Region] | None:
    """The tops of the regions the user maintains: None for every region (sees_everything); a programme admin's, the
    jurisdictions of the programmes it manages (none inside another); nobody else's."""
    if sees_everything(user):
        return None
    if not (user.is_authenticated and user.role == Role.PROGRAMME_ADMIN):
        return []
    regions = {programme.region for programme in programmes_managed_by(user)}
    roots = [region for region in regions if not any(other != region and other.contains(region) for other in regions)]
    return sorted(roots, key=lambda region: region.code)


@remit(Region, "manage")
def regions_managed_by(user) -> QuerySet[Region]:
    """The regions a user may maintain (view, import under): its jurisdictions and everything below them."""
    roots = jurisdiction_roots(user)
    if roots is None:
        return Region.objects.order_by("code")
    condition = Q(pk__in=[])
    for root in roots:
        condition |= Q(code__startswith=root.code_prefix)
    return Region.objects.filter(condition).order_by("code")

