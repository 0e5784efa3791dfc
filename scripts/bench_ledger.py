"""Ledger import (`make bench`): a 50,000-row 台账 of annex 4 (一)1 (登记失业人员就业率) imported from Excel by
rubrics/ledger.py, every row validated (ID numbers by GB 11643, dates, duplicates) and counted. Target (issue 14):
≤ 10 s on the 2-core machine.

The ledger is built first, seeded, in a temporary folder: valid ID numbers (check digits from stdnum.cn.ric), dates
as date cells and as text, a few rows refused (a wrong check digit, a duplicate, an impossible date) and a few
excluded (non-employment deregistrations). It is written in openpyxl's write-only mode, which states no sheet size:
openpyxl then reads the sheet twice (once looking for the size), the worst case (a file saved by Excel or WPS states
its size: about 15 % faster). Only the import is timed. Printed as
`ledger import, 50,000 rows: <seconds> s  (target ≤ 10 s)  OK|MISS`.
"""

import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

ROWS = 50_000
TARGET_SECONDS = 10.0
AREAS = ("440117", "440113", "440106", "440111", "440183")  # 从化, 番禺, 天河, 白云, 增城


def id_number(rng: random.Random, serial: int) -> str:
    from stdnum.cn import ric

    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(40 * 365))
    body = f"{rng.choice(AREAS)}{born:%Y%m%d}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum reads the number with its check digit


def build(path: Path, rng: random.Random) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账(一)1")
    sheet.append(["姓名", "身份证号码", "登记日期", "状态/去向", "注销原因", "备注"])
    reasons = ("已享受基本养老保险待遇", "入学", "服兵役", "移居境外", "死亡")
    numbers: list[str] = []
    for index in range(ROWS):
        number = id_number(rng, index)
        registered: object = datetime.date(2023, 10, 1) + datetime.timedelta(days=rng.randrange(365))
        status, reason = ("已就业" if rng.random() < 0.82 else "未就业"), None
        if rng.random() < 0.03:
            status, reason = None, rng.choice(reasons)
        if index % 7 == 0:
            registered = f"{registered:%Y/%-m/%-d}"  # typed as text
        if index % 997 == 0:
            number = number[:17] + ("0" if number[17] != "0" else "1")  # a wrong check digit
        if index % 1009 == 0 and numbers:
            number = rng.choice(numbers)  # a duplicate
        if index % 1013 == 0:
            registered = "2024-02-30"
        numbers.append(number)
        sheet.append([f"居民{index:05d}", number, registered, status, reason, None])
    workbook.save(path)


def main() -> None:
    import django

    django.setup()
    from rubrics.ledger import import_ledger
    from rubrics.standards import STANDARDS

    item = next(i for i in STANDARDS["gz_community_2024"]["items"] if i["code"] == "(一)1")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.xlsx"
        build(path, random.Random(2024))
        calls = []
        started = time.perf_counter()
        result = import_ledger(path, item, progress=lambda done, total: calls.append((done, total)),
                               period_end=datetime.date(2024, 9, 30))
        seconds = time.perf_counter() - started
    facts = result.facts()  # 41,000 or so achieved, 1,500 excluded, 160 refused
    assert len(result.rows) == ROWS and calls[-1] == (ROWS, ROWS), (len(result.rows), calls[-1:])
    assert facts["total"] == ROWS - result.refused and 0 < facts["excluded"] < facts["achieved"], facts
    ok = seconds <= TARGET_SECONDS
    print(
        f"ledger import, {ROWS:,} rows: {seconds:.2f} s  (target ≤ {TARGET_SECONDS:.0f} s)  {'OK' if ok else 'MISS'}",
        flush=True,
    )


if __name__ == "__main__":
    main()
