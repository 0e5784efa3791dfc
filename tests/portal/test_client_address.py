"""The client's address behind the reverse proxy, lockout that a login cannot reset for others, limits on password
resets and `no-store` on signed-in pages (issue 11 items 5, 6 and 9; docs/security.md 3, 4, 8)."""

import pytest
from django.core import mail
from django.test import RequestFactory

from portal.audit import AuditEvent, audit
from portal.clientip import client_ip
from portal.models import AuditRecord
from tests.factories import ApplicantFactory, InstitutionFactory, UserFactory
from tests.portal.helpers import text

PASSWORD = "Test-pass-2026"
PROXY = "10.0.0.254"


def _request(remote_addr, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **extra)


def _login_post(client, username, password, remote_addr="127.0.0.1", forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=remote_addr, **extra
    )


# --- client_ip ---------------------------------------------------------------------------------------


def test_client_ip_without_trusted_proxies_ignores_forwarded_header(settings):
    settings.TRUSTED_PROXIES = []

    assert client_ip(_request("203.0.113.7", forwarded="198.51.100.1")) == "203.0.113.7"


def test_client_ip_from_untrusted_address_ignores_forwarded_header(settings):
    settings.TRUSTED_PROXIES = [PROXY]

    assert client_ip(_request("203.0.113.7", forwarded="198.51.100.1")) == "203.0.113.7"


def test_client_ip_behind_trusted_proxy_is_the_forwarded_address(settings):
    settings.TRUSTED_PROXIES = [PROXY]

    assert client_ip(_request(PROXY, forwarded="198.51.100.1")) == "198.51.100.1"


def test_client_ip_spoofed_entries_before_the_proxy_are_not_believed(settings):
    settings.TRUSTED_PROXIES = [PROXY]

    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the address it saw.
    assert client_ip(_request(PROXY, forwarded="1.2.3.4, 198.51.100.1")) == "198.51.100.1"


def test_client_ip_walks_a_chain_of_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "172.16.0.0/12"]

    assert client_ip(_request("10.0.0.5", forwarded="198.51.100.1, 172.20.0.3")) == "198.51.100.1"


def test_client_ip_all_hops_trusted_gives_the_farthest(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert client_ip(_request("10.0.0.5", forwarded="10.9.9.9")) == "10.9.9.9"


def test_client_ip_malformed_forwarded_entry_stops_at_the_last_trusted_hop(settings):
    settings.TRUSTED_PROXIES = [PROXY]

    assert client_ip(_request(PROXY, forwarded="not-an-address")) == PROXY
    assert client_ip(_request(PROXY, forwarded="")) == PROXY


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("[2001:DB8::1]:443", "2001:db8::1"),
        ("198.51.100.1:51234", "198.51.100.1"),
        ("::ffff:198.51.100.1", "198.51.100.1"),
        ("fe80::1%eth0", "fe80::1"),
    ],
)
def test_client_ip_reads_ports_zones_and_mapped_addresses(settings, forwarded, expected):
    settings.TRUSTED_PROXIES = [PROXY]

    assert client_ip(_request(PROXY, forwarded=forwarded)) == expected


def test_client_ip_without_a_usable_remote_address_is_none():

    assert client_ip(_request("unix-socket")) is None
    assert client_ip(None) is None


# --- the audit and the lockout use it ----------------------------------------------------------------


@pytest.mark.django_db
def test_audit_records_the_client_behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    request = _request(PROXY, forwarded="198.51.100.23")
    request.user = UserFactory()

    record = audit(AuditEvent.EXPORT, request=request, detail="x")

    assert AuditRecord.objects.get(pk=record.pk).source_ip == "198.51.100.23"


@pytest.mark.django_db
def test_lockout_behind_proxy_is_per_client_not_per_proxy(client, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    UserFactory(username="sun")
    for number in range(5):
        _login_post(client, f"guess{number}", "Wrong-pass-2026", remote_addr=PROXY, forwarded="198.51.100.66")

    attacker = _login_post(client, "sun", PASSWORD, remote_addr=PROXY, forwarded="198.51.100.66")
    colleague = _login_post(client, "sun", PASSWORD, remote_addr=PROXY, forwarded="198.51.100.77")

    assert attacker.status_code == 429
    assert colleague.status_code == 302
    assert colleague["Location"] == "/home/"


@pytest.mark.django_db
def test_login_failure_audit_names_the_client_behind_the_proxy(client, settings):
    settings.TRUSTED_PROXIES = [PROXY]

    _login_post(client, "nobody", "Wrong-pass-2026", remote_addr=PROXY, forwarded="198.51.100.5")

    record = AuditRecord.objects.get(event=AuditEvent.LOGIN_FAILED)
    assert (record.username, record.source_ip, record.success) == ("nobody", "198.51.100.5", False)


# --- a login does not reset the address's failures ----------------------------------------------------


@pytest.mark.django_db
def test_own_login_between_guesses_does_not_reset_the_address_count(client):
    UserFactory(username="attacker")
    UserFactory(username="victim")
    address = "10.7.7.7"
    refused = 0
    for round_number in range(3):  # 12 guesses, with a login to the attacker's own account after each 4
        for number in range(4):
            response = _login_post(client, "victim", f"Guess-{round_number}-{number}x", remote_addr=address)
            refused += response.status_code == 429
        _login_post(client, "attacker", PASSWORD, remote_addr=address)
        client.post("/accounts/logout/")

    assert refused == 8  # from the fifth guess on, every one is refused
    assert _login_post(client, "victim", PASSWORD, remote_addr=address).status_code == 429


@pytest.mark.django_db
def test_login_clears_the_own_usernames_failures_from_that_address(client):
    UserFactory(username="zhao")
    for _ in range(4):
        _login_post(client, "zhao", "Wrong-pass-2026")
    assert _login_post(client, "zhao", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        _login_post(client, "zhao", "Wrong-pass-2026")

    response = _login_post(client, "zhao", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/home/"


# --- password reset limits ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_limited_per_address(client, settings):
    settings.PASSWORD_RESET_RATE_PER_HOUR = 3
    settings.PASSWORD_RESET_ACCOUNT_RATE_PER_HOUR = 100
    for number in range(3):
        ApplicantFactory(email=f"user{number}@example.com")
        ok = client.post("/accounts/password/reset/", {"email": f"user{number}@example.com"}, REMOTE_ADDR="10.1.1.1")
        assert ok.status_code == 302

    refused = client.post("/accounts/password/reset/", {"email": "user0@example.com"}, REMOTE_ADDR="10.1.1.1")
    other = client.post("/accounts/password/reset/", {"email": "user0@example.com"}, REMOTE_ADDR="10.1.1.2")

    assert refused.status_code == 429
    assert "找回密码的请求过于频繁，请一小时后再试。" in text(refused)
    assert other.status_code == 302
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_password_reset_limited_per_account_without_telling(client, settings):
    settings.PASSWORD_RESET_ACCOUNT_RATE_PER_HOUR = 2
    ApplicantFactory(email="wang@example.com")

    responses = [
        client.post("/accounts/password/reset/", {"email": "Wang@Example.com"}, REMOTE_ADDR=f"10.2.0.{number}")
        for number in range(4)
    ]

    assert [r.status_code for r in responses] == [302, 302, 302, 302]
    assert {r["Location"] for r in responses} == {"/accounts/password/reset/done/"}
    assert len(mail.outbox) == 2


# --- no-store on signed-in pages ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/home/", "/notifications/", "/notices/", "/accounts/password/change/"])
def test_signed_in_pages_are_not_stored(login, path):
    client = login(ApplicantFactory(institution=InstitutionFactory()))

    response = client.get(path)

    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "no-cache", "private", "must-revalidate", "max-age=0"} <= cache_control


@pytest.mark.django_db
def test_visitors_public_page_keeps_its_caching(client):

    response = client.get("/notices/")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
