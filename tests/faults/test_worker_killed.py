"""A Celery worker SIGKILLed in the middle of a plaque batch: the batch finishes after the restart, and no plaque is
rendered twice.

An admin starts a batch of 60 plaques (chunks of 50 and 10) over HTTP; when about a third of them are written the
worker is killed with its pool (SIGKILL to the process group: nothing acknowledged, nothing cleaned up). The chunk
it was rendering stays unacknowledged in Redis until the visibility timeout (1 hour), and the publicity sweep queues
it again once the batch has written nothing for 10 minutes. The test moves those clocks instead of waiting: the
batch's `progressed_at` in the database and the delivery times in the broker's `unacked_index`. Two timelines:

- restarted at once (docker's restart policy): the batch stalls, the sweep 10 minutes later queues the chunk again
  and the batch finishes (an hour later the broker gives the killed delivery back, which then renders nothing:
  tests/publicity/test_results_batches.py; the next timeline shows the broker doing it);
- down for over an hour: when it starts, the broker gives the killed deliveries back and beat's sweep, queued
  meanwhile, queues the chunk again: two copies of the same chunk at once.

Every plaque written is logged by the worker ("plaque … rendered into batch …"); each must appear once, and the ZIP
the admin downloads must hold each plaque once.
"""

import io
import json
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from tests.faults.flows import signed_in
from tests.faults.servers import wait_until

pytestmark = pytest.mark.faults

KILL_AT = 20  # plaques written when the worker is killed (of 60)


def _start_batch(stack, admin) -> tuple[int, Path]:
    path = "/staff/plaque-batches/"
    page, form = admin.form(path, action=path)
    assert form is not None, (page.status, page.headers.get("location"))
    form.set("region", str(stack.seed["region"]))
    form.set("year", str(stack.seed["year"]))
    reply = admin.submit(form)
    assert reply.status == 302, (reply.status, reply.body[-2000:])
    batch = int(reply.location.rstrip("/").rsplit("/", 1)[1])
    return batch, Path(stack.env["VAR_DIR"]) / "media" / "plaque-batches" / f"batch-{batch}"


def _written(folder: Path) -> int:
    return sum(1 for _ in folder.glob("*.pdf")) if folder.exists() else 0


def _status(admin, batch: int) -> dict:
    return json.loads(admin.get(f"/staff/plaque-batches/{batch}/status/").body)


def _kill_midway(stack, folder: Path) -> tuple[int, list[str]]:
    """SIGKILL the worker once KILL_AT plaques are written; returns how many were, and the deliveries left unacked."""
    wait_until(lambda: _written(folder) >= KILL_AT, timeout=120, interval=0.02, what=f"{KILL_AT} plaques")
    stack.worker.kill()
    redis = stack.redis.client()
    unacked = [json.loads(value)[0]["headers"]["id"] for value in redis.hvals("unacked")]
    return _written(folder), unacked


def _clock_moves(stack, batch: int, *, minutes: int) -> None:
    """The batch wrote its last plaque `minutes` earlier than it did (what the sweep compares with)."""
    stack.sql(
        "UPDATE publicity_plaquebatch SET progressed_at = progressed_at - make_interval(mins => %s) WHERE id = %s",
        [minutes, batch],
    )


def _broker_clock_moves(stack, *, seconds: int) -> None:
    """The deliveries still unacknowledged were made `seconds` earlier (what the visibility timeout compares with)."""
    redis = stack.redis.client()
    for tag, score in redis.zrange("unacked_index", 0, -1, withscores=True):
        redis.zadd("unacked_index", {tag: score - seconds})


def _finished(admin, batch: int) -> dict:
    return wait_until(lambda: (s := _status(admin, batch))["status"] == "done" and s, timeout=120, interval=0.3,
                      what=f"batch {batch} to finish")  # fmt: skip


def _drained(stack, deliveries: list[str]) -> None:
    """Every delivery named ran to the end in the worker, and the broker holds nothing more."""
    redis = stack.redis.client()

    def ran():
        output = stack.worker.output_of_this_start()
        assert not [tag for tag in deliveries if f"[{tag}] raised" in output], output[-3000:]
        return all(f"[{tag}] succeeded" in output for tag in deliveries)

    wait_until(lambda: ran() and not redis.hlen("unacked") and not redis.llen("celery"), timeout=120, interval=0.3,
               what="the redelivered chunks")  # fmt: skip


def _renders(stack, batch: int) -> Counter:
    lines = [line for line in stack.worker.output().splitlines() if f"rendered into batch {batch}" in line]
    return Counter(line.split("plaque ", 1)[1].split(" ", 1)[0] for line in lines)


def _zip_names(admin, batch: int) -> list[str]:
    reply = admin.get(f"/staff/plaque-batches/{batch}/download/")
    assert reply.status == 200, reply.status
    with zipfile.ZipFile(io.BytesIO(reply.raw)) as archive:
        assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())
        return archive.namelist()


def _figure(timeline: str, plaques: list[str], at_kill: int, status: dict, renders: Counter, names: list[str]) -> str:
    twice = sum(1 for count in renders.values() if count > 1)
    return (
        f"outage worker ({timeline}): {len(plaques)} plaques, worker SIGKILLed at {at_kill}/{len(plaques)}, "
        f"finished after restart {status['done']}/{status['total']} ({len(status['failures'])} failed), "
        f"ZIP {len(set(names))} plaques each once: {sorted(names) == sorted(f'{p}.pdf' for p in plaques)}, "
        f"rendered twice {twice}, never {len(set(plaques) - set(renders))}"
    )


def test_worker_killed_and_restarted_at_once_finishes_the_batch_after_the_sweep(stack, figures):
    plaques = stack.seed["plaques"]
    admin = signed_in(stack, stack.seed["batch_admin"])
    batch, folder = _start_batch(stack, admin)

    at_kill, killed = _kill_midway(stack, folder)
    stack.restart_worker()
    time.sleep(1)  # the killed chunk waits for the visibility timeout: nothing moves
    stalled, still = _status(admin, batch), _written(folder)
    _clock_moves(stack, batch, minutes=11)
    stack.send_task("awards.tasks.awards_sweep")  # beat, 10 minutes later
    status = _finished(admin, batch)
    renders, names = _renders(stack, batch), _zip_names(admin, batch)

    figures.append(_figure("restarted at once", plaques, at_kill, status, renders, names)
                   + f"; stalled at {still}/{stalled['total']} until the sweep")  # fmt: skip
    assert killed and stalled["status"] == "running" and still == at_kill < len(plaques)
    assert (status["done"], status["failures"]) == (len(plaques), [])
    assert sorted(names) == sorted(f"{p}.pdf" for p in plaques)
    assert renders == Counter(plaques)


def test_worker_down_for_over_an_hour_finishes_the_batch_once_when_it_starts(stack, figures):
    plaques = stack.seed["plaques"]
    admin = signed_in(stack, stack.seed["batch_admin"])
    batch, folder = _start_batch(stack, admin)

    at_kill, killed = _kill_midway(stack, folder)
    for _ in range(3):
        stack.send_task("awards.tasks.awards_sweep")  # beat goes on while the worker is down
    _clock_moves(stack, batch, minutes=70)
    _broker_clock_moves(stack, seconds=70 * 60)
    stack.restart_worker()
    status = _finished(admin, batch)
    _drained(stack, killed)
    renders, names = _renders(stack, batch), _zip_names(admin, batch)

    figures.append(_figure("down for over an hour", plaques, at_kill, status, renders, names)
                   + f"; {len(killed)} killed deliveries given back by the broker, all acknowledged")  # fmt: skip
    assert killed and at_kill < len(plaques)
    assert (status["done"], status["failures"]) == (len(plaques), [])
    assert sorted(names) == sorted(f"{p}.pdf" for p in plaques)
    assert renders == Counter(plaques)
