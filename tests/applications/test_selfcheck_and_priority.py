"""Seed 000 四(二) at submission (issue 14, point 3): a required condition self-checked 不符合 is refused, naming it; a
priority item counts only from an issuer 「县级以上（含县级）」; a condition that does not bind the institution's kind
reads 不适用 on the form, the detail page and annex 2, whatever is stored."""

import html
import re
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from applications import services
from applications.enums import ApplicationStatus as S
from applications.enums import ConditionSection, IssuerLevel, PriorityKind, SelfCheck
from applications.forms import PriorityItemFormSet
from applications.models import Condition, ConditionAnswer, PriorityItem
from applications.pdf import TEMPLATE, application_pdf_context
from portal.enums import InstitutionKind
from tests.applications.factories import ApplicationFactory, make_complete
from tests.factories import UserFactory
from tests.portal.helpers import queued_messages, refusal, visible_text

pytestmark = pytest.mark.django_db

def squeezed(markup: str) -> str:
    """The text of an HTML fragment, tags removed and whitespace folded, as `visible_text` reads a page."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


NOT_MET_BASIC_2 = (
    "基本条件第2条自查为“不符合”：须符合全部基本条件和本级评定条件方可申报；如确已符合，请更正自查结果并上传佐证材料。"
)


def condition(application, section, number) -> Condition:
    return Condition.objects.get(programme=application.round.programme, section=section, number=number)


def answer(application, section, number, value) -> None:
    ConditionAnswer.objects.filter(application=application, condition=condition(application, section, number)).update(
        answer=value
    )


def claim(application, **fields) -> PriorityItem:
    values = {
        "kind": PriorityKind.HONOUR,
        "title": "优质服务窗口",
        "issuer": "高青县人力资源和社会保障局",
        "issuer_level": IssuerLevel.COUNTY,
        "issued_on": date.today().replace(day=1),
    }
    return PriorityItem.objects.create(application=application, **(values | fields))


def edit_post(application, *, not_met=(), action="save") -> dict:
    """The edit form of a complete application as a browser posts it, with `not_met` conditions answered 不符合."""
    data = {field: getattr(application, field) for field in ("institution_name", "principal_name", "contact_name")}
    data |= {"contact_phone": "0533-6961000", "work_record": application.work_record, "commitment_accepted": "on"}
    data |= {"commitment_date": application.commitment_date.isoformat(), "action": action}
    data |= {"priority-TOTAL_FORMS": "0", "priority-INITIAL_FORMS": "0"}
    for answered in application.condition_answers.all():
        value = SelfCheck.NOT_MET if answered.condition in not_met else answered.answer
        data |= {f"c{answered.condition_id}-answer": value, f"c{answered.condition_id}-statement": "说明。"}
    return data


# --- 「县级以上（含县级）」 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [IssuerLevel.NATIONAL, IssuerLevel.PROVINCE, IssuerLevel.CITY, IssuerLevel.COUNTY])
def test_an_issuer_of_county_level_or_above_gives_priority(level):
    application = ApplicationFactory()
    claim(application, issuer_level=level)

    assert services.priority_problems(application) == []


@pytest.mark.parametrize(
    ("level", "label", "issuer"),
    [(IssuerLevel.TOWNSHIP, "乡镇（街道）级", "青城镇人民政府"), (IssuerLevel.OTHER, "其他", "淄博市人力资源服务行业协会")],
)
def test_an_issuer_below_county_level_gives_no_priority_and_is_named_at_submission(level, label, issuer):
    application = make_complete(ApplicationFactory())
    claim(application, title="先进集体", issuer=issuer, issuer_level=level)

    message = refusal(lambda: services.application_submit(application=application, actor=application.created_by))

    assert message == (
        f"申报信息不完整：优先评定事项第1项（先进集体）的授予/批示单位级别为“{label}”，"
        "不属于县级以上（含县级），不能优先评定，请删除或更正。"
    )


def test_an_item_entered_before_the_level_was_asked_is_asked_for_one():
    application = ApplicationFactory()
    claim(application, title="县级优质服务窗口", issuer_level="")

    assert services.priority_problems(application) == ["优先评定事项第1项（县级优质服务窗口）未选择授予/批示单位级别，请选择。"]


def test_priority_items_are_numbered_as_the_form_the_detail_page_and_the_pdf_list_them():
    application = ApplicationFactory()
    claim(application, title="后录入", issued_on=date(2025, 6, 1))
    claim(application, title="先发生", issued_on=date(2025, 1, 1), issuer_level=IssuerLevel.OTHER)

    problems = services.priority_problems(application)

    assert [item.title for item in application.priority_items.all()] == ["先发生", "后录入"]
    assert problems == [
        "优先评定事项第1项（先发生）的授予/批示单位级别为“其他”，不属于县级以上（含县级），不能优先评定，请删除或更正。"
    ]


def _item_post(**fields) -> dict:
    values = {"kind": "honour", "title": "优质服务窗口", "issuer": "县人社局", "issued_on": "2025-05-01"} | fields
    return {f"priority-0-{name}": value for name, value in values.items()}


def _formset(application, data):
    management = {"priority-TOTAL_FORMS": "1", "priority-INITIAL_FORMS": str(application.priority_items.count())}
    return PriorityItemFormSet(
        management | data, instance=application, prefix="priority", form_kwargs={"application": application}
    )


def test_the_form_requires_the_level_of_a_new_item():
    application = ApplicationFactory()

    missing, given = _formset(application, _item_post()), _formset(application, _item_post(issuer_level="county"))

    assert not missing.is_valid()
    assert missing.errors == [{"issuer_level": ["请选择授予/批示单位级别。"]}]
    assert given.is_valid(), given.errors


def test_the_edit_page_names_a_new_item_without_a_level_and_saves_nothing(login):
    application = make_complete(ApplicationFactory())
    post = edit_post(application) | {"priority-TOTAL_FORMS": "1"} | _item_post()

    response = login(application.created_by).post(reverse("applications:edit", args=[application.pk]), post)

    assert response.status_code == 200
    assert "优先评定事项第1项 · 授予/批示单位级别：请选择授予/批示单位级别。" in visible_text(response)
    assert not application.priority_items.exists()


def test_the_form_keeps_an_old_item_without_a_level_until_it_is_changed():
    application = ApplicationFactory()
    old = claim(application, issuer="县人社局", issuer_level="", issued_on=date(2025, 5, 1))
    unchanged = _item_post(id=str(old.pk))

    assert _formset(application, unchanged).is_valid()
    changed = _formset(application, unchanged | {"priority-0-title": "县级优质服务窗口"})
    assert not changed.is_valid()
    assert changed.errors == [{"issuer_level": ["请选择授予/批示单位级别。"]}]


# --- 不符合 on a required condition ----------------------------------------------------------------------------


def test_a_required_condition_self_checked_not_met_is_refused_naming_it():
    application = make_complete(ApplicationFactory())
    answer(application, ConditionSection.BASIC, 2, SelfCheck.NOT_MET)
    answer(application, ConditionSection.LEVEL, 3, SelfCheck.NOT_MET)

    message = refusal(lambda: services.application_submit(application=application, actor=application.created_by))

    assert message == "申报信息不完整：" + NOT_MET_BASIC_2 + "；" + NOT_MET_BASIC_2.replace("基本条件第2条", "本级评定条件第3条")
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_the_priority_clause_and_a_condition_that_does_not_bind_the_kind_may_be_not_met():
    application = make_complete(ApplicationFactory())  # a commercial HR institution: county condition 1 binds it not
    answer(application, ConditionSection.LEVEL, 5, SelfCheck.NOT_MET)
    answer(application, ConditionSection.LEVEL, 1, SelfCheck.NOT_MET)  # stale, from before its kind changed

    assert services.application_problems(application) == []
    assert services.application_submit(application=application, actor=application.created_by).status == S.SUBMITTED


def test_a_public_agency_is_refused_on_county_condition_1_not_met():
    application = make_complete(ApplicationFactory(institution__kind=InstitutionKind.PUBLIC_AGENCY))
    answer(application, ConditionSection.LEVEL, 1, SelfCheck.NOT_MET)

    assert services.application_problems(application) == [NOT_MET_BASIC_2.replace("基本条件第2条", "本级评定条件第1条")]


def test_a_draft_with_not_met_is_saved_and_the_form_says_it_cannot_be_submitted(login):
    application = make_complete(ApplicationFactory())
    basic_2 = condition(application, ConditionSection.BASIC, 2)
    client = login(application.created_by)
    url = reverse("applications:edit", args=[application.pk])

    saved = client.post(url, edit_post(application, not_met=[basic_2]))
    submitted = client.post(url, edit_post(application, not_met=[basic_2], action="submit"))
    page = visible_text(client.get(url))

    assert queued_messages(saved) == ["草稿已保存。"]
    assert queued_messages(submitted) == ["申报信息不完整：" + NOT_MET_BASIC_2]
    assert application.condition_answers.get(condition=basic_2).answer == SelfCheck.NOT_MET
    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert f"提交前还需完成 {NOT_MET_BASIC_2}" in page
    assert "本条自查为“不符合”，申报不能提交；如确已符合，请更正自查结果并上传佐证材料。" in page


# --- 不适用 everywhere, and the level shown ------------------------------------------------------------------------


@pytest.fixture
def stale():
    """A commercial HR institution's complete draft whose county condition 1 still holds 符合 (saved when it was
    registered as a public agency), with one item of county level and one entered before the level was asked."""
    application = make_complete(ApplicationFactory())
    answer(application, ConditionSection.LEVEL, 1, SelfCheck.MET)
    claim(application, title="县级优质服务窗口", issued_on=date(2025, 5, 1))
    claim(application, title="市级先进集体", issuer="淄博市人社局", issuer_level="", issued_on=date(2025, 6, 1))
    return application


def test_the_form_checks_not_applicable_for_a_condition_that_does_not_bind_the_kind(login, stale):
    level_1 = condition(stale, ConditionSection.LEVEL, 1)

    response = login(stale.created_by).get(reverse("applications:edit", args=[stale.pk]))

    [form] = [f for f in response.context["answer_forms"] if f.condition == level_1]
    assert [value for value, _ in form.fields["answer"].choices] == [SelfCheck.NOT_APPLICABLE]
    assert form["answer"].value() == SelfCheck.NOT_APPLICABLE
    radios = re.findall(rf'<input type="radio" name="c{level_1.pk}-answer"[^>]*>', response.content.decode())
    assert len(radios) == 1 and 'value="na"' in radios[0] and "checked" in radios[0]


def test_the_detail_page_shows_not_applicable_and_the_issuers_level(login, stale):
    page = visible_text(login(stale.created_by).get(stale.get_absolute_url()))

    assert "本级评定条件 1 县公共就业和人才服务机构人员编制" in page
    assert "其他机构不作要求。 不适用 符合。" in page
    assert "县级优质服务窗口 高青县人力资源和社会保障局 县级 2025-05-01" in page
    assert "市级先进集体 淄博市人社局 未选择 2025-06-01" in page


def test_annex2_prints_not_applicable_and_the_issuers_level(stale):
    context = application_pdf_context(stale)  # what the PDF prints, read without rendering it (WeasyPrint is slow)
    printed = squeezed(render_to_string(TEMPLATE, context))

    level_rows = context["condition_sections"][1]["rows"]
    assert (level_rows[0].condition.number, level_rows[0].result, str(level_rows[0].label)) == (1, "na", "不适用")
    assert [str(row.label) for row in level_rows[1:]] == ["符合"] * 4
    assert "其他机构不作要求。 不适用 符合。" in printed
    assert "1 荣誉称号（优质服务窗口、就业创业工作先进集体等） 县级优质服务窗口 高青县人力资源和社会保障局 县级 2025年5月1日" in printed
    assert "市级先进集体 淄博市人社局 — 2025年6月1日" in printed


def test_a_not_applicable_condition_never_answered_reads_not_applicable_too(stale):
    level_1 = condition(stale, ConditionSection.LEVEL, 1)
    stale.condition_answers.filter(condition=level_1).delete()

    rows = application_pdf_context(stale)["condition_sections"][1]["rows"]

    assert (rows[0].answer, rows[0].result, rows[0].statement) == (None, "na", "")


def test_the_admin_site_shows_not_applicable_and_the_issuers_level(login, stale):
    superuser = UserFactory(is_superuser=True, is_staff=True)  # the system admin's role does not see the inlines

    response = login(superuser).get(reverse("admin:applications_application_change", args=[stale.pk]))

    page = visible_text(response)
    assert response.status_code == 200
    assert "不适用（记录为“符合”：本条不约束该类型机构）" in page
    assert "授予/批示单位级别" in page and "县级" in page
