"""Shared helpers of the portal view tests (imported by the test modules; not collected itself)."""

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=0, minute=0) -> datetime:
    """An aware Beijing time, as the portal shows deadlines."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def text(response) -> str:
    return response.content.decode()


def visible_text(response) -> str:
    """What a reader sees: tags removed, entities decoded, whitespace folded (markup may change, wording may not)."""
    without_tags = re.sub(r"<[^>]+>", " ", text(response))
    return re.sub(r"\s+", " ", html.unescape(without_tags)).strip()
