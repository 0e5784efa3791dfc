"""Issue 17: a self-evaluation's 「无群众有效投诉」, 「未公布群众投诉渠道的，扣…分」 and a satisfaction rate item filled in from
the community's platforms (complaints, platforms.PlatformProfile, satisfaction), with their source; open without a
platform or without data."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from communities import services
from communities.enums import Level
from communities.signals_prefill import prefill_signals
from complaints.models import Complaint
from platforms.models import PlatformProfile, ServicePoint
from portal.enums import InstitutionKind, ProgrammeKind
from portal.models import Institution
from rubrics import engine
from rubrics.assessment_sheet import line_score
from rubrics.services import rubric_data, rubric_install
from rubrics.standards import STANDARDS
from satisfaction.enums import Grade
from satisfaction.models import Rating
from tests.communities.world import BUILT_AT, build
from tests.factories import InstitutionFactory, ProgrammeFactory
from tests.worlds import module_world

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date
COMMUNITY_ITEM, VILLAGE_ITEM = "(三)9", "(三)4"


def build_both():
    world = build()
    programme = ProgrammeFactory(name="从化区高质量就业村建设", kind=ProgrammeKind.QUALITY_VILLAGE,
                                 level=world.campaign.programme.level, region=world.district,
                                 lead_department=world.campaign.programme.lead_department)
    rubric = rubric_install(STANDARDS["gz_village_2024"], standard="gz_village_2024", programme=programme, actor=world.admin)
    world.village_campaign = services.campaign_create(
        programme=programme, year=2024, rubric=rubric, actor=world.admin, data_from=D(2023, 10, 1), data_to=D(2024, 9, 30),
        self_due=D(2024, 10, 15), town_due=D(2024, 10, 31), district_due=D(2024, 11, 10))
    world.village_entry = services.entry_add(campaign=world.village_campaign, community=world.places["良新村"], actor=world.admin)
    return world


_world, world = module_world("world", build_both, built_at=BUILT_AT)


def platform(place, *, phone=None, registered=D(2020, 1, 1)):
    found = InstitutionFactory(name=f"{place.name}就业服务站", kind=InstitutionKind.GRASSROOTS_PLATFORM, region=place)
    Institution.objects.filter(pk=found.pk).update(created_at=datetime.datetime(*registered.timetuple()[:3], tzinfo=SHANGHAI))
    if phone is not None:
        PlatformProfile.objects.create(institution=found, complaint_phone=phone)
    return found


def complaint(institution, on, *, substantiated=True):
    at = datetime.datetime(on.year, on.month, on.day, 10, tzinfo=SHANGHAI)
    return Complaint.objects.create(institution=institution, channel="phone", receipt_number=f"TS{Complaint.objects.count():06d}",
                                    token="t", received_at=at, facts="窗口推诿。", first_answer_due_at=at,
                                    substantiated=substantiated)


def self_evaluation(world, name="黄竹塱社区"):
    entry = world.village_entry if name == "良新村" else world.entries[name]
    return services.evaluation_start(entry=entry, level=Level.SELF, actor=world.staff[name]).assessment


def points(assessment, code):
    data = rubric_data(assessment.rubric)
    item = next(item for item in data["items"] if item["code"] == code)
    return line_score(item, False, assessment.facts)[1]


def test_no_substantiated_complaint_meets_the_item_and_a_published_phone_spares_the_deduction(world):
    station = platform(world.places["黄竹塱社区"], phone="020-87880000")
    complaint(station, D(2024, 3, 1), substantiated=False)  # not found true
    complaint(station, D(2023, 9, 30))  # before the data window

    assessment = self_evaluation(world)

    assert assessment.facts[COMMUNITY_ITEM] == {"met": True, "deductions": {"channel_not_published": False}}
    assert points(assessment, COMMUNITY_ITEM) == 2
    source = assessment.sources[COMMUNITY_ITEM]
    assert source["kind"] == "platforms" and source["platforms"] == ["黄竹塱社区就业服务站"]
    assert source["signals"] == ["complaints_substantiated", "complaint_channel_published"]
    assert (source["from"], source["to"]) == ("2023-10-01", "2024-09-30")
    assert source["facts"] == assessment.facts[COMMUNITY_ITEM]
    assert "查实的群众投诉0件" in source["text"] and "020-87880000" in source["text"]


def test_the_assessment_page_says_where_the_prefilled_facts_came_from(world, login):
    platform(world.places["黄竹塱社区"], phone="020-87880000")
    assessment = self_evaluation(world)

    page = login(world.staff["黄竹塱社区"]).get(reverse("rubrics:assessment", args=[assessment.pk])).content.decode()

    assert "来自黄竹塱社区就业服务站的平台记录（2023-10-01至2024-09-30）" in page
    assert "来自Excel模板" not in page


def test_substantiated_complaints_fail_the_item_and_no_phone_applies_the_deduction(world):
    station = platform(world.places["黄竹塱社区"])
    complaint(station, D(2023, 12, 1))
    complaint(station, D(2024, 9, 30))

    assessment = self_evaluation(world)

    assert assessment.facts[COMMUNITY_ITEM] == {"met": False, "deductions": {"channel_not_published": True}}
    assert points(assessment, COMMUNITY_ITEM) == 0
    assert "查实的群众投诉2件" in assessment.sources[COMMUNITY_ITEM]["text"]


def test_a_village_counts_three_years_and_loses_2_points_without_a_published_channel(world):
    station = platform(world.places["良新村"], phone="  ")  # a profile with no phone publishes nothing

    assessment = self_evaluation(world, "良新村")

    assert assessment.facts[VILLAGE_ITEM] == {"met": True, "deductions": {"channel_not_published": True}}
    assert points(assessment, VILLAGE_ITEM) == 3  # 「达标得5分…未公布群众投诉渠道的,扣2分」
    assert (assessment.sources[VILLAGE_ITEM]["from"], assessment.sources[VILLAGE_ITEM]["to"]) == ("2021-10-01", "2024-09-30")
    complaint(station, D(2022, 5, 1))  # within 「连续三年」
    data = rubric_data(world.village_campaign.rubric)
    again = SimpleNamespace(facts={}, sources={})
    assert prefill_signals(again, world.village_campaign, world.places["良新村"], data)
    assert again.facts[VILLAGE_ITEM]["met"] is False


def test_without_a_platform_or_its_records_the_items_stay_open(world):
    assessment = self_evaluation(world)
    assert COMMUNITY_ITEM not in assessment.facts and assessment.sources == {}

    newcomer = platform(world.places["良新村"], phone="020-1", registered=D(2024, 1, 1))  # in the portal for part of it
    other = InstitutionFactory(kind=InstitutionKind.COMMERCIAL_HR, region=world.places["良新村"])  # not a platform
    complaint(other, D(2024, 3, 1))
    village = self_evaluation(world, "良新村")
    assert village.facts[VILLAGE_ITEM] == {"deductions": {"channel_not_published": False}}  # 符合 left to the assessor
    assert village.sources[VILLAGE_ITEM]["signals"] == ["complaint_channel_published"]
    assert newcomer.name in village.sources[VILLAGE_ITEM]["text"]


RATE_ITEM = {"code": "满意度", "title": "群众满意度达90%以上", "max": 2, "kind": "rate", "prefill": "satisfaction_rate",
             "tiers": [{"at_least": 90, "points": 2}]}


def rate(station, window, grade, on=D(2024, 5, 1)):
    Rating.objects.create(service_point=window, institution=station, service="就业登记", overall=grade, efficiency=grade,
                          competence=grade, attitude=grade, device="d", address_hash="h",
                          rated_at=datetime.datetime(on.year, on.month, on.day, 9, tzinfo=SHANGHAI))


def test_a_satisfaction_rate_fills_a_rate_item_and_no_rating_leaves_it_open(world):
    data = {"items": [RATE_ITEM]}
    station = platform(world.places["黄竹塱社区"])
    window = ServicePoint.objects.create(institution=station, name="就业登记窗口")
    empty = SimpleNamespace(facts={}, sources={})
    assert prefill_signals(empty, world.campaign, world.places["黄竹塱社区"], data) is False and empty.facts == {}

    for grade in (Grade.VERY_SATISFIED, Grade.SATISFIED, Grade.FAIRLY_SATISFIED, Grade.DISSATISFIED):
        rate(station, window, grade)
    rate(station, window, Grade.VERY_DISSATISFIED, on=D(2024, 10, 1))  # after the data window
    filled = SimpleNamespace(facts={}, sources={})
    assert prefill_signals(filled, world.campaign, world.places["黄竹塱社区"], data)

    assert filled.facts == {"满意度": {"achieved": 3, "total": 4, "excluded": 0}}
    assert engine.score_rubric(data, filled.facts).items["满意度"] == 0  # 75 % < 90 %
    assert "满意评价3条，共4条" in filled.sources["满意度"]["text"]
