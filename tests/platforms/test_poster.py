import subprocess

import pytest
from django.conf import settings
from django.urls import reverse

from platforms.models import PlatformProfile
from platforms.poster import rating_url


@pytest.mark.django_db
def test_rating_url_is_absolute(window):
    assert rating_url(window) == f"{settings.PORTAL_BASE_URL}/satisfaction/r/{window.token}/"


@pytest.mark.pdf
@pytest.mark.django_db
def test_poster_renders_with_the_rating_url(client, login, keeper, platform, window, tmp_path):
    PlatformProfile.objects.create(institution=platform, complaint_phone="0533-6961234")
    login(keeper)

    response = client.get(reverse("platforms:window_poster", args=[window.pk]))

    path = tmp_path / "poster.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert response["Content-Type"] == "application/pdf"
    assert "就业登记窗口" in text and "非常满意 · 满意 · 基本满意 · 不满意 · 非常不满意" in text
    assert "0533-6961234" in text and f"/satisfaction/r/{window.token}/" in text.replace("\n", "")
