"""Plaque rendering benchmark (`make bench`): warm render time, PDF size, and a batch of 1,110 plaques on 2 processes.

Each figure is one line `<figure>: <value>  (target <target>)  OK|MISS`. BENCH_PLAQUES=200 shortens the batch (the
time for 1,110 is then extrapolated, and the line says so). Runs on the default database (migrated first), with
the fonts an admin installed or the Debian stand-ins. Times are wall-clock, so they only mean something on a machine
doing nothing else; the batch's CPU time per plaque is the figure that holds on a busy one.
"""

import dataclasses
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH_TARGET = 1110
BATCH_SECONDS = 60.0
WORKERS = 2
SAMPLES = 20

NAMES = [
    "高青县鲁中人力资源服务有限公司",
    "高青县公共就业和人才服务中心",
    "淄博市张店区马尚街道劳动就业和社会保障服务中心",
    "高青县芦湖街道零工驿站",
    "山东省淄博市高青县鲁中人力资源服务有限公司芦湖街道零工驿站公共就业和人才服务中心",
    "高青县青城镇便民服务中心（就业服务站）",
]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def sample_spec(number: int):
    from awards.plaque import PlaqueSpec

    return PlaqueSpec(
        institution_name=NAMES[number % len(NAMES)],
        title="县级就业服务质量标杆机构",
        issuers=("高青县人力资源和社会保障局", "高青县发展和改革局", "高青县民政局"),
        year_month="2022年12月",
        plaque_number=f"GQ-2022-{number:04d}",
        verify_url=f"https://jyfw.example.gov.cn/awards/verify/GQ-2022-{number:04d}/",
    )


def report(figure: str, value: str, target: str, ok: bool) -> None:
    print(f"{figure}: {value}  (target {target})  {'OK' if ok else 'MISS'}", flush=True)


def _worker_start(ready) -> None:
    """Set up Django and render once (fonts, caches), then wait until every worker is warm."""
    setup_django()
    from awards.plaque import render_plaque

    render_plaque(sample_spec(0))
    ready.wait()


def _worker_render(number: int) -> tuple[int, float]:
    """The PDF's size and the CPU seconds its render took in this worker."""
    from awards.plaque import render_plaque

    started = time.process_time()
    size = len(render_plaque(sample_spec(number)))
    return size, time.process_time() - started


def bench_single() -> tuple[int, float]:
    """Warm render against a bare WeasyPrint render of the same HTML, interleaved; returns the largest PDF size and
    the bare render's median in ms."""
    import weasyprint

    from awards.plaque import plaque_html, render_plaque

    for number in range(3):
        render_plaque(sample_spec(number))
    warm, bare, sizes = [], [], []
    for number in range(SAMPLES):
        spec = sample_spec(number)
        started = time.perf_counter()
        sizes.append(len(render_plaque(spec)))
        warm.append(time.perf_counter() - started)
        with plaque_html(spec) as html:
            started = time.perf_counter()
            weasyprint.HTML(string=html).write_pdf()
            bare.append(time.perf_counter() - started)
    warm_ms, bare_ms = statistics.median(warm) * 1000, statistics.median(bare) * 1000
    report(
        f"plaque warm render (median of {SAMPLES})",
        f"{warm_ms:.0f} ms",
        f"≤ 1.5 × bare WeasyPrint {bare_ms:.0f} ms = {1.5 * bare_ms:.0f} ms",
        warm_ms <= 1.5 * bare_ms,
    )
    report("plaque warm / bare render", f"{warm_ms / bare_ms:.2f}×", "≤ 1.50×", warm_ms <= 1.5 * bare_ms)
    long_name = dataclasses.replace(sample_spec(0), institution_name="山东省淄博市高青县" * 4 + "就业服务中心")
    return max([*sizes, len(render_plaque(long_name))]), bare_ms


def bench_batch(count: int, bare_ms: float) -> None:
    context = multiprocessing.get_context("spawn")  # fresh workers, as Celery's prefork children are after a restart
    ready = context.Barrier(WORKERS + 1)
    with context.Pool(WORKERS, initializer=_worker_start, initargs=(ready,)) as pool:
        ready.wait()
        started = time.perf_counter()
        results = pool.map(_worker_render, range(count), chunksize=10)
        elapsed = time.perf_counter() - started
    sizes = [size for size, _cpu in results]
    cpu_ms = statistics.mean(cpu for _size, cpu in results) * 1000
    per_second = count / elapsed
    projected = BATCH_TARGET / per_second
    label = f"plaque batch of {BATCH_TARGET} on {WORKERS} processes"
    if count != BATCH_TARGET:
        label += f" (extrapolated from {count})"
    report(label, f"{projected:.1f} s", f"≤ {BATCH_SECONDS:.0f} s", projected <= BATCH_SECONDS)
    # Against bare renders in this run: the plaque's own work (subsetting, layout, files) stays a small share.
    bare_batch = BATCH_TARGET * bare_ms / 1000 / WORKERS
    report(
        "plaque batch / bare renders on as many processes",
        f"{projected / bare_batch:.2f}×",
        f"≤ 1.25 × ({BATCH_TARGET} × bare {bare_ms:.0f} ms ÷ {WORKERS} = {bare_batch:.1f} s)",
        projected <= 1.25 * bare_batch,
    )
    needed = BATCH_TARGET / BATCH_SECONDS
    report("plaque batch throughput", f"{per_second:.1f} plaques/s", f"≥ {needed:.1f} plaques/s", per_second >= needed)
    # The CPU time does not grow when other programs share the machine, the wall time does.
    budget_ms = WORKERS * BATCH_SECONDS / BATCH_TARGET * 1000
    report("plaque batch CPU time per plaque", f"{cpu_ms:.0f} ms", f"≤ {budget_ms:.0f} ms", cpu_ms <= budget_ms)
    report("plaque batch largest PDF", f"{max(sizes) / 1024:.1f} KB", "≤ 100 KB", max(sizes) <= 100 * 1024)


def main() -> None:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    load = os.getloadavg()[0]
    report("machine load before the plaque bench", f"{load:.1f}", "≤ 0.5, else the times are high", load <= 0.5)
    largest, bare_ms = bench_single()
    report(
        "plaque PDF size (largest, incl. a 40-character name)",
        f"{largest / 1024:.1f} KB",
        "≤ 100 KB",
        largest <= 100 * 1024,
    )
    bench_batch(int(os.environ.get("BENCH_PLAQUES", BATCH_TARGET)), bare_ms)


if __name__ == "__main__":
    main()
