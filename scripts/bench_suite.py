"""Start-up and test-suite figures (`make bench`): the demo's start, fresh and again, and the unit tests' average.

Targets (the project guide and issue 12): once installed, the demo shows within 20 s; the fast test suite (`make
test-fast`: browser, real-worker, fuzz, backup, PDF and the other slow tests aside) averages at most 20 ms a test and
runs within 60 s; a fresh clone shows the demo within 2 minutes, installs included. The demo runs `manage.py demo` on
a throwaway VAR_DIR (its own SQLite database, broker, media) on a free port and times the first answer of its home
page: on a checkout's first start (every migration: the installs are timed by CI's set-up, not here), on another
empty database (the schema from the migrated copy the first start kept, config/migrated_copy.py, then the demo data)
and again on the database that start left. The fast suite runs on SQLite; the average is the sum of the
test cases' times in the JUnit report over their count, and the whole run's time (start-up included) is its own line. BENCH_SKIP_SUITE=1 skips the tests.
Each figure is one line `<figure>: <value>  (target <target>)  OK|MISS`.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DEMO_SECONDS = 20.0
FRESH_CLONE_SECONDS = 120.0
TEST_MS = 20.0
SUITE_SECONDS = 60.0


def report(figure: str, value: str, target: str, ok: bool) -> None:
    print(f"{figure}: {value}  (target {target})  {'OK' if ok else 'MISS'}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def throwaway_environment(var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env.update(VAR_DIR=str(var_dir), LOG_LEVEL="WARNING")
    return env


def demo_start(env: dict[str, str], timeout: float = 180.0) -> float:
    """Seconds from starting `manage.py demo` to the first 200 of its home page; the demo is stopped after."""
    port = free_port()
    started = time.perf_counter()
    demo = subprocess.Popen(
        [PYTHON, "manage.py", "demo", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        while time.perf_counter() - started < timeout:
            if demo.poll() is not None:
                raise RuntimeError(f"manage.py demo exited with {demo.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the demo did not answer within {timeout:.0f} s")
    finally:
        demo.send_signal(signal.SIGTERM)
        try:
            demo.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()


def bench_demo() -> None:
    """Three starts: on a fresh checkout (no kept migrated copy yet: every migration runs), on another empty database
    (its schema from the copy the first start kept), and again on the database the second start left."""
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        copies = {"MIGRATED_COPY_DIR": str(Path(tmp) / "migrated")}
        first = demo_start(throwaway_environment(Path(tmp) / "first") | copies)
        report("demo, first start of a checkout (every migration), first page after", f"{first:.1f} s",
               f"≤ {FRESH_CLONE_SECONDS:.0f} s with the installs", first <= FRESH_CLONE_SECONDS)
        env = throwaway_environment(Path(tmp) / "second") | copies
        fresh = demo_start(env)
        report("demo, installed, empty database: first page after", f"{fresh:.1f} s", f"≤ {DEMO_SECONDS:.0f} s",
               fresh <= DEMO_SECONDS)
        again = demo_start(env)
        report("demo, installed, second start: first page after", f"{again:.1f} s", f"≤ {DEMO_SECONDS:.0f} s",
               again <= DEMO_SECONDS)


def bench_tests() -> None:
    """The fast loop as a developer runs it (`make test-fast`): from the kept copy of the migrated test database in
    var/test-db (made by this run if there is none yet, and then counted in)."""
    kept = ROOT / "var" / "test-db"
    warm = any(kept.glob("*.sqlite3"))
    with tempfile.TemporaryDirectory(prefix="bench-tests-") as tmp:
        junit = Path(tmp) / "junit.xml"
        env = throwaway_environment(Path(tmp) / "var") | {"TEST_DB_DIR": str(kept), "PYTHONDONTWRITEBYTECODE": ""}
        started = time.perf_counter()
        subprocess.run(
            [PYTHON, "-m", "pytest", "-q", "--fast", f"--junitxml={junit}", "-p", "no:randomly"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
        )
        wall = time.perf_counter() - started
        cases = ET.parse(junit).getroot().iter("testcase")
        times = [float(case.get("time", 0)) for case in cases]
    average = 1000 * sum(times) / len(times)
    start = "from the kept migrated database" if warm else "migrating the test database first"
    report(
        f"fast test suite (make test-fast), average of {len(times)} tests",
        f"{average:.0f} ms",
        f"≤ {TEST_MS:.0f} ms",
        average <= TEST_MS,
    )
    report(f"fast test suite, the whole run ({start})", f"{wall:.0f} s", f"≤ {SUITE_SECONDS:.0f} s", wall <= SUITE_SECONDS)


def main() -> None:
    bench_demo()
    if os.environ.get("BENCH_SKIP_SUITE") != "1":
        bench_tests()


if __name__ == "__main__":
    main()
