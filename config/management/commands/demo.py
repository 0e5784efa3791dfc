"""Run the demo: database, demo data, static files, then the web server, a Celery worker and Celery beat.

Everything runs on this machine with no server to install: SQLite and kombu's filesystem broker by default.
Ctrl-C stops all three processes.
"""

import hashlib
import logging
import os
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from config.migrated_copy import sqlite_restore_or_keep


def _static_fingerprint() -> str:
    """A digest of every static source file's path, size and mtime (ours and the installed apps')."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "启动演示：迁移数据库、加载演示数据，启动网站、Celery worker 和 beat。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("DEMO_HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("DEMO_PORT", "8000"))
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动进程")

    def _collect_static_if_changed(self) -> None:
        """collectstatic compresses every file (about 10 s): skip it when nothing changed since the last run."""
        stamp = settings.STATIC_ROOT / ".demo-fingerprint"
        fingerprint = _static_fingerprint()
        if stamp.exists() and stamp.read_text() == fingerprint:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(fingerprint)

    def execute(self, *args, **options):
        # The demo accounts' fixed second-factor tokens verify only in processes started by the demo
        # (portal.models.DemoTokenDevice); the web server, worker and beat inherit this. Set before the system checks,
        # which refuse those tokens anywhere else.
        os.environ["PORTAL_DEMO"] = "1"
        settings.DEMO_MODE = True
        return super().execute(*args, **options)

    def _migrate(self) -> None:
        """Migrate; an empty SQLite database starts from the kept copy of a freshly migrated one
        (config/migrated_copy.py, in `var/migrated/` of the checkout, shared by every VAR_DIR, or MIGRATED_COPY_DIR),
        made by the first demo that had to migrate from nothing."""
        migrate = partial(call_command, "migrate", interactive=False, verbosity=0)
        if connection.vendor == "sqlite" and not connection.introspection.table_names():
            folder = os.environ.get("MIGRATED_COPY_DIR") or settings.BASE_DIR / "var" / "migrated"
            sqlite_restore_or_keep(connection, migrate, Path(folder))
        migrate()  # whatever the copy does not hold yet (nothing, when its fingerprint matched)

    def handle(self, *args, host, port, no_serve, **options):
        self._migrate()
        logging.disable(logging.INFO)  # the services log every stored file: the seed's summary says enough
        try:
            call_command("seed_demo", stdout=self.stdout)
        finally:
            logging.disable(logging.NOTSET)
        self._collect_static_if_changed()
        if no_serve:
            return
        python = sys.executable
        processes = [
            subprocess.Popen([python, "-m", "celery", "-A", "config", "worker", "-l", "warning", "--concurrency", "2"]),
            subprocess.Popen(
                [python, "-m", "celery", "-A", "config", "beat", "-l", "warning", "-s", settings.CELERY_BEAT_SCHEDULE_FILENAME]
            ),
            subprocess.Popen(
                [
                    python, "-m", "gunicorn", "config.wsgi:application",
                    "--bind", f"{host}:{port}", "--workers", "2", "--threads", "4", "--log-level", "warning",
                ]
            ),
        ]
        # Stopping the demo (Ctrl-C or a SIGTERM) stops its three processes too.
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        self.stdout.write(self.style.SUCCESS(f"\n门户已启动：http://{host}:{port}/  （按 Ctrl-C 停止）"))
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            self.stdout.write(f"未配置邮件服务器（EMAIL_HOST）：系统发出的邮件保存在 {settings.EMAIL_FILE_PATH}/\n")
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        failed = [p.args[2] for p in processes if p.returncode not in (0, -signal.SIGTERM, None)]
        if failed:
            self.stderr.write(f"进程异常退出：{failed}")
