"""Builders of the showcase tests (imported by the test modules, not collected itself).

`build()` is the world most modules share: an announcement of 15 September 2026 naming 申报机构甲 and 申报机构乙 (one
award each, tests.awards.results_builders), their applicants, and the programme's admin. The tests stand on 20
October 2026. Photos are tiny images made here; EXIF is added where a test looks for it.
"""

import io
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from awards.models import Award
from portal.models import Notification, User
from portal.services import programme_admin_grant
from showcase import services
from showcase.models import Showcase
from tests.awards.results_builders import ISSUED_AT, ISSUED_ON, announced, applicant_of, award_of
from tests.factories import InstitutionFactory, ProgrammeFactory, UserFactory
from tests.publicity.publicity_builders import Listed, at

BUILT_AT = ISSUED_AT
NOW = at(2026, 10, 20, 10)

TEXT = {
    "summary": "打造“15分钟就业服务圈”，就近提供岗位、政策和培训服务。",
    "practice": "在全县镇（街道）布设就业服务驿站，岗位信息、政策咨询、技能培训报名就近可办。",
    "brand_name": "暖心就业",
    "brand_description": "推出政策“明白卡”、岗位“推送单”、困难群体“帮扶包”三项特色服务。",
}


@dataclass
class World:
    listed: Listed
    extra: dict = field(default_factory=dict)

    @property
    def admin(self) -> User:
        return self.listed.admin

    def award(self, name: str = "甲") -> Award:
        return award_of(self.listed, name)

    def writer(self, name: str = "甲") -> User:
        return applicant_of(self.listed, name)


def other_admin() -> User:
    """The admin of another programme (of the same county)."""
    admin = UserFactory(full_name="另一项目管理员")
    programme_admin_grant(programme=ProgrammeFactory(), user=admin)
    return admin


def other_award(name: str = "丙") -> Award:
    """An award of another programme, written as a row (no announcement: cheaper, and nothing here reads one)."""
    return Award.objects.create(
        programme=ProgrammeFactory(), institution=InstitutionFactory(name=f"申报机构{name}"),
        institution_name=f"申报机构{name}", plaque_number=f"370322X-2026-9{ord(name) % 100:02d}", awarded_on=ISSUED_ON,
    )


def build() -> World:
    return World(announced())


def image_bytes(fmt: str = "JPEG", size=(40, 30), exif: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (30, 120, 200))
    image.save(buffer, format=fmt, **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def jpeg(name: str = "大厅.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("JPEG", **kwargs), content_type="image/jpeg")


def png(name: str = "窗口.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def written(world: World, name: str = "甲", *, photos: int = 1) -> Showcase:
    """The whole working copy of 申报机构<name>'s showcase, with `photos` photos: ready to submit."""
    award, writer = world.award(name), world.writer(name)
    services.showcase_save(award=award, actor=writer, **TEXT)
    for number in range(photos):
        services.photo_add(award=award, actor=writer, uploaded=jpeg(f"照片{number}.jpg"), caption=f"照片{number + 1}")
    return Showcase.objects.get(award=award)


def submitted(world: World, name: str = "甲", **kwargs) -> Showcase:
    return services.showcase_submit(showcase=written(world, name, **kwargs), actor=world.writer(name))


def approved(world: World, name: str = "甲", **kwargs) -> Showcase:
    return services.showcase_approve(showcase=submitted(world, name, **kwargs), actor=world.admin)


def notes(user: User) -> list[str]:
    """The texts of the showcase's notifications to `user` (the world's award told the institution something too)."""
    return list(Notification.objects.filter(user=user, link__startswith="/showcase/").order_by("pk").values_list("text", flat=True))
