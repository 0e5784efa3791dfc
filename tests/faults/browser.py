"""A small browser over http.client for the fault tests: cookies, forms as the page fills them, CSRF, no redirects.

`Browser.form(path)` reads a page and the named fields of one of its forms with the values the page gives them
(text, hidden, checked boxes and radios, selected options, text areas), which is what a person submits when they
change nothing; `submit()` posts them as the form's enctype says. A refused connection or a timeout is a `Reply`
with status 0, so a test can count it instead of stopping.
"""

import http.client
import secrets
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    error: str = ""
    raw: bytes = b""

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("location", "")).path


@dataclass
class Form:
    action: str
    enctype: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.fields if key == name), None)

    def set(self, name: str, value: str) -> None:
        self.fields = [(key, old) for key, old in self.fields if key != name] + [(name, value)]


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("enctype", "application/x-www-form-urlencoded")))
            return
        if not self.forms or "name" not in a or "disabled" in a:
            if tag == "option" and self._select and "selected" in a:
                self.forms[-1].fields.append((self._select, a.get("value", "")))
            return
        fields = self.forms[-1].fields
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    fields.append((a["name"], a.get("value", "on")))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []
        elif tag == "select":
            self._select = a["name"]

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.forms[-1].fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None


class Browser:
    def __init__(self, port: int, *, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Reply:
        headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            reply_headers = {name.lower(): value for name, value in response.getheaders()}
            return Reply(response.status, reply_headers, raw.decode("utf-8", "replace"), raw=raw)
        except OSError as error:
            return Reply(0, {}, "", error=repr(error))
        finally:
            connection.close()

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def form(self, path: str, *, action: str | None = None) -> tuple[Reply, Form | None]:
        """The page at `path` and its form posting to `action` (the first form with a CSRF token when not given)."""
        page = self.get(path)
        parser = _FormParser()
        parser.feed(page.body)
        for form in parser.forms:
            target = form.action or path
            if (action is None and form.get("csrfmiddlewaretoken")) or target == action:
                form.action = target
                return page, form
        return page, None

    def submit(self, form: Form, extra: list[tuple[str, str]] = ()) -> Reply:
        fields = [*form.fields, *extra]
        headers = {"Referer": f"http://127.0.0.1:{self.port}{form.action}"}
        if form.enctype == "multipart/form-data":
            boundary = secrets.token_hex(16)
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                for name, value in fields
            ]
            body = ("".join(parts) + f"--{boundary}--\r\n").encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.request("POST", form.action, body, headers)

    def second_factor(self, hex_key: str) -> Reply:
        """Give the current code of the authenticator app holding `hex_key` (django-otp's TOTP: 6 digits, 30 s)."""
        import time

        from django_otp.oath import TOTP

        path = "/accounts/second-factor/verify/"
        _page, form = self.form(path, action=path)
        if form is None:
            return _page
        totp = TOTP(bytes.fromhex(hex_key))
        totp.time = time.time()
        form.set("code", f"{totp.token():06d}")
        return self.submit(form)

    def sign_in(self, username: str, password: str) -> Reply:
        _page, form = self.form("/accounts/login/")
        if form is None:
            return _page
        form.set("username", username)
        form.set("password", password)
        return self.submit(form)
