"""PostgreSQL crashed and restarted in the middle of a stream of writes: each one is whole or absent, and its sender
is told which.

Applicants submit their applications and visitors file objections, one write every 0.15 s from several threads;
after the first 12 are answered, and just after the next one was sent, the server is stopped in `immediate` mode
(every backend killed at once, as in a crash: the next start replays the WAL) and started again 1.5 s later. Each response must be the saved page (the
write complete in the database: the row, its history, its audit record, the people it tells) or the 503 page saying
nothing was saved (and nothing was); a write refused is sent again afterwards, as the page asks, and is saved then.
"""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.faults.flows import ABSENT, COMPLETE, HALF, prepare_objection, prepare_submission, signed_in, state
from tests.faults.servers import wait_until

pytestmark = pytest.mark.faults

SPACING = 0.15  # seconds between two writes: 40 writes in 6 s
CRASH_AFTER = 12  # writes answered before the crash (whatever the machine's speed, some are saved before it)
DOWN_FOR = 1.5  # seconds between the crash and the next start


def _prepared(stack):
    applicants = stack.seed["applications"][3:]
    entries = stack.seed["entries"]
    with ThreadPoolExecutor(4) as pool:  # signing in hashes the password (~0.3 s): both gunicorn workers at once
        browsers = list(pool.map(lambda a: signed_in(stack, a["username"]), applicants))
        ids = [a["id"] for a in applicants]
        writes = list(pool.map(lambda browser, pk: prepare_submission(stack, browser, pk), browsers, ids))
        writes += list(pool.map(lambda n: prepare_objection(stack, f"pg-{n}", entries[n % len(entries)]), range(28)))
    random.Random(11).shuffle(writes)
    return writes


def _stream(stack, writes) -> dict:
    """Send `writes` on schedule while PostgreSQL crashes and restarts; probe /healthz/ meanwhile."""
    start = time.monotonic()
    done = threading.Event()
    health: list[int] = []

    def send(index):
        time.sleep(max(0.0, start + index * SPACING - time.monotonic()))
        writes[index].send()

    def probe():
        browser = stack.browser()
        while not done.is_set():
            health.append(browser.get("/healthz/").status)
            time.sleep(0.2)

    prober = threading.Thread(target=probe, daemon=True)
    with ThreadPoolExecutor(8) as pool:
        sent = [pool.submit(send, index) for index in range(len(writes))]
        wait_until(lambda: sum(future.done() for future in sent) >= CRASH_AFTER, timeout=60, interval=0.01)
        wait_until(lambda: any(w.sent_at and not w.answered_at for w in writes), timeout=60, interval=0.005)
        prober.start()
        crashed = time.monotonic()
        stack.postgres.stop("immediate")
        down = time.monotonic()
        time.sleep(DOWN_FOR)
        stack.postgres.start()
        back = time.monotonic()
        for future in sent:
            future.result(timeout=120)
    done.set()
    prober.join(timeout=30)
    in_flight = sum(1 for w in writes if w.sent_at < down and w.answered_at > crashed)  # answered during the crash
    after = sum(1 for w in writes if w.sent_at > back)
    return {"down": back - crashed, "health": health, "in_flight": in_flight, "after": after}


def test_postgresql_restarted_during_writes_leaves_each_write_whole_or_refused_with_the_503_page(stack, figures):
    writes = _prepared(stack)

    timing = _stream(stack, writes)
    stack.wait_portal()
    outcomes = [write.outcome for write in writes]
    states = [state(stack, write) for write in writes]
    refused = [write for write, outcome in zip(writes, outcomes, strict=True) if outcome == "refused"]
    again = [_send_again(stack, write) for write in refused]
    audit = stack.manage("audit_verify")

    pairs = list(zip(outcomes, states, strict=True))
    saved = pairs.count(("saved", COMPLETE))
    refused_absent = pairs.count(("refused", ABSENT))
    half = states.count(HALF)
    refused_but_saved = pairs.count(("refused", COMPLETE))
    http500 = outcomes.count("http500")
    other = len(writes) - saved - refused_absent - half - refused_but_saved - http500
    health = timing["health"]
    figures.append(
        f"outage postgresql: {len(writes)} writes ({sum(w.kind == 'application' for w in writes)} submissions, "
        f"{sum(w.kind == 'objection' for w in writes)} objections), crashed after {CRASH_AFTER} and down "
        f"{timing['down']:.1f} s ({timing['in_flight']} in flight at the crash, {timing['after']} sent after the "
        f"restart): {saved} saved complete, {refused_absent} refused with the 503 page; {half} half-written, "
        f"{refused_but_saved} refused though saved, {http500} HTTP 500, {other} other; refused ones sent again "
        f"{again.count(COMPLETE)}/{len(refused)} saved; /healthz/ 503 {health.count(503)} times; "
        f"audit chain: {(audit.stdout or audit.stderr).strip()}"
    )
    assert half == refused_but_saved == http500 == other == 0, [(w.key, w.outcome, w.reply.status) for w in writes]
    assert saved + refused_absent == len(writes) and saved > CRASH_AFTER // 2 and refused_absent > 0
    assert again == [COMPLETE] * len(refused)
    assert 503 in health and health[-1] == 200
    assert audit.returncode == 0, audit.stderr


def _send_again(stack, write):
    """What the 503 page asks: go back and send it again (a new form, and for a visitor a new CAPTCHA)."""
    if write.kind == "application":
        fresh = prepare_submission(stack, write.browser, int(write.key))
    else:
        entry = int(write.form.get("entry"))
        fresh = prepare_objection(stack, write.key, entry)
    assert fresh.send().status == 302
    return state(stack, write)
