"""What the bureau's published documents share, kept in the core so that every stage app numbers and fills them alike.

- The two templates a programme may set (portal.models.Programme.publicity_template and .announcement_template):
  their defaults and the placeholders each may use.
- 索引号, the index number of a jurisdiction's publications: one sequence per jurisdiction and year across every kind
  of document (notices, announcements, and whatever a later stage publishes). A model whose rows carry an
  `index_number` registers itself with `@numbered_document`, so the core counts them without importing the app.
- `numbering_lock`: the turn-taking for every number drawn from a jurisdiction's sequences.
"""

import re

from django.db.models import Model
from django.utils.translation import gettext_noop

from portal.models import Region

NOTICE_TEMPLATE = gettext_noop(  # translated where it is used; the placeholders stay as they are
    "根据{项目}评定工作安排，经机构申报、部门联合评审，拟将以下{名单数}家机构评定为标杆机构，现予以公示。\n"
    "{公示时间}。公示期间，如对公示对象有异议，可通过本网站“提出异议”或以书面形式向评定工作办公室反映。"
    "反映情况应实事求是，并提供真实姓名和联系方式（单位须加盖公章），匿名异议不予受理。"
    "异议受理截止时间为{截止时间}。\n"
    "联系方式：{联系方式}"
)
NOTICE_PLACEHOLDERS = ("项目", "批次", "名单数", "公示时间", "截止时间", "联系方式")

ANNOUNCEMENT_TEMPLATE = gettext_noop(  # translated where it is used; the placeholders stay as they are
    "根据{项目}评定工作安排，经机构申报、部门联合评审、社会公示，{公示结果}，"
    "现将{批次}{层级}就业服务质量标杆机构名单予以公布，并授予“{牌匾}”牌匾。\n"
    "希望被评定的机构珍惜荣誉，发挥示范引领作用，持续提升就业服务质量。"
    "各级各部门要加强对标杆机构的跟踪管理，标杆机构出现申报材料虚假失实、机构注销、发生违法违规违纪问题、"
    "就业服务工作被证实达不到标准以及产生其它应当撤销评定的情形，将予以撤销。\n"
    "附件：{批次}{层级}就业服务质量标杆机构名单"
)
ANNOUNCEMENT_PLACEHOLDERS = ("项目", "批次", "层级", "牌匾", "公示结果")

ANY_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def placeholder_pattern(known) -> re.Pattern:
    return re.compile(r"\{(" + "|".join(known) + r")\}")


def template_unknown_placeholders(template: str, known) -> list[str]:
    """The {…} of `template` that filling it in would leave as they are (a typo, or one of another template)."""
    return sorted({name for name in ANY_PLACEHOLDER.findall(template) if name not in known})


def numbering_lock(region_id: int) -> None:
    """Take turns drawing the next number of a jurisdiction's sequences (索引号, plaque numbers): each is the highest
    taken plus one, so two transactions must not read it at once. Held until the transaction ends.

    Lock order, everywhere: the round first; then the row the action is about (an announcement, an objection, an
    application, a shortlist); then the programme; then the region; the audit chain (portal.audit) last. A transaction
    that holds a later lock never waits for an earlier one, so none deadlock.
    """
    Region.objects.select_for_update(no_key=True).get(pk=region_id)


_NUMBERED: list[type[Model]] = []


def numbered_document(model: type[Model]) -> type[Model]:
    """Class decorator: the model's `index_number` draws from its jurisdiction's 索引号 sequence."""
    if model not in _NUMBERED:
        _NUMBERED.append(model)
    return model


def next_index_number(region: Region, year: int) -> str:
    """索引号: the jurisdiction's code, the year and a sequence, e.g. 370322-2026-0003 (the caller's transaction holds
    the jurisdiction's numbering lock until it commits)."""
    numbering_lock(region.pk)
    prefix = f"{region.code}-{year}-"
    taken = [
        number
        for model in _NUMBERED
        for number in model._default_manager.filter(index_number__startswith=prefix).values_list("index_number", flat=True)
    ]
    serials = [int(number.removeprefix(prefix)) for number in taken if number.removeprefix(prefix).isdigit()]
    return f"{prefix}{max(serials, default=0) + 1:04d}"
