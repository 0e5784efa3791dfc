"""What an admin sets up for results: a licensed plaque font (refused when it is not a usable font), the announcement template."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awards.enums import FontRole
from awards.models import PlaqueFont
from tests.factories import SystemAdminFactory

pytestmark = pytest.mark.django_db
WENKAI = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Bold.ttf")


def post_font(client, upload):
    return client.post(
        "/admin/awards/plaquefont/add/", {"role": FontRole.WEIBEI, "name": "方正魏碑（授权）", "file": upload, "active": "on"}
    )


def test_a_non_font_is_refused_with_a_reason(login):
    client = login(SystemAdminFactory())

    response = post_font(client, SimpleUploadedFile("weibei.ttf", b"not a font at all", content_type="font/ttf"))

    assert response.status_code == 200
    assert "请上传 TTF、OTF 或 TTC 格式的字体文件" in response.content.decode()
    assert not PlaqueFont.objects.exists()


@pytest.mark.skipif(not WENKAI.exists(), reason="fonts-lxgw-wenkai is installed by make setup")
def test_a_real_font_is_installed_and_named_with_its_uploader(login):
    admin = SystemAdminFactory()
    client = login(admin)

    response = post_font(client, SimpleUploadedFile("weibei.ttf", WENKAI.read_bytes(), content_type="font/ttf"))

    assert response.status_code == 302
    font = PlaqueFont.objects.get()
    assert (font.role, font.uploaded_by, font.active) == (FontRole.WEIBEI, admin, True)


def test_the_programmes_announcement_template_fills_the_draft():
    from awards.services import announcement_defaults
    from tests.factories import RoundFactory

    round = RoundFactory()
    round.programme.announcement_template = "经{批次}评定，授予“{牌匾}”称号。{未知}"
    round.programme.save()

    body = announcement_defaults(round)["body"]

    assert body == f"经{round.name}评定，授予“{round.programme.plaque_title}”称号。{{未知}}"
