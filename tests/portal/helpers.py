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


def messages_of(response) -> list[str]:
    """The messages this response left for the next page; taken off the client, as the next page would show them."""
    from django.contrib.messages import get_messages

    found = [str(message) for message in get_messages(response.wsgi_request)]
    response.client.cookies.pop("messages", None)
    return found


def queued_messages(response) -> list[str]:
    """The messages this request added (the storage also holds any not yet shown after an earlier redirect)."""
    from django.contrib.messages import get_messages

    return [str(message) for message in get_messages(response.wsgi_request)._queued_messages]


def refusal(call) -> str:
    """The message of the refusal (portal.transitions.Refused, TransitionError included) that `call()` raises (the
    test fails if it raises none)."""
    import pytest

    from portal.transitions import Refused

    with pytest.raises(Refused) as refused:
        call()
    return str(refused.value)
