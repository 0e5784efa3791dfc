"""The adjusted list: after an objection is upheld, the next ranked candidate within the remaining places, its own
notice and period, and the round page that offers it. (Apart from tests/publicity/test_publicity_handling.py, whose
notice is built once for the module: the index numbers here count from an empty region.)"""

import pytest
from django.urls import reverse

from portal.transitions import Refused
from publicity import services
from tests.applications.factories import AwardFactory
from tests.portal.helpers import text, visible_text
from tests.publicity.publicity_builders import assign, at, decide, file, publish, ranked_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(time_machine):
    """甲 90, 乙 80, 丙 70 with quota 2: 甲 and 乙 on the notice of Mon 28 Sep 2026; an objection against 甲."""
    time_machine.move_to(at(2026, 9, 29, 15), tick=False)
    listed = ranked_round()
    publish(listed, at(2026, 9, 28, 10))
    listed.extra["objection"], listed.extra["token"] = file(listed, at(2026, 9, 29, 15), rank=1)
    return listed


def test_adjusted_list_proposes_the_next_ranked_candidate(ranked):
    assign(ranked)
    decide(ranked, upheld=True)

    kept, replacements = services.adjusted_list(ranked.notice)

    assert [e.institution_name for e in kept] == ["申报机构乙"]
    assert [(c.application.institution_name, c.rank) for c in replacements] == [("申报机构丙", 3)]


def test_adjusted_list_stays_within_the_periods_remaining_places(ranked):
    assign(ranked)
    decide(ranked, upheld=True)
    for _ in range(ranked.programme.period_quota - 1):
        AwardFactory(programme=ranked.programme)  # one place left in the period, taken by 乙

    kept, replacements = services.adjusted_list(ranked.notice)

    assert [e.institution_name for e in kept] == ["申报机构乙"]
    assert replacements == []


def test_adjusted_list_without_disqualification_is_the_notice_as_it_is(ranked):
    kept, replacements = services.adjusted_list(ranked.notice)

    assert [e.institution_name for e in kept] == ["申报机构甲", "申报机构乙"] and replacements == []
    with pytest.raises(Refused) as refused:
        publish(ranked, at(2026, 9, 30, 10), replaces=ranked.notice)
    assert str(refused.value) == "名单中没有被取消资格的机构，无需调整。"


def test_publishing_the_adjusted_list_lists_the_replacement_with_its_own_period(ranked, client, time_machine):
    assign(ranked)
    decide(ranked, upheld=True)
    time_machine.move_to(at(2026, 10, 12, 9), tick=False)

    adjusted = publish(ranked, at(2026, 10, 12, 9), replaces=ranked.notice, title="关于调整后名单的公示")

    assert adjusted.replaces == ranked.notice and adjusted.index_number == "370322-2026-0002"
    assert list(adjusted.entries.values_list("institution_name", "rank", "is_replacement")) == [
        ("申报机构乙", 2, False),
        ("申报机构丙", 3, True),
    ]
    assert adjusted.period_label == "公示时间：10月12日至10月16日（5个工作日）"
    assert adjusted.closes_at == at(2026, 10, 17)
    assert adjusted.digest == adjusted.content_digest()
    page = visible_text(client.get(adjusted.get_absolute_url()))
    assert "本公示为调整后名单，原公示：" in page
    assert "2 申报机构丙 经营性人力资源服务机构 高青县 递补" in page
    assert "公示中 公示时间：10月12日至10月16日（5个工作日）" in page
    original = visible_text(client.get(ranked.notice.get_absolute_url()))
    assert "名单已调整，请见 调整后名单的公示 。" in original
    with pytest.raises(Refused) as refused:
        publish(ranked, at(2026, 10, 12, 10), replaces=ranked.notice)
    assert str(refused.value) == "该公示已有调整后名单，请在最新的公示上操作。"


def test_round_page_offers_the_adjusted_list(ranked, login):
    assign(ranked)
    decide(ranked, upheld=True)

    response = login(ranked.admin).get(reverse("publicity:round", args=[ranked.round.pk]))
    page = visible_text(response)

    assert "发布调整后名单" in page
    assert "2 申报机构乙 3 申报机构丙 按排名递补" in page
    assert 'value="关于高青县2026年度拟评定县级就业服务质量标杆机构调整后名单的公示"' in text(response)
