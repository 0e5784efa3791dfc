"""What the assessment tests share (not collected itself): a programme with its rubric (annex 4,
gz_community_2024) and the people around an assessment of 黄竹塱社区 — its creator, a colleague who administers the
same programme, an admin of another programme, an applicant — and helpers to post facts and build ledgers."""

import datetime
from dataclasses import dataclass

from portal import services as portal_services
from portal.models import User
from rubrics.assessment_forms import item_facts
from rubrics.assessments import assessment_create
from rubrics.models import Assessment, Rubric
from rubrics.services import rubric_data, rubric_install
from rubrics.standards import STANDARDS
from tests.factories import ApplicantFactory, ProgrammeFactory, SystemAdminFactory, UserFactory
from tests.rubrics.test_ledger import id_number, xlsx

SLUG = "gz_community_2024"
MARCH = datetime.date(2024, 3, 1)
BUILT_AT = datetime.datetime(2024, 11, 20, 9, 0, tzinfo=datetime.UTC)


@dataclass
class World:
    rubric: Rubric
    assessment: Assessment
    owner: User  # created the assessment; admin of the rubric's programme
    colleague: User  # another admin of the same programme
    stranger: User  # admin of another programme
    applicant: User
    sysadmin: User


def build() -> World:
    programme = ProgrammeFactory(name="良口镇充分就业社区创建")
    owner, colleague, stranger = UserFactory(), UserFactory(), UserFactory()
    portal_services.programme_admin_grant(programme=programme, user=owner)
    portal_services.programme_admin_grant(programme=programme, user=colleague)
    portal_services.programme_admin_grant(programme=ProgrammeFactory(name="另一项目"), user=stranger)
    rubric = rubric_install(STANDARDS[SLUG], standard=SLUG, programme=programme, actor=owner)
    assessment = assessment_create(rubric=rubric, subject="黄竹塱社区", period="2024年度", actor=owner)
    return World(rubric, assessment, owner, colleague, stranger, ApplicantFactory(), SystemAdminFactory())


def names(assessment: Assessment) -> dict[tuple[str, str], str]:
    """The form's field name of each (item code, fact key), and ("note", code) of each item's note."""
    found = {}
    for n, (item, _bonus, facts) in enumerate(item_facts(rubric_data(assessment.rubric))):
        found["note", str(item["code"])] = f"note{n}"
        for j, fact in enumerate(facts):
            found[fact.code, fact.key] = f"f{n}_{j}"
    return found


def form_data(assessment: Assessment, values: dict[tuple[str, str], object]) -> dict:
    """POST data of the facts form: `values` by (code, key), the rest left empty."""
    fields = names(assessment)
    return {fields[key]: value for key, value in values.items()}


def ledger_xlsx(rows, *, title="台账(一)1") -> bytes:
    return xlsx(rows, title=title)


def small_ledger() -> tuple[bytes, list[str]]:
    """Seven persons of (一)1: 4 employed, 1 not, 1 excluded (死亡), 1 refused (a wrong check digit); their numbers."""
    numbers = [id_number(n) for n in range(1, 7)]
    wrong = numbers[5][:17] + ("0" if numbers[5][17] != "0" else "1")
    rows = [
        ["张三", numbers[0], MARCH, "已就业", None, None],
        ["李四", numbers[1], MARCH, "已就业", None, None],
        ["王五", numbers[2], MARCH, "已就业", None, None],
        ["赵六", numbers[3], MARCH, "已就业", None, None],
        ["钱七", numbers[4], MARCH, "未就业", None, None],
        ["孙八", id_number(7), MARCH, None, "死亡", None],
        ["周九", wrong, MARCH, "已就业", None, None],
    ]
    return ledger_xlsx(rows), numbers + [id_number(7), wrong]
