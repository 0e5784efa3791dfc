"""The public notice pages, without login: the list and its filters, the official layout, the state derived from
the clock (also through the page cache) and a query count independent of the list's length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from publicity import services
from publicity.models import PublicityNotice
from tests.portal.helpers import text, visible_text
from tests.publicity.publicity_builders import at, file, listed_round, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(time_machine):
    """A notice published on Monday 28 September 2026 at 10:00 (closes 10 October 00:00); the clock stands there."""
    time_machine.move_to(at(2026, 9, 28, 10), tick=False)
    listed = listed_round(names=("甲", "乙"))
    publish(listed, at(2026, 9, 28, 10), document_number="高人社字〔2026〕12号")
    return listed.notice


def test_notice_list_filters_open_and_ended(client, notice):
    ended = listed_round(names=("丙",))
    publish(ended, at(2026, 9, 1, 9), title="关于2025年度拟评定名单的公示")
    url = reverse("publicity:notices")

    everything = visible_text(client.get(url))
    open_only = visible_text(client.get(url, {"state": "open"}))
    ended_only = visible_text(client.get(url, {"state": "ended"}))

    assert notice.title in everything and "关于2025年度拟评定名单的公示" in everything
    assert notice.title in open_only and "关于2025年度拟评定名单的公示" not in open_only
    assert "公示中 公示时间：9月28日至10月9日（5个工作日） · 发布日期：2026-09-28" in open_only
    assert notice.title not in ended_only and "关于2025年度拟评定名单的公示" in ended_only
    assert "公示结束 公示时间：9月1日至9月7日（5个工作日）" in ended_only


def test_notice_detail_shows_the_official_layout(client, notice):
    response = client.get(notice.get_absolute_url())
    page = visible_text(response)

    assert response.status_code == 200
    issuer = notice.issuers[0]
    assert (
        f"索引号 370322-2026-0001 发文机关 {issuer} 成文日期 2026-09-28 发布日期 2026-09-28 文号 高人社字〔2026〕12号"
        in page
    )
    assert "公示中 公示时间：9月28日至10月9日（5个工作日） · 异议受理截止：2026年10月9日24时" in page
    assert "1 申报机构甲 经营性人力资源服务机构 高青县" in page
    assert f"{issuer} 2026年9月28日" in page  # the signature: issuers and the date written
    assert "字号： 小 中 大 【打印】" in page
    assert 'data-font-size="large"' in text(response) and "data-print" in text(response)
    assert "提出异议" in page
    assert f"内容校验值（SHA-256）： {notice.digest} 与发布内容一致" in page


def test_notice_detail_without_a_document_number_has_no_such_row(client, time_machine):
    time_machine.move_to(at(2026, 9, 28, 10), tick=False)
    listed = listed_round(names=("甲",))
    publish(listed, at(2026, 9, 28, 10))

    page = visible_text(client.get(listed.notice.get_absolute_url()))

    assert "索引号" in page and "文号" not in page.replace("有文号", "")


def test_notice_detail_flags_content_changed_after_publication(client, notice):
    PublicityNotice.objects.filter(pk=notice.pk).update(title="被篡改的标题")

    page = visible_text(client.get(notice.get_absolute_url()))

    assert "与发布内容不一致，请联系发布机关" in page


def test_state_is_derived_from_the_clock_even_through_the_page_cache(client, notice, time_machine):
    url = notice.get_absolute_url()
    time_machine.move_to(at(2026, 10, 9, 23, 59), tick=False)  # one minute before the period closes
    before = visible_text(client.get(url))
    PublicityNotice.objects.filter(pk=notice.pk).update(title="缓存之后改的标题")  # not announced to the cache
    cached = visible_text(client.get(url))

    time_machine.move_to(at(2026, 10, 10, 0, 0, 1), tick=False)  # 61 seconds later: within the cache's default 300 s
    after = client.get(url)

    assert "公示中" in before and "提出异议" in before
    assert "缓存之后改的标题" not in cached and "公示中" in cached  # the page was served from the cache
    assert notice.is_open(at(2026, 10, 10, 0, 0, 1)) is False
    assert "公示结束" in visible_text(after) and "缓存之后改的标题" in visible_text(after)
    assert "公示已于2026年10月9日24时结束，不再受理异议。" in visible_text(after)
    assert reverse("publicity:objection_new", args=[notice.pk]) not in text(after)
    assert "提出异议" not in visible_text(after)


def test_list_state_changes_at_closing_through_the_page_cache(client, notice, time_machine):
    url = reverse("publicity:notices") + "?state=open"
    time_machine.move_to(at(2026, 10, 9, 23, 59), tick=False)
    before = visible_text(client.get(url))

    time_machine.move_to(at(2026, 10, 10, 0, 1), tick=False)
    after = visible_text(client.get(url))
    ended = visible_text(client.get(reverse("publicity:notices")))

    assert notice.title in before
    assert notice.title not in after and "目前没有正在公示的名单" in after
    assert "公示结束 公示时间：9月28日至10月9日" in ended


def test_a_decision_shows_at_once_on_a_cached_notice(
    client, time_machine, eager_celery, django_capture_on_commit_callbacks
):
    time_machine.move_to(at(2026, 9, 29, 15), tick=False)
    listed = listed_round(names=("甲", "乙"))
    publish(listed, at(2026, 9, 28, 10))
    objection, _token = file(listed, at(2026, 9, 29, 15))
    services.objection_assign(
        objection=objection, handler=listed.lead, deadline=at(2026, 10, 9).date(), actor=listed.admin
    )
    url = listed.notice.get_absolute_url()
    before = visible_text(client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        services.objection_decide(
            objection=objection, upheld=True, findings="属实。", reply="异议成立。", actor=listed.lead
        )
    after = visible_text(client.get(url))

    assert "取消拟评定资格" not in before
    assert "1 申报机构甲 经营性人力资源服务机构 高青县 经核查异议成立，取消拟评定资格" in after


def test_public_pages_need_no_login(client, notice):
    for url in (reverse("publicity:notices"), notice.get_absolute_url(), reverse("publicity:objection_lookup")):
        assert client.get(url).status_code == 200, url


def test_unknown_notice_is_404(client, notice):
    assert client.get(reverse("publicity:notice", args=[notice.pk + 100])).status_code == 404


def queries_of_detail(client, notice) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(notice.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


def test_notice_detail_query_count_does_not_grow_with_the_entries(client, time_machine):
    time_machine.move_to(at(2026, 9, 28, 10), tick=False)
    small = listed_round(names=("甲", "乙"))
    large = listed_round(names=tuple("子丑寅卯辰巳午未申酉"))
    publish(small, at(2026, 9, 28, 10))
    publish(large, at(2026, 9, 28, 10))

    assert large.notice.entries.count() == 10
    assert queries_of_detail(client, large.notice) == queries_of_detail(client, small.notice)
