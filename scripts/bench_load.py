"""The server and the load of the HTTP benchmark (scripts/bench_http.py): gunicorn, an asyncio client, CPU time.

The server is gunicorn as `make demo` runs it (2 workers × 4 threads), in a session of its own. The load is CLIENTS
keep-alive connections from an asyncio client in the calling process: a 2-second warm-up per URL, then
BENCH_HTTP_SECONDS (default 10) per URL in 5 slices, the URLs taking turns; the server's CPU time per request
comes from /proc.
"""

import asyncio
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 50
SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "10"))  # measured per URL, in SLICES interleaved slices
SLICES = 5
WARMUP_SECONDS, RAMP_SECONDS = 2.0, 0.5  # once per URL at the start; uncounted at the start of each slice
WORKERS, THREADS = 2, 4  # as `make demo` (config/management/commands/demo.py)


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


def measure(port: int, targets: dict[str, tuple[str, str]], clock: CpuClock) -> tuple[dict[str, dict], float | None]:
    """Each target's (path, cookie) requests per second answered 200 in each slice, its other answers and the
    server's CPU time per response; and the share of the machine's CPU that other processes used meanwhile (None
    where /proc is not there).

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
    share = max(others, 0) / (elapsed * (os.cpu_count() or 1)) if clock.available else None
    return results, share
