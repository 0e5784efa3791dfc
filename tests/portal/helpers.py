"""Shared helpers of the portal view tests (imported by the test modules; not collected itself)."""

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _no_static_scan(settings, tmp_path_factory):
    """Point STATIC_ROOT at an empty folder.

    Why: every test gets a fresh test client, whose first request builds the middleware chain; WhiteNoise then
    indexes every file under STATIC_ROOT (about 1,000 after a local collectstatic), ~80 ms per test for nothing.
    Import this fixture into a test module to make it autouse there.
    """
    empty = tmp_path_factory.getbasetemp() / "empty-static"
    empty.mkdir(exist_ok=True)
    settings.STATIC_ROOT = empty


def at(year, month, day, hour=0, minute=0) -> datetime:
    """An aware Beijing time, as the portal shows deadlines."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def text(response) -> str:
    return response.content.decode()


def visible_text(response) -> str:
    """What a reader sees: tags removed, entities decoded, whitespace folded (markup may change, wording may not)."""
    without_tags = re.sub(r"<[^>]+>", " ", text(response))
    return re.sub(r"\s+", " ", html.unescape(without_tags)).strip()
