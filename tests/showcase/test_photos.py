"""The showcase's photos: JPEG and PNG only, checked by the portal's upload inspection, at most six, and re-encoded
before they are stored (no EXIF leaves with a published photo)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from showcase import services
from showcase.models import Showcase, ShowcasePhoto
from tests.applications.factories import PDF
from tests.portal.helpers import refusal
from tests.showcase.builders import BUILT_AT, NOW, image_bytes, jpeg, png
from tests.showcase.builders import build as build_world
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build_world, built_at=BUILT_AT, tests_at=NOW)


def add(world, uploaded, caption="服务大厅"):
    return services.photo_add(award=world.award(), actor=world.writer(), uploaded=uploaded, caption=caption)


def stored(photo: ShowcasePhoto) -> bytes:
    with photo.file.open("rb") as handle:
        return handle.read()


@pytest.mark.parametrize(
    ("uploaded", "message"),
    [
        (SimpleUploadedFile("大厅.jpg", PDF, content_type="image/jpeg"), "文件“大厅.jpg”的内容与扩展名不符（扩展名为.jpg），请上传真实的文件。"),
        (SimpleUploadedFile("说明.png", "这不是图片".encode(), content_type="image/png"), "文件“说明.png”的内容与扩展名不符（扩展名为.png），请上传真实的文件。"),
        (SimpleUploadedFile("材料.pdf", PDF, content_type="application/pdf"), "只能上传 JPG、PNG 格式的文件。"),
        (SimpleUploadedFile("动图.gif", b"GIF89a\x01\x00\x01\x00", content_type="image/gif"), "只能上传 JPG、PNG 格式的文件。"),
        (SimpleUploadedFile("坏图.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 40, content_type="image/jpeg"), "文件“坏图.jpg”已损坏，无法打开，请检查后重新上传。"),
    ],
    ids=["pdf-named-jpg", "text-named-png", "pdf", "gif", "broken-jpeg"],
)
def test_anything_but_a_real_jpeg_or_png_is_refused(world, uploaded, message):
    with pytest.raises(ValidationError) as refused:
        add(world, uploaded)

    assert refused.value.messages == [message]
    assert not ShowcasePhoto.objects.exists()


def test_a_jpeg_is_stored_without_its_exif_and_upright(world):
    exif = Image.Exif()
    exif[0x010F] = "SecretCamMaker"  # Make
    exif[0x0112] = 6  # Orientation: the camera was turned; the pixels must be turned back
    uploaded = jpeg(size=(40, 30), exif=exif.tobytes())
    assert b"SecretCamMaker" in uploaded.read()
    uploaded.seek(0)

    photo = add(world, uploaded)

    content = stored(photo)
    image = Image.open(io.BytesIO(content))
    assert b"SecretCamMaker" not in content and not image.getexif()
    assert image.format == "JPEG" and image.size == (30, 40) == (photo.width, photo.height)
    assert photo.content_type == "image/jpeg" and photo.size == len(content) and photo.file.name.endswith(".jpg")


def test_a_png_stays_a_png_and_a_large_photo_is_brought_down(world):
    large = SimpleUploadedFile("全景.jpg", image_bytes("JPEG", size=(1700, 850)), content_type="image/jpeg")

    small, brought_down = add(world, png()), add(world, large)

    assert Image.open(io.BytesIO(stored(small))).format == "PNG" and small.content_type == "image/png"
    assert (brought_down.width, brought_down.height) == (1600, 800)


def test_a_seventh_photo_is_refused(world):
    for number in range(6):
        add(world, jpeg(f"{number}.jpg"), caption=f"照片{number}")

    message = refusal(lambda: add(world, jpeg("7.jpg")))

    assert message == "最多上传6张照片，已上传6张；请先移除一张。"
    assert Showcase.objects.get(award=world.award()).photos.count() == 6


def test_a_photo_needs_a_caption(world):
    message = refusal(lambda: add(world, jpeg(), caption="  "))

    assert message == "请填写照片说明。"
