"""Demo data of the results: the county's 2022 round announced, the city's 2023 award revoked, the city's 2026 round
ready to be issued (the dates are the story's, so the history reads right)."""

from datetime import date
from decimal import Decimal

from applications.enums import ApplicationStatus
from applications.models import Application
from awards import services as awards
from awards.enums import RevocationGround
from portal.models import Round, User
from publicity import services
from publicity.demo import _at
from review.models import Shortlist, ShortlistEntry


def _announce(round: Round, actor: User, *, prefix: str, serial: int, day: date):
    fields = awards.announcement_defaults(round, today=day)
    fields |= {"doc_prefix": prefix, "doc_serial": serial, "doc_year": day.year, "written_on": day}
    announcement = awards.announcement_save(round=round, actor=actor, **fields)
    return awards.announcement_issue(announcement=announcement, actor=actor, now=_at(day, 10))


def _shortlist_directly(round: Round, actor: User) -> None:
    """The city's rounds have no review records in the demo: their accepted applications are shortlisted as ranked."""
    shortlist, _ = Shortlist.objects.get_or_create(round=round, defaults={"created_by": actor})
    accepted = Application.objects.filter(round=round, status=ApplicationStatus.ACCEPTED).order_by("pk")
    for rank, application in enumerate(accepted, 1):
        ShortlistEntry.objects.get_or_create(
            shortlist=shortlist, application=application, defaults={"rank": rank, "overall": Decimal("88.5") - rank}
        )


def seed_results(*, rounds: dict[str, Round], admin: User) -> list[str]:
    done = []
    old = rounds["2022"]
    if old.notices.exists() and not old.announcements.exists():
        _announce(old, admin, prefix="高人社字", serial=12, day=date(2022, 12, 12))
        done.append(str(old))
    city_admin = User.objects.get(username="admin_city")
    city = rounds.get("city2023")
    if city is not None and not city.announcements.exists():
        if not city.notices.exists():
            _shortlist_directly(city, city_admin)
            draft = services.notice_draft(city, today=date(2023, 5, 29))
            services.notice_publish(round=city, actor=city_admin, now=_at(date(2023, 5, 29), 9), **draft)
        announcement = _announce(city, city_admin, prefix="淄人社字", serial=21, day=date(2023, 6, 12))
        award = announcement.awards.first()
        awards.award_revoke(
            award=award,
            actor=city_admin,
            ground=RevocationGround.BELOW_STANDARD,
            ground_text="2024年第四季度服务质量暗访检查中，该机构连续两次未按规定公示收费标准、未建立服务对象回访台账，"
            "经责令整改后复查仍不达标，依据评定实施方案第五条第五项，撤销其“市级就业服务质量标杆机构”称号。",
            document_number="淄人社字〔2025〕9号",
            decided_on=date(2025, 3, 14),
            now=_at(date(2025, 3, 14), 15),
        )
        done.append(str(city))
    ready = rounds.get("city2026")
    if ready is not None and not ready.notices.exists():
        # Published on Monday 23 November 2026, ended on the 27th without objections: the draft waits to be issued.
        _shortlist_directly(ready, city_admin)
        published = date(2026, 11, 23)
        draft = services.notice_draft(ready, today=published)
        services.notice_publish(
            round=ready, actor=city_admin, now=_at(published, 9), document_number="淄人社字〔2026〕31号", **draft
        )
        fields = awards.announcement_defaults(ready, today=date(2026, 12, 2))
        awards.announcement_save(round=ready, actor=city_admin, **fields | {"doc_serial": 35})
        done.append(str(ready))
    return done
