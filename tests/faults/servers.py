"""Throwaway servers of the fault tests: PostgreSQL, Redis, the portal (gunicorn) and a Celery worker.

Each listens on 127.0.0.1 on a free port of its own and keeps its state in the tests' temporary folder; the machine's
shared PostgreSQL (5432) and Redis (6379) are never touched. Every wait is a bounded polling loop (`wait_until`), and
`stop()` ends what was started even when a test failed half-way.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class ServerError(RuntimeError):
    pass


def wait_until(condition: Callable[[], object], *, timeout: float, interval: float = 0.1, what: str = "") -> object:
    """Poll `condition` until it returns something true, at most `timeout` seconds; raise ServerError after."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise ServerError(f"gave up after {timeout:.0f} s waiting for {what or condition}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin() -> Path | None:
    """The newest Debian PostgreSQL's binaries (initdb, pg_ctl), or those on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Postgres:
    """A PostgreSQL cluster in `folder`, owned by the `postgres` account when the tests run as root (it refuses root)."""

    def __init__(self, folder: Path):
        self.bin = postgres_bin()
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/portal"
        self.restarts = 0

    def _run(self, *command: str, timeout: float = 60) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=timeout, check=True, cwd=self.folder
        )

    def init(self) -> None:
        self.folder.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self.start()
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "portal")

    def start(self) -> None:
        # fsync off: only processes are killed here, never the machine, so what was written survives without it.
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options,
            "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """`immediate` is a crash: every backend is killed at once and the next start replays the WAL."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def shutdown(self) -> None:
        if self.running():
            try:
                self.stop("immediate")
            except (subprocess.SubprocessError, OSError):
                pid = int((self.data / "postmaster.pid").read_text().split()[0])
                os.kill(pid, signal.SIGKILL)


class Redis:
    """A redis-server on its own port; AOF on, as in docker-compose.yml."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [
            "redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.folder),
            "--save", "", "--appendonly", "yes", "--logfile", str(self.folder / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self.answers, timeout=15, what=f"redis-server on port {self.port}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL: no goodbye to the clients, whatever was not yet in the AOF is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=5)


class Service:
    """A portal process (gunicorn or a Celery worker) in a session of its own, its output in `log`."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        with self.log.open("ab") as output:
            output.write(f"\n=== start {self.starts} of {self.name} ===\n{time.strftime('%H:%M:%S')}\n".encode())
            output.flush()
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def output_of_this_start(self) -> str:
        return self.output().rsplit(f"=== start {self.starts} of {self.name} ===", 1)[-1]

    def kill(self) -> None:
        """SIGKILL to the whole process group (a worker's pool processes too): nothing is cleaned up."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # the group is gone already
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, as `docker compose stop` does: a worker finishes its tasks, gunicorn its requests."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        self.kill()  # whatever is left of the group


def portal_service(env: dict[str, str], port: int, log: Path) -> Service:
    """gunicorn as docker-compose runs it, threaded as `make demo` (2 workers × 4 threads on 2 cores)."""
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", "2", "--threads", "4", "--timeout", "120", "--log-level", "warning",
    ]  # fmt: skip
    return Service("portal", command, env, log)


def worker_service(env: dict[str, str], log: Path) -> Service:
    """A Celery worker as docker-compose runs it (prefork, 2 processes), logging each task at INFO."""
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency", "2", "--loglevel", "INFO",
        "--hostname", "faults@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    return Service("worker", command, env, log)
