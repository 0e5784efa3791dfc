"""A real clamd for the antivirus tests (docs/security.md 13), and the figure line CI shows (a pytest plugin).

Each clamd started here is a process of its own: Debian's ``clamd`` (package clamav-daemon, in the Makefile's
TEST_PACKAGES) with a config file and a signature database written into a temporary directory, listening on a free
127.0.0.1 port. Signatures cannot be downloaded here, so the database holds one signature, EICAR's, as an .ndb
body signature: it matches the test string anywhere in a file, and inside archives clamd unpacks (a DOCX member).

Tests marked ``@pytest.mark.clamd("eicar" | "clean" | "unreachable" | "limit")`` are counted by kind, and the
summary prints one line from their outcomes, e.g.
``clamd: EICAR refused 7/7 (real clamd 1.4.6), clean accepted 3/3, unreachable → refused 7/7, ...``.
They are skipped, with the reason, only when the clamd binary is not installed.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Eicar-Test-Signature"
START_TIMEOUT = 60  # seconds: loading one signature takes well under one; a busy CI machine gets room
POLL_INTERVAL = 0.05
# Large enough for any upload the portal allows (Round.max_file_mb is at most 200).
STREAM_MAX_LENGTH = "210M"

_OUTCOMES = pytest.StashKey[dict]()
_VERSION = pytest.StashKey[str]()
KINDS = ("eicar", "clean", "unreachable", "limit")


def clamd_binary() -> str | None:
    """``clamd`` on PATH, or in the sbin directories a non-root PATH may lack."""
    return shutil.which("clamd") or shutil.which("clamd", path=os.pathsep.join(["/usr/sbin", "/usr/local/sbin"]))


def _command(address: str, command: bytes, timeout: float = 2) -> bytes:
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(b"z" + command + b"\0")
        reply = b""
        while not reply.endswith(b"\0"):
            data = sock.recv(4096)
            if not data:
                break
            reply += data
    return reply.rstrip(b"\0")


# Looked up once here, so the child between fork and exec only makes the call.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None


def _stop_with_pytest() -> None:
    """In the child before exec (Linux): clamd gets SIGTERM if pytest dies before its finalizers run."""
    _prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Clamd:
    address: str  # "127.0.0.1:port", as settings.CLAMD_ADDRESS takes it
    version: str  # "1.4.6"
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_clamd(directory: Path, *, stream_max_length: str = STREAM_MAX_LENGTH) -> Clamd:
    """Write a config and the EICAR database into *directory*, start clamd and wait until it answers PING."""
    binary = clamd_binary()
    if binary is None:
        raise RuntimeError("clamd is not installed")
    database = directory / "db"
    database.mkdir(parents=True, exist_ok=True)
    (database / "portal-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
    address = f"127.0.0.1:{_free_port()}"
    config = directory / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"TCPAddr {address.split(':')[0]}",
                f"TCPSocket {address.split(':')[1]}",
                f"DatabaseDirectory {database}",
                f"TemporaryDirectory {directory}",
                f"StreamMaxLength {stream_max_length}",
                f"MaxFileSize {STREAM_MAX_LENGTH}",
                "MaxScanSize 400M",
                "LogTime yes",
                "",
            ]
        )
    )
    log = directory / "clamd.log"  # no LogFile: in the foreground clamd logs to the output we keep here
    with log.open("wb") as output:
        process = subprocess.Popen(
            [binary, f"--config-file={config}"],
            stdout=output,
            stderr=subprocess.STDOUT,
            preexec_fn=_stop_with_pytest if _prctl else None,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"clamd exited ({process.returncode}) before answering:\n{log.read_text()[-2000:]}")
        try:
            if _command(address, b"PING") == b"PONG":
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"clamd did not answer PING within {START_TIMEOUT} s:\n{log.read_text()[-2000:]}")
        time.sleep(POLL_INTERVAL)
    version = _command(address, b"VERSION").decode().removeprefix("ClamAV ").split("/")[0]
    return Clamd(address=address, version=version, process=process, log=log)


@contextmanager
def running_clamd(directory: Path, **options) -> Iterator[Clamd]:
    server = start_clamd(directory, **options)
    try:
        yield server
    finally:
        server.stop()


def require_clamd() -> None:
    if clamd_binary() is None:
        pytest.skip("clamd is not installed (Debian package clamav-daemon; make test installs it)")


@pytest.fixture(scope="session")
def clamd_server(request, tmp_path_factory) -> Iterator[Clamd]:
    """One real clamd for the session."""
    require_clamd()
    with running_clamd(tmp_path_factory.mktemp("clamd")) as server:
        request.config.stash[_VERSION] = server.version
        yield server


@pytest.fixture
def clamd(clamd_server, settings) -> Clamd:
    """The session's clamd, configured as the portal's antivirus."""
    settings.CLAMD_ADDRESS = clamd_server.address
    settings.CLAMD_TIMEOUT = 30
    return clamd_server


@pytest.fixture(scope="session")
def stopped_clamd_address(request, tmp_path_factory) -> str:
    """The address of a clamd that answered, then was stopped: what the portal sees when the antivirus goes down."""
    require_clamd()
    with running_clamd(tmp_path_factory.mktemp("clamd-stopped")) as server:
        request.config.stash[_VERSION] = server.version
        assert _command(server.address, b"PING") == b"PONG"
    assert server.process.returncode is not None
    return server.address


@pytest.fixture
def stopped_clamd(stopped_clamd_address, settings) -> str:
    settings.CLAMD_ADDRESS = stopped_clamd_address
    settings.CLAMD_TIMEOUT = 5
    return stopped_clamd_address


# --- The figure line ------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    marker = item.get_closest_marker("clamd")
    # The call decides; a failed or skipped setup, or a failed teardown, overrides it.
    if marker and marker.args and (report.when == "call" or report.outcome != "passed"):
        item.config.stash.setdefault(_OUTCOMES, {})[item.nodeid] = (marker.args[0], report.outcome)
    return report


def clamd_figure(outcomes: dict[str, tuple[str, str]], version: str | None) -> str:
    """``clamd: EICAR refused 7/7 (real clamd 1.4.6), clean accepted 3/3, ...`` from the recorded outcomes."""
    total = Counter(kind for kind, _outcome in outcomes.values())
    passed = Counter(kind for kind, outcome in outcomes.values() if outcome == "passed")
    skipped = sum(1 for _kind, outcome in outcomes.values() if outcome == "skipped")
    if skipped == len(outcomes):
        return f"clamd: {skipped} antivirus tests skipped: clamd is not installed (Debian package clamav-daemon)"
    labels = {
        "eicar": "EICAR refused",
        "clean": "clean accepted",
        "unreachable": "unreachable → refused",
        "limit": "over StreamMaxLength → refused",
    }
    parts = [f"{labels[kind]} {passed[kind]}/{total[kind]}" for kind in KINDS if total[kind]]
    if total["eicar"]:
        parts[0] += f" (real clamd {version or '?'})"
    line = "clamd: " + ", ".join(parts)
    return line + (f"; {skipped} skipped" if skipped else "")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    outcomes = config.stash.get(_OUTCOMES, {})
    if outcomes:
        terminalreporter.write_sep("-", "antivirus")
        terminalreporter.write_line(clamd_figure(outcomes, config.stash.get(_VERSION, None)))
