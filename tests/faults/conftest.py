"""Real outages (issue 11, 10): one throwaway stack for these tests, and the figures each test observed.

The figures are printed in pytest's terminal summary ("real outages"), so CI's log shows them without `-s`.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.faults.servers import postgres_bin
from tests.faults.stack import Stack

FIGURES = pytest.StashKey[list[str]]()


@pytest.fixture(scope="package")  # torn down after the last test here, not left running through the rest of the suite
def stack():
    if postgres_bin() is None or shutil.which("redis-server") is None:
        pytest.skip("PostgreSQL's initdb/pg_ctl and redis-server are needed to cause real outages")
    # Not under pytest's temporary folder: that one is private to this account, and PostgreSQL runs as `postgres`.
    folder = Path(tempfile.mkdtemp(prefix="portal-faults-"))
    os.chmod(folder, 0o755)
    running = None
    try:
        running = Stack.up(folder)
        yield running
    finally:
        if running is not None:
            running.down()
        _keep_logs(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _keep_logs(folder: Path) -> None:
    """The servers' logs of the last run, in VAR_DIR/fault-logs/ (portal.log, worker.log, postgres-server.log, …)."""
    from django.conf import settings

    kept = Path(settings.VAR_DIR) / "fault-logs"
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir(parents=True)
    for path in folder.rglob("*.log"):
        name = path.name if path.parent == folder else f"{path.parent.name}-{path.name}"
        shutil.copy(path, kept / name)


@pytest.fixture
def figures(request):
    """Append a figure line (`outage …: …`) for the terminal summary."""
    return request.config.stash.setdefault(FIGURES, [])


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = config.stash.get(FIGURES, [])
    if lines:
        terminalreporter.section("real outages")
        for line in lines:
            terminalreporter.write_line(line)
