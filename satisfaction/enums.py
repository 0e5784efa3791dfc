"""The five levels of 好差评 (国办发〔2019〕51号) and the statuses of a case opened by an unfavourable rating."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.IntegerChoices):
    """One rating on five levels; the number orders them (5 best). 满意率 counts the first three as favourable."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    FAIRLY_SATISFIED = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


FAVOURABLE = (Grade.VERY_SATISFIED, Grade.SATISFIED, Grade.FAIRLY_SATISFIED)
UNFAVOURABLE = (Grade.DISSATISFIED, Grade.VERY_DISSATISFIED)

# The indicators rated beside the overall grade: field name on Rating → label.
INDICATORS = {
    "efficiency": _("服务效率"),
    "competence": _("服务水平"),
    "attitude": _("服务态度"),
}


class CaseStatus(models.TextChoices):
    """差评核实整改: 核实 → (属实) 整改 → 回复 → 办结; a case found not founded goes straight to 回复."""

    PENDING = "pending", _("待核实")
    RECTIFYING = "rectifying", _("整改中")
    ANSWERING = "answering", _("待回复")
    CLOSED = "closed", _("已办结")
