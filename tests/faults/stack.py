"""The whole portal on throwaway servers: PostgreSQL, Redis, gunicorn and a Celery worker, as docker-compose runs them.

`Stack.up(folder)` starts the two servers, migrates and seeds the database (`tests/faults/seed.py`) while the portal
and the worker boot, and waits until both answer. The tests then kill parts of it for real and look at the result
the way an operator would: the database (SQL), the broker (Redis), the mail folder of the file backend, the logs.
"""

import email
import email.policy
import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from celery import Celery

from tests.faults.browser import Browser
from tests.faults.servers import (
    ROOT,
    Postgres,
    Redis,
    ServerError,
    Service,
    free_port,
    portal_service,
    wait_until,
    worker_service,
)

# What the shell that runs pytest may have set for the shared servers (CI exports DATABASE_URL and REDIS_URL): none of
# it reaches the throwaway portal.
NOT_INHERITED = (
    "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_HOST", "EMAIL_BACKEND", "EMAIL_FILE_PATH", "MEDIA_ROOT",
    "STATIC_ROOT", "VAR_DIR", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "BEHIND_PROXY", "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS", "DJANGO_DEBUG", "PORTAL_BASE_URL", "FIELD_ENCRYPTION_KEYS", "DJANGO_SETTINGS_MODULE",
)  # fmt: skip
APPLICANTS = 15  # 3 submit while Redis is down, 12 while PostgreSQL restarts
AWARDS = 60  # one plaque batch: chunks of 50 and 10


@dataclass
class Stack:
    folder: Path
    postgres: Postgres
    redis: Redis
    port: int
    env: dict[str, str]
    portal: Service | None = None
    worker: Service | None = None
    seed: dict = field(default_factory=dict)

    @classmethod
    def up(cls, folder: Path) -> "Stack":
        postgres, redis = Postgres(folder / "postgres"), Redis(folder / "redis")
        port = free_port()
        var = folder / "var"
        env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
        env.update(
            DJANGO_SETTINGS_MODULE="tests.faults.portal_settings",
            DJANGO_DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            VAR_DIR=str(var),
            DATABASE_URL=postgres.url,
            REDIS_URL=redis.url,
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(var / "mail"),
            STATIC_ROOT=str(folder / "static"),  # empty: the tests ask for no static file
            ALLOWED_HOSTS="127.0.0.1",
            PORTAL_BASE_URL=f"http://127.0.0.1:{port}",
            # Every visitor here is 127.0.0.1: the per-address limit of objections is not what is tested.
            OBJECTION_RATE_PER_HOUR="10000",
            LOG_LEVEL="INFO",
            PYTHONPATH=str(ROOT),
        )
        stack = cls(folder, postgres, redis, port, env)
        try:
            stack._boot()
        except BaseException:
            stack.down()
            raise
        return stack

    def _boot(self) -> None:
        Path(self.env["STATIC_ROOT"]).mkdir()
        self.postgres.init()
        self.redis.start()
        with (self.folder / "seed.log").open("wb") as log:
            seeding = subprocess.Popen(
                [sys.executable, "-m", "tests.faults.seed", str(APPLICANTS), str(AWARDS)],
                cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=log,
            )  # fmt: skip
        self.portal = portal_service(self.env, self.port, self.folder / "portal.log")
        self.worker = worker_service(self.env, self.folder / "worker.log")
        self.portal.start()  # both boot while the database is migrated: neither queries it before a request or a task
        self.worker.start()
        try:
            out, _ = seeding.communicate(timeout=180)
        finally:
            if seeding.poll() is None:
                seeding.kill()
                seeding.wait()
        if seeding.returncode:
            raise ServerError(f"seed failed:\n{(self.folder / 'seed.log').read_text()[-3000:]}")
        self.seed = json.loads(out.decode().strip().splitlines()[-1])
        self.wait_portal()
        self.wait_worker()

    def down(self) -> None:
        """Everything goes, at once: it is all thrown away."""
        for service in (self.portal, self.worker):
            if service is not None:
                service.kill()
        self.redis.kill()
        self.postgres.shutdown()

    # --- waits ---------------------------------------------------------------------------------------------------

    def wait_portal(self, timeout: float = 60) -> None:
        def healthy():
            if not self.portal.alive():
                raise ServerError(f"the portal exited:\n{self.portal.output()[-3000:]}")
            return self.browser().get("/healthz/").status == 200

        wait_until(healthy, timeout=timeout, interval=0.2, what="the portal's /healthz/")

    def wait_worker(self, timeout: float = 60) -> None:
        def ready():
            if not self.worker.alive():
                raise ServerError(f"the worker exited:\n{self.worker.output()[-3000:]}")
            return " ready." in self.worker.output_of_this_start()

        wait_until(ready, timeout=timeout, interval=0.2, what="the Celery worker")

    def restart_worker(self) -> None:
        self.worker.start()
        self.wait_worker()

    # --- looking at it ----------------------------------------------------------------------------------------------

    def browser(self) -> Browser:
        return Browser(self.port)

    def sql(self, query: str, params=()) -> list[tuple]:
        with psycopg.connect(self.postgres.url.replace("postgres://", "postgresql://"), autocommit=True, connect_timeout=5) as db:
            with db.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall() if cursor.description else []

    def mails(self) -> list[email.message.EmailMessage]:
        """Every message the portal's processes wrote to the file backend (a file per connection, dashes between)."""
        messages = []
        folder = Path(self.env["EMAIL_FILE_PATH"])
        for path in sorted(folder.glob("*.log")) if folder.exists() else []:
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if raw.strip():
                    messages.append(email.message_from_bytes(raw, policy=email.policy.default))
        return messages

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        """A management command against the throwaway servers."""
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120
        )

    def send_task(self, name: str) -> None:
        """Queue a task by name on the throwaway broker, as beat does on its schedule."""
        app = Celery("faults", broker=self.redis.url, set_as_current=False)
        with app.connection_for_write() as connection:
            app.send_task(name, connection=connection)
