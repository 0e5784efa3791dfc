"""HTTP throughput benchmark (`make bench`): a public notice page and a staff list against bare Django views, on the
production stack (PostgreSQL and Redis).

The guide's targets, under 50 concurrent clients and against bare views measured in the same run behind the same
middleware: the public notice page, for a visitor, serves ≥ 100 % of the requests per second of a bare view
answered to a visitor; a programme admin's list of a round of 1,000 submitted applications serves ≥ 50 % of those of
a bare view answered to the same admin (a view that needs a signed-in user and names them, so the session, the
authentication, the loading of the user and the second factor are in both). SQL queries per page do not grow
with the data.

The database is a throwaway PostgreSQL database and the cache (pages, sessions, the staff pages' caches) a Redis
database, as in production (scripts/bench_stack.py: BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/portal_bench_<pid>, created and dropped; BENCH_REDIS_URL, default
redis://127.0.0.1:6379/10, flushed before and after); the rest (VAR_DIR, STATIC_ROOT, media) is in a temporary
directory. When PostgreSQL or Redis is not there, one SKIP line says so and nothing is measured. The data is built
with the project's own code and the test builders. The server is gunicorn as `make demo` runs it (2 workers ×
4 threads, scripts/bench_load.py) with scripts/bench_settings.py, whose URLconf (scripts/bench_urls.py) adds the
bare views. SQL queries are counted in this process with Django's test Client, once rendered (the cache emptied
first) and once answered from the caches. Each figure is one line `<figure>: <value>  (target <target>)  OK|MISS`
(SKIP when not measured).
"""

import logging
import os
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from bench_load import (
    CLIENTS,
    SECONDS,
    SLICES,
    CpuClock,
    fetch,
    free_port,
    measure,
    start_server,
    stop_server,
    wait_ready,
)
from bench_stack import Unavailable, throwaway_stack

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
BIG, SMALL = 1000, 10
NOTICE_TARGET, STAFF_TARGET = 1.00, 0.50
ENTRY_NAMES = ("甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸")


def report(figure: str, value: str, target: str, ok: bool | None) -> None:
    """One figure's line; `ok` None: not measured."""
    verdict = "SKIP" if ok is None else "OK" if ok else "MISS"
    print(f"{figure}: {value}  (target {target})  {verdict}", flush=True)


def bench_environment(tmp: Path, database_url: str, redis_url: str) -> dict[str, str]:
    """The environment of this process and the server: throwaway state only, production settings and stack."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        DJANGO_DEBUG="0",
        VAR_DIR=str(tmp / "var"),
        DATABASE_URL=database_url,
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        REDIS_URL=redis_url,  # the cache and the sessions' cache
        CELERY_BROKER_URL=redis_url,  # nobody consumes the notifications of publishing: flushed at the end
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(SCRIPTS)]),
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)  # before Django reads its settings
    sys.path[:0] = [str(ROOT), str(SCRIPTS)]
    os.chdir(ROOT)
    import django

    django.setup()
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)


# --- data --------------------------------------------------------------------------------------------------------


def build_data() -> dict:
    """Two published notices (2 and 10 entries) and, under one admin, rounds of 10 and 1,000 submitted applications."""
    from django.utils import timezone

    from portal import services as portal_services
    from tests.factories import ApplicantFactory, ProgrammeFactory, UserFactory
    from tests.publicity.publicity_builders import listed_round, publish

    now = timezone.now()
    notices = {count: publish(listed_round(names=ENTRY_NAMES[:count]), now) for count in (2, len(ENTRY_NAMES))}
    programme = ProgrammeFactory()
    admin = UserFactory(username="bench-admin", full_name="基准项目管理员")
    portal_services.programme_admin_grant(programme=programme, user=admin)
    applicant = ApplicantFactory()
    rounds = {count: submitted_round(programme, applicant, count, now) for count in (SMALL, BIG)}
    return {"notices": notices, "rounds": rounds, "admin": admin}


def submitted_round(programme, applicant, count: int, now):
    """A round of `count` applications submitted by as many verified institutions (bulk-created: 1,000 in seconds)."""
    from applications.enums import ApplicationStatus
    from applications.models import Application
    from portal.enums import InstitutionKind, InstitutionStatus
    from portal.models import Institution
    from tests.factories import RoundFactory, next_uscc

    kinds = [value for value, _label in InstitutionKind.choices]
    round = RoundFactory(programme=programme, name=f"2026年度（{count}家）")
    institutions = Institution.objects.bulk_create(
        Institution(
            name=f"基准人力资源服务有限公司{count}-{n:04d}", uscc=next_uscc(), kind=kinds[n % len(kinds)],
            region=programme.region, address=f"测试县测试路{n + 1}号", principal_name="张主任", contact_name="李联系",
            contact_phone="0533-6961000", status=InstitutionStatus.VERIFIED, verified_at=now,
        )
        for n in range(count)
    )  # fmt: skip
    Application.objects.bulk_create(
        Application(
            round=round, institution=institution, status=ApplicationStatus.SUBMITTED,
            institution_name=institution.name, institution_address=institution.address,
            principal_name=institution.principal_name, contact_name=institution.contact_name,
            contact_phone=institution.contact_phone, created_by=applicant, submitted_at=now - timedelta(minutes=n),
        )
        for n, institution in enumerate(institutions)
    )  # fmt: skip
    return round


# --- SQL queries per page ----------------------------------------------------------------------------------------


def count_queries(client, url: str) -> tuple[int, int]:
    """Queries of `url` rendered (the cache emptied first, after a warm request that filled the per-process caches)
    and then answered from the caches."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    counts = []
    cache.clear()  # the throwaway Redis database: the next request renders the page again
    for _turn in ("rendered", "from the caches"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        counts.append(len(queries.captured_queries))
    return counts[0], counts[1]


def bench_queries(data: dict, staff_client) -> None:
    from django.test import Client
    from django.urls import reverse

    visitor = Client(SERVER_NAME="127.0.0.1")
    pages = (
        ("notice page", f"{len(ENTRY_NAMES[:2])} → {len(ENTRY_NAMES)} entries", visitor,
         [reverse("publicity:notice", args=[data["notices"][n].pk]) for n in (2, len(ENTRY_NAMES))]),
        ("staff list page", f"{SMALL} → {BIG:,} applications", staff_client,
         [reverse("applications:round_applications", args=[data["rounds"][n].pk]) for n in (SMALL, BIG)]),
    )  # fmt: skip
    for page, sizes, client, urls in pages:
        (rendered_small, cached_small), (rendered_big, cached_big) = (count_queries(client, url) for url in urls)
        report(
            f"SQL queries per {page} on PostgreSQL, {sizes}",
            f"rendered {rendered_small} → {rendered_big}, from the caches {cached_small} → {cached_big}",
            "same count",
            rendered_small == rendered_big and cached_small == cached_big,
        )


def verify_second_factor(client, user) -> None:
    """A programme admin's session is measured as it is after the second factor (as every real one is)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


# --- HTTP --------------------------------------------------------------------------------------------------------


def http_targets(data: dict, session_cookie: str) -> dict[str, tuple[str, str]]:
    """label -> (path, cookie); each page's reference comes right before it."""
    from django.urls import reverse

    notice = data["notices"][len(ENTRY_NAMES)]
    return {
        "bare": ("/bench/bare/", ""),
        "notice": (reverse("publicity:notice", args=[notice.pk]), ""),
        "bare signed in": ("/bench/bare-signed-in/", session_cookie),
        "staff": (reverse("applications:round_applications", args=[data["rounds"][BIG].pk]), session_cookie),
    }


def summary(result: dict, clock: CpuClock) -> tuple[float, str, bool]:
    """Mean requests per second over the slices, the detail (slices' range, server CPU, other answers), all 200."""
    rates, others = result["rates"], result["others"]
    detail = f"slices {min(rates):.0f}–{max(rates):.0f}"
    if clock.available and result["responses"]:
        detail += f"; server CPU {result['server_cpu'] / result['responses'] * 1000:.2f} ms/request"
    if others:
        detail += f"; not 200: {dict(others)}"
    return sum(rates) / len(rates), detail, not others


def bench_http(port: int, data: dict, session_cookie: str, clock: CpuClock) -> None:
    targets = http_targets(data, session_cookie)
    _status, headers, _body = fetch(port, targets["notice"][0])
    if "set-cookie" in headers:
        print(f"note: the notice page sets a cookie for visitors: {headers['set-cookie'][:80]}", flush=True)
    results, others_share = measure(port, targets, clock)
    if others_share is not None:
        report(
            "HTTP CPU of other processes during the runs",
            f"{others_share:.0%} of {os.cpu_count()} cores",
            "≤ 5 %, else the requests per second are low and their ratios less reliable",
            others_share <= 0.05,
        )
    clients = f"{CLIENTS} clients, {SECONDS:.0f} s in {SLICES} slices"
    pairs = (
        ("bare", "HTTP bare Django view, visitor", "notice",
         f"HTTP public notice page, {len(ENTRY_NAMES)} entries, visitor", NOTICE_TARGET),
        ("bare signed in", "HTTP bare Django view, signed in as the programme admin", "staff",
         f"HTTP staff list of {BIG:,} applications, programme admin", STAFF_TARGET),
    )  # fmt: skip
    for reference_label, reference_name, label, name, target in pairs:
        bare, bare_detail, bare_ok = summary(results[reference_label], clock)
        reference = f"{bare:.0f} req/s ({bare_detail})"
        report(f"{reference_name} ({clients})", reference, "reference of the next line", bare_ok)
        rps, detail, ok = summary(results[label], clock)
        ratio = rps / bare if bare else 0.0
        report(
            f"{name} ({clients})",
            f"{rps:.0f} req/s = {ratio:.0%} of bare ({detail})",
            f"≥ {target:.0%} of bare = {target * bare:.0f} req/s",
            ok and ratio >= target,
        )


def run(tmp: Path, database_url: str, redis_url: str) -> None:
    env = bench_environment(tmp, database_url, redis_url)
    setup_django(env)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    data = build_data()
    staff = Client(SERVER_NAME="127.0.0.1")
    staff.force_login(data["admin"], backend="django.contrib.auth.backends.ModelBackend")
    verify_second_factor(staff, data["admin"])
    session_cookie = f"{settings.SESSION_COOKIE_NAME}={staff.cookies[settings.SESSION_COOKIE_NAME].value}"
    bench_queries(data, staff)
    connections.close_all()  # idle during the load; the database is dropped at the end

    port = free_port()
    server = start_server(env, port)
    try:
        wait_ready(server, port)
        bench_http(port, data, session_cookie, CpuClock(server))
    finally:
        stop_server(server)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-http-"))
    try:
        with throwaway_stack() as (database_url, redis_url):
            run(tmp, database_url, redis_url)
    except Unavailable as reason:
        report("HTTP and SQL figures on PostgreSQL + Redis", f"not measured: {reason}", "the production stack", None)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
