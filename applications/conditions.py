"""The default conditions of a county programme, word for word from seed 000 section 四.

A programme owns its list (city and province programmes carry their own); `conditions_install_default` copies
this one into a programme that has none yet.
"""

from django.db import transaction

from applications.enums import ConditionSection
from applications.models import Condition
from portal.enums import InstitutionKind

BASIC_CONDITIONS = [
    "坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实党中央、国务院决策部署，落实省市工作要求，遵纪守法，诚信服务。",
    "机构健全，符合就业服务机构设立标准条件，以服务就业为主要功能定位，有固定的服务场所、稳定专业的服务团队，功能分区及窗口设置布局合理、标识明显。",
    "设施配套，配备计算机、打印机、档案橱柜等办公设施，以及复印机、休息座椅（或排椅）、便民笔、老花镜等便民服务设施。街道（镇）及以上公共就业服务机构，应接入省公共就业和人才服务信息系统，满足线上线下就业服务需要。",
    "功能完善，能够以就业为导向，提供符合自身机构定位和企业群众需求的服务项目，常规服务有特色，创新服务有亮点。",
    "管理规范，制度健全，工作人员职责明确、衣着整洁、服务规范、业务熟练、热情耐心，企业群众办事便捷高效、满意度高。机构及人员近三年内无违法违纪行为，无诚信不良记录，无重大安全责任事故，有良好的机构形象和行业口碑。",
    "促进就业作用明显，在稳就业保就业方面主动作为、积极探索、成效突出，工作有创新、有特色、有亮点、有品牌、有影响。",
]

# (text, kinds it binds — empty for all, is a priority clause)
COUNTY_CONDITIONS = [
    (
        "县公共就业和人才服务机构人员编制应符合《关于印发<市县两级公共就业和人才服务机构编制标准指导意见>的通知》（鲁编办发〔2019〕5号）要求，其他机构不作要求。",
        [InstitutionKind.PUBLIC_AGENCY],
        False,
    ),
    ("服务制度更加规范，服务方式更加便捷，服务手段更加智能，就业服务能力水平在全县同类型机构中处于领先。", [], False),
    ("勇于创新，创造出可复制、可推广、在全县有影响的典型经验做法，或者拥有特色鲜明、标识度强、有较大影响力的就业服务品牌。", [], False),
    ("稳就业保就业作用发挥显著，受到县级以上（含县级）表彰或肯定。", [], False),
    (
        "近3年内所做工作受到县级以上（含县级）主要领导同志批示肯定，或被授予县级以上（含县级）人力资源社会保障系统优质服务窗口、就业创业工作先进集体等荣誉称号的，优先评定。经营性人力资源服务机构获得县级以上（含县级）人力资源服务机构促就业项目奖励的，优先评定。",
        [],
        True,
    ),
]


@transaction.atomic
def conditions_install_default(programme) -> int:
    """Give a programme the conditions of seed 000 (6 basic, 5 county-level) if it has none. Returns rows created."""
    if Condition.objects.filter(programme=programme).exists():
        return 0
    rows = [
        Condition(programme=programme, section=ConditionSection.BASIC, number=number, text=text)
        for number, text in enumerate(BASIC_CONDITIONS, start=1)
    ]
    rows += [
        Condition(
            programme=programme,
            section=ConditionSection.LEVEL,
            number=number,
            text=text,
            applies_to_kinds=[str(kind) for kind in kinds],
            is_priority_clause=priority,
        )
        for number, (text, kinds, priority) in enumerate(COUNTY_CONDITIONS, start=1)
    ]
    Condition.objects.bulk_create(rows)
    return len(rows)
