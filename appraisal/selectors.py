"""Who sees which appraisal, and an appraisal's lines (each member of staff's marks, total, grade and flag).

Access follows the platforms' registers (platforms/selectors.py): the institution's own users open, score and
conclude (`"edit"`); the supervising programme admins of its jurisdiction and the system administrator read
(`"view"`); anyone else gets a 404.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from appraisal import scoring
from appraisal.enums import AppraisalStatus, Grade
from appraisal.models import Appraisal, Score
from complaints.selectors import substantiated_by_staff
from platforms.models import StaffMember
from platforms.selectors import current_staff, platforms_kept_by, platforms_visible_to
from portal.permissions import remit


@remit(Appraisal, "edit")
def appraisals_kept_by(user) -> QuerySet[Appraisal]:
    return Appraisal.objects.filter(institution__in=platforms_kept_by(user)).select_related("institution")


@remit(Appraisal, "view")
def appraisals_visible_to(user) -> QuerySet[Appraisal]:
    return Appraisal.objects.filter(institution__in=platforms_visible_to(user)).select_related("institution")


def weights_of(appraisal: Appraisal) -> scoring.Weights:
    return scoring.Weights(appraisal.weight_clients, appraisal.weight_peers, appraisal.weight_leaders)


def bounds_of(appraisal: Appraisal) -> scoring.Bounds:
    return scoring.Bounds(appraisal.excellent_from, appraisal.competent_from, appraisal.basic_from)


@dataclass
class Line:
    member: StaffMember
    score: Score | None
    dimensions: dict[str, Decimal]
    complaints: int = 0
    grade: str = ""
    reason: str = ""
    dismiss: bool = False  # 三(四)4 「连续两年考核不称职的人员应予辞退」

    @property
    def grade_label(self) -> str:
        return str(Grade(self.grade).label) if self.grade else ""

    @property
    def dimension_list(self) -> list[Decimal]:
        return list(self.dimensions.values())

    def dimension_cells(self, dimensions) -> list[tuple[str, Decimal | None]]:
        """(title, mark) per dimension in the standard's order: a phone's table names each cell (data-label)."""
        return [(title, self.dimensions.get(code)) for code, title, _points in dimensions]


def previous_incompetent(appraisal: Appraisal) -> set[int]:
    """Staff graded 不称职 in the institution's concluded appraisal of the year before."""
    return set(Score.objects.filter(
        appraisal__institution=appraisal.institution, appraisal__year=appraisal.year - 1,
        appraisal__status=AppraisalStatus.CONCLUDED, grade=Grade.INCOMPETENT,
    ).values_list("staff_member_id", flat=True))


def lines(appraisal: Appraisal, *, live: bool | None = None) -> list[Line]:
    """A draft (`live`): every current member of staff and anyone scored, graded now; concluded: the grades as
    decided at the conclusion."""
    live = appraisal.is_draft if live is None else live
    scores = {s.staff_member_id: s for s in appraisal.scores.select_related("staff_member")}
    members = {s.staff_member_id: s.staff_member for s in scores.values()}
    if live:
        members |= {m.pk: m for m in current_staff([appraisal.institution])}
        counts = substantiated_by_staff(appraisal.institution, appraisal.year)
    weights, bounds, before = weights_of(appraisal), bounds_of(appraisal), previous_incompetent(appraisal)
    result = []
    for member in sorted(members.values(), key=lambda m: (m.name, m.pk)):
        score = scores.get(member.pk)
        line = Line(member=member, score=score, dimensions={})
        if score is not None:
            line.dimensions = scoring.dimension_marks(score.marks, weights)
            if live:
                line.complaints = counts.get(member.pk, 0)
                line.grade, line.reason = scoring.decide(score.total, bounds, line.complaints)
            else:
                line.complaints, line.grade, line.reason = score.complaints, score.grade, score.reason
            line.dismiss = line.grade == Grade.INCOMPETENT and member.pk in before
        result.append(line)
    return result


def missing(appraisal: Appraisal) -> list[str]:
    """The names of the current staff not yet scored."""
    scored = set(appraisal.scores.values_list("staff_member_id", flat=True))
    return [m.name for m in current_staff([appraisal.institution]).order_by("name", "pk") if m.pk not in scored]


def dismiss_text() -> str:
    return _("应予辞退")
