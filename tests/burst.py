"""Simultaneous requests against the live server, for the concurrency tests (imported by them; not collected itself).

`Browser` is one visitor with its own cookies (its session, its CSRF cookie, its messages), speaking plain HTTP to the
threaded live server. `burst()` makes every browser send the same request at the same moment (a barrier releases the
threads together), then follows each redirect, so every answer carries what the user ends up reading: the messages
and form errors of the page, or the text of an error page. `record()` keeps the figures that the terminal summary
prints (tests/conftest.py).
"""

import html
import http.client
import re
import secrets
import string
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.test import Client

FIGURES = pytest.StashKey[list]()

# What a page tells its reader: the messages, the form's error summary and field errors, an error page's heading.
_SHOWN = re.compile(
    r'<p class="message[^"]*">(.*?)</p>|<div class="error-summary".*?</div>|<p class="field__error"[^>]*>(.*?)</p>'
    r"|<h1>(.*?)</h1>",
    re.S,
)


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


@dataclass
class Answer:
    """What one request got: its status, where it was sent, and what the page the user lands on says."""

    status: int
    location: str = ""
    shown: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.shown)

    def __str__(self):
        where = f" → {self.location}" if self.location else ""
        return f"{self.status}{where}: {self.text or '(no message)'}"


class Browser:
    """One visitor: its own cookies, a CSRF cookie of its own, plain HTTP/1.1 to the live server."""

    def __init__(self, base_url: str, *, user=None):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.cookies = {settings.CSRF_COOKIE_NAME: self.csrf}
        if user is not None:  # a session of its own, as after signing in (the login form has its own tests)
            client = Client()
            client.force_login(user)
            self.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """Send one request; returns (status, Location, body). Cookies the answer sets are kept for the next one."""
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if method == "POST":
            body = urlencode({**(data or {}), "csrfmiddlewaretoken": self.csrf}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or morsel["expires"].startswith("Thu, 01 Jan 1970"):
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, urlsplit(response.headers.get("Location", "")).path, content
        finally:
            connection.close()

    def landing(self, status: int, location: str, body: str) -> Answer:
        """The answer as the user reads it: a redirect is followed (its messages shown there)."""
        if status in (301, 302, 303) and location:
            _status, _location, body = self.request("GET", location)
        shown = []
        for match in _SHOWN.finditer(body):
            groups = [g for g in match.groups() if g is not None]
            shown.append(_text(groups[0] if groups else match.group(0)))
        return Answer(status, location, [text for text in shown if text])


def browsers(live_server, users) -> list[Browser]:
    """One browser per user (the same user may come several times: a session each, as on several devices)."""
    return [Browser(live_server.url, user=user) for user in users]


@dataclass
class Burst:
    name: str
    answers: list[Answer]
    seconds: float
    peak: int = 0  # the most requests in flight at one moment

    @property
    def errors(self) -> int:
        return sum(answer.status >= 500 for answer in self.answers)

    def statuses(self) -> str:
        return ", ".join(f"{status} × {count}" for status, count in sorted(Counter(a.status for a in self.answers).items()))

    def unexplained(self, *allowed: str, existing: str = "") -> list[str]:
        """Answers that neither succeeded nor refused with one of the `allowed` texts (substrings), nor redirected to
        the `existing` record's page."""
        return [
            str(a) for a in self.answers
            if a.status >= 500 or not (any(text in a.text for text in allowed) or (existing and a.location == existing))
        ]


def burst(name: str, requests: list[tuple[Browser, str, str, dict | None]]) -> Burst:
    """Send every (browser, method, path, data) at the same moment, each from a thread of its own; then follow the
    redirects. Returns the answers in the order of `requests`."""
    barrier = threading.Barrier(len(requests))
    raw: list = [None] * len(requests)

    spans: list = [None] * len(requests)

    def send(index, browser, method, path, data):
        barrier.wait(timeout=60)
        sent = time.monotonic()
        try:
            raw[index] = browser.request(method, path, data)
        except Exception as error:  # a dropped connection counts as a failure, like a 500
            raw[index] = (599, "", repr(error))
        spans[index] = (sent, time.monotonic())

    started = time.monotonic()
    threads = [threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    seconds = time.monotonic() - started
    raw = [result or (599, "", "no answer in 180 s") for result in raw]
    answers = [browser.landing(*result) for (browser, *_request), result in zip(requests, raw, strict=True)]
    return Burst(name, answers, seconds, _peak(span for span in spans if span))


def _peak(spans) -> int:
    """The most requests open at one moment (each from its sending to its answer)."""
    events = sorted([(start, 1) for start, _end in spans] + [(end, -1) for _start, end in spans], key=lambda e: (e[0], e[1]))
    peak = open_now = 0
    for _moment, change in events:
        open_now += change
        peak = max(peak, open_now)
    return peak


def record(request, result: Burst, *, rows: int, detail: str = "") -> None:
    """Keep the figure line of one endpoint for the terminal summary."""
    noun = "row" if rows == 1 else "rows"
    line = (
        f"concurrency {result.name}: {len(result.answers)} requests, {rows} {noun} created{detail}, "
        f"{result.errors} × HTTP 500 ({result.statuses()}; {result.peak} in flight at once; {result.seconds:.1f} s)"
    )
    request.config.stash.setdefault(FIGURES, []).append(line)
