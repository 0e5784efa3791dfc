"""The world of the satisfaction tests: two institutions of 高青县 with a window each, one of 桓台县, their users, the
county admins, a city viewer and the system admin."""

from datetime import datetime
from zoneinfo import ZoneInfo

from platforms.models import ServicePoint
from portal.enums import RegionLevel, Role
from satisfaction import services
from tests.factories import (
    ApplicantFactory,
    InstitutionFactory,
    RegionFactory,
    SystemAdminFactory,
    UserFactory,
    ViewerFactory,
)

BEIJING = ZoneInfo("Asia/Shanghai")
BUILT_AT = datetime(2026, 11, 10, 10, 0, tzinfo=BEIJING)
PHONE = "13812345678"

GOOD = {"service": "就业登记", "overall": 5, "efficiency": 5, "competence": 4, "attitude": 3, "comment": "很好", "phone": "", "phone_consent": False}
BAD = {**GOOD, "overall": 2, "efficiency": 1, "attitude": 2, "comment": "等候太久", "phone": "+86" + PHONE, "phone_consent": True}


def build() -> dict:
    city = RegionFactory(code="370300", name="淄博市", level=RegionLevel.CITY)
    gaoqing = RegionFactory(code="370322", name="高青县", level=RegionLevel.COUNTY, parent=city)
    huantai = RegionFactory(code="370321", name="桓台县", level=RegionLevel.COUNTY, parent=city)
    tianzhen = InstitutionFactory(name="高青县田镇街道便民服务中心", region=gaoqing)
    luhu = InstitutionFactory(name="高青县芦湖街道社区就业服务站", region=gaoqing)
    other = InstitutionFactory(name="桓台县索镇街道便民服务中心", region=huantai)
    points = {
        inst.pk: ServicePoint.objects.create(institution=inst, name="就业登记窗口", services="就业登记\n失业登记")
        for inst in (tianzhen, luhu, other)
    }
    return {
        "city": city, "gaoqing": gaoqing, "huantai": huantai,
        "tianzhen": tianzhen, "luhu": luhu, "other": other,
        "point": points[tianzhen.pk], "luhu_point": points[luhu.pk], "other_point": points[other.pk],
        "tianzhen_user": ApplicantFactory(institution=tianzhen),
        "other_user": ApplicantFactory(institution=other),
        "admin": UserFactory(role=Role.PROGRAMME_ADMIN, region=gaoqing),
        "other_admin": UserFactory(role=Role.PROGRAMME_ADMIN, region=huantai),
        "viewer": ViewerFactory(region=city),
        "system_admin": SystemAdminFactory(),
    }  # fmt: skip


def rate(point, data, *, device="dev-1", address="203.0.113.9", now=None):
    return services.rating_submit(service_point=point, data=dict(data), device=device, address=address, now=now)
