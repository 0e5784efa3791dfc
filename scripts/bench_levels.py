"""「十百千」 dashboard SQL queries (`make bench`): the province's dashboard (levels.views.dashboard) rendered with 10
titles in the ledger, then with 1,110: the figures come from GROUP BY queries on the programmes' region codes, so the
number of queries must not grow with the titles. Target: the same number.

Runs in a throwaway VAR_DIR on SQLite (BENCH_DATABASE_URL for another database, e.g. PostgreSQL: it must be empty; it
is migrated first). The world: 山东省 with its 16 cities, each with a county, the province's 10/100/1000 handed down
(levels.services), a benchmark programme per city and county, and titles spread over them. The page is fetched as
the province's viewer with Django's test Client after one warm-up request; queries are counted with
CaptureQueriesContext. Printed as `levels dashboard SQL queries, 10 vs 1,110 awards: A vs B  (target equal)  OK|MISS`.
"""

import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FOLDER = tempfile.mkdtemp(prefix="bench-levels-")
os.environ["VAR_DIR"] = FOLDER
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{FOLDER}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SMALL, BIG = 10, 1110
CITY_CODES = ("3701", "3702", "3703", "3704", "3705", "3706", "3707", "3708", "3709", "3710", "3711", "3713", "3714",
              "3715", "3716", "3717")


def world():
    """The province, its cities and one county each, the targets handed down, a programme per city and county."""
    from django.core.management import call_command

    from levels.services import Own, targets_save
    from portal.enums import DepartmentKind, Level, RegionLevel, Role
    from portal.models import Department, Programme, Region, User
    from portal.periods import FOURTEENTH

    call_command("migrate", verbosity=0)
    province = Region.objects.create(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    admin = User.objects.create(username="bench_admin", role=Role.PROGRAMME_ADMIN, full_name="bench", region=province)
    viewer = User.objects.create(username="bench_viewer", role=Role.VIEWER, full_name="bench", region=province,
                                 must_change_password=False)
    department = Department.objects.create(name="山东省人力资源和社会保障厅", kind=DepartmentKind.HR, region=province)
    programmes, shares = [], {}
    for index, prefix in enumerate(CITY_CODES):
        city = Region.objects.create(code=f"{prefix}00", name=f"第{index + 1}市", level=RegionLevel.CITY, parent=province)
        county = Region.objects.create(code=f"{prefix}02", name=f"第{index + 1}区", level=RegionLevel.COUNTY, parent=city)
        shares[city.pk] = {Level.CITY: 6, Level.COUNTY: 60}
        for region, level in ((city, Level.CITY), (county, Level.COUNTY)):
            programmes.append(Programme.objects.create(
                name=f"{region.name}{level}评定", level=level, region=region, period_name=FOURTEENTH.name,
                period_start=FOURTEENTH.start, period_end=FOURTEENTH.end, period_quota=100, lead_department=department))
    targets_save(region=province, period=FOURTEENTH, actor=admin, shares=shares,
                 own={Level.PROVINCE: Own(10), Level.CITY: Own(100), Level.COUNTY: Own(1000)})
    return viewer, programmes


def titles(programmes, count: int, start: int) -> None:
    from portal.models import Title

    Title.objects.bulk_create([
        Title(programme=programmes[(start + n) % len(programmes)], holder_name=f"机构{start + n}",
              awarded_on=date(2022 + (start + n) % 4, 12, 1))
        for n in range(count)
    ])


def queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/levels/")
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


def main() -> None:
    import django

    django.setup()
    from django.test import Client

    viewer, programmes = world()
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(viewer)
    client.get("/levels/")  # warm-up: the sign-in's session write and the first render's caches
    titles(programmes, SMALL, 0)
    few = queries(client)
    titles(programmes, BIG - SMALL, SMALL)
    many = queries(client)
    print(f"levels dashboard SQL queries, {SMALL:,} vs {BIG:,} awards: {few} vs {many}  (target equal)  "
          f"{'OK' if few == many else 'MISS'}", flush=True)


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(FOLDER, ignore_errors=True)
