"""The default county rubric (seed 000 四): the six basic conditions are gates, the level's conditions 2–4 are
scored out of 100, and the priority items (四(二)5) give a bonus capped at 10. A programme owns its rubric (data)."""

from decimal import Decimal

from django.db import transaction

from portal.models import Programme
from review.enums import CriterionKind
from review.models import Criterion, Rubric

GATES = [
    ("B1", "政治方向与诚信", "坚持正确方向，遵纪守法，诚信服务（基本条件1）。"),
    ("B2", "机构健全", "有固定服务场所、稳定专业的服务团队，功能分区及窗口设置合理、标识明显（基本条件2）。"),
    ("B3", "设施配套", "办公及便民服务设施齐全；街道（镇）及以上公共就业服务机构已接入省公共就业和人才服务信息系统（基本条件3）。"),
    ("B4", "功能完善", "服务项目符合机构定位和企业群众需求（基本条件4）。"),
    ("B5", "管理规范", "制度健全、服务规范；近三年无违法违纪、无诚信不良记录、无重大安全责任事故（基本条件5）。"),
    ("B6", "促进就业作用", "在稳就业保就业方面作用明显（基本条件6）。"),
    ("B7", "人员编制（仅县公共就业和人才服务机构）", "县公共就业和人才服务机构人员编制符合鲁编办发〔2019〕5号要求；其他机构不作要求，直接判定符合。"),
]

SCORED = [
    ("S1", "服务能力", Decimal("35"), "服务制度规范、服务方式便捷、服务手段智能，就业服务能力水平在全县同类型机构中处于领先（县级条件2）。"),
    ("S2", "创新与品牌", Decimal("35"), "创造出可复制、可推广、在全县有影响的典型经验做法，或拥有特色鲜明、标识度强、影响力较大的就业服务品牌（县级条件3）。"),
    ("S3", "稳就业成效", Decimal("30"), "稳就业保就业作用发挥显著，受到县级以上（含县级）表彰或肯定（县级条件4）。"),
]

BONUS = [
    ("P1", "优先评定事项", Decimal("10"), "近3年内受到县级以上主要领导同志批示肯定，或被授予优质服务窗口、就业创业工作先进集体等荣誉称号；经营性人力资源服务机构获得促就业项目奖励（县级条件5）。"),
]


@transaction.atomic
def rubric_install_default(programme) -> Rubric:
    """The programme's rubric, creating the default county one (7 gates, 3 scored criteria = 100, bonus ≤ 10).

    The programme row is locked before looking, so two first visits of the plan page at once install one rubric.
    """
    Programme.objects.select_for_update(no_key=True).filter(pk=programme.pk).first()
    rubric = Rubric.objects.filter(programme=programme).first()
    if rubric is not None:
        return rubric
    rubric = Rubric.objects.create(programme=programme, name="县级标杆机构评分细则", bonus_cap=Decimal("10"))
    order = 0
    rows = []
    for code, title, guidance in GATES:
        order += 1
        rows.append(Criterion(rubric=rubric, kind=CriterionKind.GATE, code=code, group="基本条件", title=title, guidance=guidance, order=order))
    for code, title, points, guidance in SCORED:
        order += 1
        rows.append(Criterion(rubric=rubric, kind=CriterionKind.SCORED, code=code, group="县级评定条件", title=title, max_points=points, guidance=guidance, order=order))
    for code, title, points, guidance in BONUS:
        order += 1
        rows.append(Criterion(rubric=rubric, kind=CriterionKind.BONUS, code=code, group="优先评定", title=title, max_points=points, guidance=guidance, order=order))
    Criterion.objects.bulk_create(rows)
    return rubric
