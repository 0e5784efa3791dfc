"""`manage.py rubric_score RUBRIC FACTS`: each item's points and the total as JSON, for one unit or many."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rubrics import services
from rubrics.engine import score_rubric
from rubrics.standards import STANDARDS
from tests.rubrics.test_excel_template import filled
from tests.rubrics.test_gz_village_2024 import VILLAGE as VILLAGE_FACTS
from tests.rubrics.test_services import DATA, FACTS

pytestmark = pytest.mark.django_db


def run(*args) -> dict:
    out = StringIO()
    call_command("rubric_score", *args, stdout=out)
    return json.loads(out.getvalue())


def test_one_units_facts_against_a_stored_rubric(tmp_path):
    rubric = services.rubric_install(DATA)
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(FACTS, ensure_ascii=False), encoding="utf-8")

    scored = run(str(rubric.pk), str(facts))

    assert scored == {
        "rubric": "测试社区标准",
        "units": [{
            "name": "1",
            "items": {"(一)1": "3", "(一)4": "5", "(一)5": "2", "加分": "15"},
            "score": "10", "bonus": "10", "total": "20", "excluded_by": [],
        }],
    }


def test_many_units_each_with_its_result_or_its_error(tmp_path):
    rubric = services.rubric_install(DATA)
    facts = tmp_path / "units.json"
    units = [
        {"name": "黄竹塱社区", "facts": FACTS},
        {"name": "米埗村", "facts": {**FACTS, "(一)1": {"achieved": 90, "total": 100, "excluded": 5}}},
        {"name": "良新村", "facts": {**FACTS, "(一)1": {"achieved": 101, "total": 100}}},
    ]
    facts.write_text(json.dumps({"units": units}, ensure_ascii=False), encoding="utf-8")

    scored = run(str(rubric.pk), str(facts))["units"]

    assert [(u["name"], u.get("total")) for u in scored] == [("黄竹塱社区", "20"), ("米埗村", "25"), ("良新村", None)]
    assert scored[2]["error"] == "achieved, total and excluded do not add up"


def test_an_unknown_rubric_or_unreadable_facts_say_so(tmp_path):
    with pytest.raises(CommandError, match="no rubric 'nonesuch'"):
        run("nonesuch", str(tmp_path / "x.json"))
    rubric = services.rubric_install(DATA)
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="cannot read"):
        run(str(rubric.pk), str(bad))


def test_a_filled_excel_template_is_scored_as_its_facts(tmp_path):
    template = tmp_path / "良新村.xlsx"
    template.write_bytes(filled(STANDARDS["gz_village_2024"], VILLAGE_FACTS))

    scored = run("gz_village_2024", str(template))["units"][0]

    assert scored["total"] == format(score_rubric(STANDARDS["gz_village_2024"], VILLAGE_FACTS).total.normalize(), "f")
    assert scored["excluded_by"] == []


def test_a_template_of_another_rubric_is_refused(tmp_path):
    template = tmp_path / "x.xlsx"
    template.write_bytes(filled(STANDARDS["gz_village_2024"], VILLAGE_FACTS))

    with pytest.raises(CommandError, match="cannot read"):
        run("gz_community_2024", str(template))
