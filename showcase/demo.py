"""Demo showcases for `manage.py seed_demo`, after the results (awards.demo.seed_results): for the demo county's
awards in force, in the order they were awarded, one approved showcase, one submitted and waiting for the admin, one
draft; a revoked award's showcase, approved before the revocation and hidden since. With a single award in force (the
demo as it stands), its approved showcase also has a change waiting for the admin, so the review queue is not empty.

Built through the services (photos through the upload inspection), so the history reads as in real use, except the
revoked award's: the services refuse a revoked title, so its showcase is written as it was when approved. Idempotent:
an award that has a showcase is left as it is. The photos are drawn with Pillow: a few shapes and a label.
"""

import functools
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from awards.enums import AwardStatus
from awards.models import Award
from portal.enums import Role
from portal.models import User
from portal.selectors import programme_admins
from showcase import services
from showcase.enums import ShowcaseStatus
from showcase.models import Showcase, ShowcasePhoto
from showcase.photos import photo_encode

SHANGHAI = ZoneInfo("Asia/Shanghai")
COUNTY_CODE = "370322"  # 高青县 (portal/demo.py)
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
BLUE, SKY, WHITE, GREY, ORANGE = (31, 95, 168), (214, 230, 245), (255, 255, 255), (120, 130, 140), (232, 140, 40)

PRACTICE = (
    "一、织密“15分钟就业服务圈”。在{short}设立综合服务大厅，在全县镇（街道）、社区（村）布设就业服务驿站，"
    "岗位信息、政策咨询、技能培训报名就近可办，群众步行15分钟即可找到服务点。\n"
    "二、推行“一站式受理、一窗式办结”。把失业登记、就业困难人员认定、社保补贴申领等12项业务整合进综合窗口，"
    "材料一次告知、事项一窗办结，平均办理时间由3天压缩到1天。\n"
    "三、精准帮扶重点群体。对高校毕业生、退役军人、就业困难人员建立帮扶台账，实行“一人一档”“一人一策”，"
    "近三年帮助1200余名重点群体人员实现就业。\n"
    "四、线上线下同步招聘。每月举办“春风行动”“民营企业招聘月”等专场招聘会，开设“直播带岗”，"
    "累计举办招聘活动160余场，达成就业意向9000余人次。"
)
BRAND = (
    "“暖心就业”服务品牌以“进一扇门、办所有事、暖一颗心”为理念，推出政策“明白卡”、岗位“推送单”、"
    "困难群体“帮扶包”三项特色服务，服务满意度测评连续三年保持在98%以上，被县人社系统作为优质服务窗口经验推广。"
)
CHANGE = "五、新增零工驿站。2026年在县零工市场设立零工驿站，提供“即时快招”“日结岗位”发布，帮助灵活就业人员就近找活。"

PHOTOS = [
    ("综合服务大厅.jpg", "综合服务大厅“一站式”受理窗口", "hall"),
    ("春风行动招聘会.jpg", "“春风行动”专场招聘会现场", "fair"),
    ("就业服务驿站.jpg", "社区就业服务驿站", "station"),
]


def seed_showcase() -> list[str]:
    """The demo's showcases; returns the names of the institutions given one now."""
    done = []
    awards = Award.objects.filter(institution__region__code__startswith=COUNTY_CODE).select_related(
        "programme", "institution"
    ).order_by("awarded_on", "pk")
    in_force = [award for award in awards if award.status == AwardStatus.IN_FORCE]
    stages = [_approved, _submitted, _draft]
    for award, stage in zip(in_force, stages, strict=False):
        if _ready(award):
            stage(award, alone=len(in_force) == 1)
            done.append(award.institution_name)
    for award in awards:
        if award.status == AwardStatus.REVOKED and _ready(award):
            _approved_before_revocation(award)
            done.append(award.institution_name)
    return done


def _ready(award: Award) -> bool:
    """No showcase yet, and someone to write it and someone to approve it."""
    return not Showcase.objects.filter(award=award).exists() and bool(_writer(award)) and bool(
        programme_admins(award.programme)
    )


def _writer(award: Award) -> User | None:
    return User.objects.filter(institution=award.institution_id, role=Role.APPLICANT, is_active=True).order_by("pk").first()


def _short(award: Award) -> str:
    return (award.institution_name or award.institution.name).removeprefix("高青县")


def _write(award: Award, *, photos: int) -> Showcase:
    writer = _writer(award)
    showcase = services.showcase_save(
        award=award, actor=writer,
        summary=f"{award.institution_name}打造“15分钟就业服务圈”，以“暖心就业”品牌推动就业服务提质增效。",
        practice=PRACTICE.format(short=_short(award)), brand_name="暖心就业", brand_description=BRAND,
    )
    for name, caption, scene in PHOTOS[:photos]:
        services.photo_add(award=award, actor=writer, caption=caption,
                           uploaded=SimpleUploadedFile(name, drawn(scene, caption), content_type="image/jpeg"))
    return showcase


@transaction.atomic
def _approved(award: Award, *, alone: bool) -> None:
    writer, admin = _writer(award), programme_admins(award.programme)[0]
    showcase = services.showcase_submit(showcase=_write(award, photos=3), actor=writer)
    showcase = services.showcase_approve(showcase=showcase, actor=admin)
    if alone:  # the only award in force: a change after approval waits for the admin, the approved copy stays public
        showcase = services.showcase_save(award=award, actor=writer, practice=f"{showcase.practice}\n{CHANGE}")
        services.showcase_submit(showcase=showcase, actor=writer)


@transaction.atomic
def _submitted(award: Award, *, alone: bool) -> None:
    services.showcase_submit(showcase=_write(award, photos=2), actor=_writer(award))


@transaction.atomic
def _draft(award: Award, *, alone: bool) -> None:
    _write(award, photos=1)


@transaction.atomic
def _approved_before_revocation(award: Award) -> None:
    """Written as it was when the admin approved it, two months after the award (the services refuse a revoked
    title); the public pages hide it since the revocation."""
    writer, admin = _writer(award), programme_admins(award.programme)[0]
    text = {
        "summary": f"{award.institution_name}以“优聘直通车”服务中小企业招工用工。",
        "practice": "为县内中小企业提供招聘、培训、用工指导“一条龙”服务，组织企业进园区、进社区开展专场招聘。",
        "brand_name": "优聘直通车",
        "brand_description": "面向中小企业的招工用工服务品牌，提供岗位发布、人岗匹配和入职跟踪服务。",
    }
    showcase = Showcase(award=award, status=ShowcaseStatus.APPROVED, **text, **{f"published_{k}": v for k, v in text.items()})
    showcase._history_user = writer
    showcase.save()
    name, caption, scene = PHOTOS[1]
    encoded = photo_encode(SimpleUploadedFile(name, drawn(scene, caption), content_type="image/jpeg"))
    photo = ShowcasePhoto(showcase=showcase, caption=caption, original_name=name, content_type=encoded.content_type,
                          size=encoded.size, sha256=encoded.sha256, width=encoded.width, height=encoded.height,
                          uploaded_by=writer)
    photo.file.save(encoded.content.name, encoded.content, save=True)
    day = award.awarded_on + timedelta(days=60)
    approved_at = min(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), award.revoked_at)
    Showcase.objects.filter(pk=showcase.pk).update(
        published_photos=[{"id": photo.pk, "caption": caption, "width": photo.width, "height": photo.height}],
        published_at=approved_at, approved_by=admin, decided_at=approved_at, submitted_at=approved_at - timedelta(days=3),
    )


# --- the photos ----------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _font(size: int):
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:  # no CJK font installed: Pillow's own (the label then shows as boxes, the photo still works)
        return ImageFont.load_default()


def drawn(scene: str, label: str, size=(1200, 800)) -> bytes:
    """A JPEG of simple shapes standing for a scene (a service hall, a job fair, a service station) with a label; drawn
    at 1200 × 800 and scaled to `size`."""
    width, height = 1200, 800
    image = Image.new("RGB", (width, height), SKY)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 0.72, width, height), fill=(200, 205, 210))  # the floor, the square
    {"hall": _hall, "fair": _fair, "station": _station}[scene](draw, width, height)
    draw.rectangle((0, height - 90, width, height), fill=BLUE)
    draw.text((width / 2, height - 45), label, fill=WHITE, font=_font(40), anchor="mm")
    buffer = io.BytesIO()
    image.resize(size).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _hall(draw, width, height):
    draw.rectangle((60, 40, width - 60, 120), fill=BLUE)
    draw.text((width / 2, 80), "就业服务大厅", fill=WHITE, font=_font(44), anchor="mm")
    for n, window in enumerate(("综合服务", "政策咨询", "职业指导", "技能培训")):
        left = 90 + n * (width - 180) / 4
        draw.rectangle((left + 10, 200, left + (width - 180) / 4 - 10, height * 0.72), fill=WHITE, outline=GREY, width=4)
        draw.text((left + (width - 180) / 8, 240), window, fill=BLUE, font=_font(30), anchor="mm")
        draw.ellipse((left + 90, 380, left + 150, 440), fill=ORANGE)  # the clerk behind the window


def _fair(draw, width, height):
    for n in range(4):
        left = 70 + n * 280
        draw.polygon([(left, 300), (left + 120, 200), (left + 240, 300)], fill=(220, 60, 50))
        draw.rectangle((left + 10, 300, left + 230, height * 0.72), fill=WHITE, outline=GREY, width=3)
        draw.text((left + 120, 350), f"{n + 1}号展位", fill=BLUE, font=_font(28), anchor="mm")
    for n in range(9):
        x = 90 + n * 125
        draw.ellipse((x, 600, x + 40, 640), fill=ORANGE if n % 2 else BLUE)
        draw.rectangle((x + 5, 640, x + 35, 700), fill=GREY)


def _station(draw, width, height):
    draw.polygon([(300, 260), (600, 90), (900, 260)], fill=BLUE)
    draw.rectangle((330, 260, 870, height * 0.72), fill=WHITE, outline=GREY, width=4)
    draw.rectangle((540, 420, 660, height * 0.72), fill=(150, 110, 70))
    draw.text((600, 320), "就业服务驿站", fill=BLUE, font=_font(40), anchor="mm")
    draw.text((600, 380), "15分钟就业服务圈", fill=ORANGE, font=_font(28), anchor="mm")
