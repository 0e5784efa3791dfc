"""HTTP throughput benchmark (`make bench`): a public notice page and a staff list against a bare Django view.

The guide's targets: under 50 concurrent clients, against a bare Django view measured in the same run, the public
notice page serves ≥ 80 % of its requests per second (it is cached for visitors) and a staff list of 1,000
applications ≥ 30 %; SQL queries per page do not grow with the data.

Everything runs on throwaway state in a temporary directory (VAR_DIR, a SQLite database, STATIC_ROOT, the file
cache), set up with the project's own code and the test builders. The server is gunicorn as `make demo` runs it
(2 workers × 4 threads) with scripts/bench_settings.py, whose URLconf (scripts/bench_urls.py) adds the bare view
behind the same middleware. The load is 50 keep-alive connections from an asyncio client in this process: a
2-second warm-up per URL, then BENCH_HTTP_SECONDS (default 10) per URL in 5 slices, the three URLs taking turns;
the server's CPU time per request comes from /proc. SQL queries are counted in this process with Django's test
Client (an uncached rendering: the file cache is cleared first). Each figure is one line `<figure>: <value>  (target <target>)  OK|MISS`.
"""

import asyncio
import http.client
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
CLIENTS = 50
SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "10"))  # measured per URL, in SLICES interleaved slices
SLICES = 5
WARMUP_SECONDS, RAMP_SECONDS = 2.0, 0.5  # once per URL at the start; uncounted at the start of each slice
WORKERS, THREADS = 2, 4  # as `make demo` (portal/management/commands/demo.py)
BIG, SMALL = 1000, 10
NOTICE_TARGET, STAFF_TARGET = 0.80, 0.30
ENTRY_NAMES = ("甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸")


def report(figure: str, value: str, target: str, ok: bool) -> None:
    print(f"{figure}: {value}  (target {target})  {'OK' if ok else 'MISS'}", flush=True)


def bench_environment(tmp: Path) -> dict[str, str]:
    """The environment of this process and the server: throwaway state only, production-like settings."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        DJANGO_DEBUG="0",
        VAR_DIR=str(tmp / "var"),
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        REDIS_URL="",  # the file cache in VAR_DIR, not a shared Redis
        CELERY_BROKER_URL="",  # kombu's filesystem broker in VAR_DIR
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
    # kombu's filesystem broker (the notifications of publishing) warns that it has no hostname: not a figure.
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)


# --- data --------------------------------------------------------------------------------------------------------


def build_data() -> dict:
    """Two published notices (2 and 10 entries) and, under one admin, rounds of 10 and 1,000 submitted applications."""
    from django.utils import timezone

    from applications.enums import ApplicationStatus
    from applications.models import Application
    from portal import services as portal_services
    from portal.enums import InstitutionKind, InstitutionStatus
    from portal.models import Institution
    from tests.factories import ApplicantFactory, ProgrammeFactory, RoundFactory, UserFactory, next_uscc
    from tests.publicity.publicity_builders import listed_round, publish

    now = timezone.now()
    notices = {}
    for count in (2, len(ENTRY_NAMES)):
        listed = listed_round(names=ENTRY_NAMES[:count])
        notices[count] = publish(listed, now)

    programme = ProgrammeFactory()
    admin = UserFactory(username="bench-admin", full_name="基准项目管理员")
    portal_services.programme_admin_grant(programme=programme, user=admin)
    applicant = ApplicantFactory()
    kinds = [value for value, _label in InstitutionKind.choices]
    rounds = {}
    for count in (SMALL, BIG):
        round = RoundFactory(programme=programme, name=f"2026年度（{count}家）")
        institutions = Institution.objects.bulk_create(
            Institution(
                name=f"基准人力资源服务有限公司{count}-{n:04d}",
                uscc=next_uscc(),
                kind=kinds[n % len(kinds)],
                region=programme.region,
                address=f"测试县测试路{n + 1}号",
                principal_name="张主任",
                contact_name="李联系",
                contact_phone="0533-6961000",
                status=InstitutionStatus.VERIFIED,
                verified_at=now,
            )
            for n in range(count)
        )
        Application.objects.bulk_create(
            Application(
                round=round,
                institution=institution,
                status=ApplicationStatus.SUBMITTED,
                institution_name=institution.name,
                institution_address=institution.address,
                principal_name=institution.principal_name,
                contact_name=institution.contact_name,
                contact_phone=institution.contact_phone,
                created_by=applicant,
                submitted_at=now - timedelta(minutes=n),
            )
            for n, institution in enumerate(institutions)
        )
        rounds[count] = round
    return {"notices": notices, "rounds": rounds, "admin": admin}


# --- SQL queries per page ----------------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    """Queries of one uncached rendering of `url` (after a warm request, so per-process caches are filled)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    cache.clear()  # the throwaway cache: the next visitor's request renders the page again
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return len(queries.captured_queries)


def bench_queries(data: dict, staff_client) -> None:
    from django.test import Client
    from django.urls import reverse

    visitor = Client(SERVER_NAME="127.0.0.1")
    counts = [count_queries(visitor, reverse("publicity:notice", args=[data["notices"][n].pk])) for n in (2, 10)]
    report(
        "SQL queries per notice page, 2 → 10 entries",
        f"{counts[0]} → {counts[1]}",
        "same count",
        counts[0] == counts[1],
    )
    counts = [
        count_queries(staff_client, reverse("applications:round_applications", args=[data["rounds"][n].pk]))
        for n in (SMALL, BIG)
    ]
    report(
        f"SQL queries per staff list page, {SMALL} → {BIG:,} applications",
        f"{counts[0]} → {counts[1]}",
        "same count",
        counts[0] == counts[1],
    )


# --- server ------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--threads", str(THREADS), "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # its own session: the arbiter and its workers
            server.wait()


def fetch(port: int, path: str, cookie: str = "") -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def wait_ready(server: subprocess.Popen, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if fetch(port, "/bench/bare/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s")


# --- load --------------------------------------------------------------------------------------------------------


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response; returns its status and whether the connection stays open."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readexactly(2)
    else:
        await reader.read()
        return status, False
    return status, headers.get("connection", "").lower() != "close"


async def one_client(port: int, request: bytes, start: float, end: float, tally: Counter) -> None:
    """Send requests back to back on one keep-alive connection; count the responses completed in [start, end).

    `tally["completed"]` counts every response, in the window or not (for the server's CPU time per response).
    """
    writer = None
    while time.perf_counter() < end:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            status, keep_alive = await read_response(reader)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            tally["connection errors"] += start <= time.perf_counter() < end
            if writer is not None:
                writer.close()
            writer = None
            continue
        tally["completed"] += 1
        if start <= time.perf_counter() < end:
            tally[status] += 1
        if not keep_alive:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def load(port: int, path: str, cookie: str, ramp: float, seconds: float) -> Counter:
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: bench_http\r\n"
    if cookie:
        request += f"Cookie: {cookie}\r\n"
    request = (request + "\r\n").encode()
    tally: Counter = Counter()
    start = time.perf_counter() + ramp
    clients = [one_client(port, request, start, start + seconds, tally) for _ in range(CLIENTS)]
    await asyncio.wait_for(asyncio.gather(*clients), ramp + seconds + 60)
    return tally


class CpuClock:
    """CPU seconds used by the machine, the server (gunicorn and its workers) and this process (the client).

    Read from /proc (Linux); elsewhere every reading is zero and nothing is said about CPU time.
    """

    def __init__(self, server: subprocess.Popen):
        self.server = server
        self.available = Path("/proc/stat").exists()
        self.tick = os.sysconf("SC_CLK_TCK") if self.available else 1

    def _process(self, pid: int | str) -> int:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0
        return int(stat[11]) + int(stat[12])  # utime, stime

    def read(self) -> tuple[float, float, float]:
        if not self.available:
            return 0.0, 0.0, 0.0
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        busy = sum(int(value) for index, value in enumerate(fields[:8]) if index not in (3, 4))  # not idle, iowait
        pid = self.server.pid
        try:
            workers = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            workers = []
        server = sum(self._process(worker) for worker in [pid, *workers])
        return busy / self.tick, server / self.tick, self._process(os.getpid()) / self.tick


def measure(port: int, targets: dict[str, tuple[str, str]], clock: CpuClock) -> dict[str, dict]:
    """Each target's (path, cookie) requests per second answered 200 in each slice, its other answers and the
    server's CPU time per response.

    The targets take turns in short slices (the order rotating), so whatever else runs on the machine weighs on
    them alike and their ratios hold better than those of one long run each.
    """
    for label, (path, cookie) in targets.items():
        status, headers, _body = fetch(port, path, cookie)
        if status != 200:
            raise RuntimeError(f"{label} {path} answered {status} {headers.get('location', '')}")
        asyncio.run(load(port, path, cookie, WARMUP_SECONDS, 0))
    results = {label: {"rates": [], "others": Counter(), "server_cpu": 0.0, "responses": 0} for label in targets}
    labels = list(targets)
    seconds = SECONDS / SLICES
    started, first = time.monotonic(), clock.read()
    for turn in range(SLICES):
        for label in labels[turn % len(labels) :] + labels[: turn % len(labels)]:
            before = clock.read()
            tally = asyncio.run(load(port, *targets[label], RAMP_SECONDS, seconds))
            after = clock.read()
            result = results[label]
            result["server_cpu"] += after[1] - before[1]
            result["responses"] += tally.pop("completed", 0)
            result["rates"].append(tally.pop(200, 0) / seconds)
            result["others"].update(tally)
    last, elapsed = clock.read(), time.monotonic() - started
    others = (last[0] - first[0]) - (last[1] - first[1]) - (last[2] - first[2])
    if clock.available:
        share = max(others, 0) / (elapsed * (os.cpu_count() or 1))
        report(
            "HTTP CPU of other processes during the runs",
            f"{share:.0%} of {os.cpu_count()} cores",
            "≤ 5 %, else the requests per second are low and their ratios less reliable",
            share <= 0.05,
        )
    return results


def verify_second_factor(client, user) -> None:
    """A programme admin's session is measured as it is after the second factor (as every real one is)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def bench_http(port: int, data: dict, session_cookie: str, clock: CpuClock) -> None:
    from django.urls import reverse

    notice = data["notices"][len(ENTRY_NAMES)]
    notice_path = reverse("publicity:notice", args=[notice.pk])
    _status, headers, _body = fetch(port, notice_path)
    if "set-cookie" in headers:
        print(f"note: the notice page sets a cookie for visitors: {headers['set-cookie'][:80]}", flush=True)
    targets = {
        "bare": ("/bench/bare/", ""),
        "notice": (notice_path, ""),
        "staff": (reverse("applications:round_applications", args=[data["rounds"][BIG].pk]), session_cookie),
    }
    results = measure(port, targets, clock)

    def figure(label: str) -> tuple[float, str, bool]:
        result = results[label]
        rates, others = result["rates"], result["others"]
        detail = f"slices {min(rates):.0f}–{max(rates):.0f}"
        if clock.available and result["responses"]:
            detail += f"; server CPU {result['server_cpu'] / result['responses'] * 1000:.2f} ms/request"
        if others:
            detail += f"; not 200: {dict(others)}"
        return sum(rates) / len(rates), detail, not others

    bare, bare_detail, bare_ok = figure("bare")
    clients = f"{CLIENTS} clients, {SECONDS:.0f} s in {SLICES} slices"
    report(
        f"HTTP bare Django view ({clients})",
        f"{bare:.0f} req/s ({bare_detail})",
        "reference of the ratios below",
        bare_ok,
    )
    for label, name, target in (
        ("notice", f"HTTP public notice page, {len(ENTRY_NAMES)} entries, visitor", NOTICE_TARGET),
        ("staff", f"HTTP staff list of {BIG:,} applications, programme admin", STAFF_TARGET),
    ):
        rps, detail, ok = figure(label)
        ratio = rps / bare
        report(
            f"{name} ({clients})",
            f"{rps:.0f} req/s = {ratio:.0%} of bare ({detail})",
            f"≥ {target:.0%} of bare = {target * bare:.0f} req/s",
            ok and ratio >= target,
        )


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-http-"))
    server = None
    try:
        env = bench_environment(tmp)
        setup_django(env)
        from django.conf import settings
        from django.core.management import call_command
        from django.test import Client

        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        data = build_data()
        staff = Client(SERVER_NAME="127.0.0.1")
        staff.force_login(data["admin"], backend="django.contrib.auth.backends.ModelBackend")
        verify_second_factor(staff, data["admin"])
        session_cookie = f"{settings.SESSION_COOKIE_NAME}={staff.cookies[settings.SESSION_COOKIE_NAME].value}"
        bench_queries(data, staff)

        port = free_port()
        server = start_server(env, port)
        wait_ready(server, port)
        bench_http(port, data, session_cookie, CpuClock(server))
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
