"""Ledger import in the portal, end to end (issue 14): the 50,000-row ledger of scripts/bench_ledger.py uploaded to an
assessment and imported as the Celery task does it — the upload inspected (applications.uploads through
rubrics.uploads) and stored, then rubrics.ledger_uploads.ledger_run: the file read, every row classified, the progress
written to the database every 1,000 rows, the 50,000 rows stored (bulk_create), the counts written and the file
deleted. Target ≤ 10 s on the 2-core machine, as for the import alone.

Runs in a throwaway VAR_DIR on SQLite (BENCH_DATABASE_URL for another database, e.g. PostgreSQL: it must be empty;
it is migrated first, not timed). Printed as
`ledger import with storing, 50,000 rows: <seconds> s (upload <s>, import <s>, storing <s>)  (target ≤ 10 s)  OK|MISS`.
"""

import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
FOLDER = tempfile.mkdtemp(prefix="bench-ledger-")
os.environ["VAR_DIR"] = FOLDER
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{FOLDER}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TARGET_SECONDS = 10.0


def world():
    from django.core.management import call_command

    from portal.enums import Role
    from portal.models import User
    from rubrics.assessments import assessment_create
    from rubrics.services import rubric_install
    from rubrics.standards import STANDARDS

    call_command("migrate", verbosity=0)
    admin = User.objects.create(username="bench", role=Role.SYSTEM_ADMIN, full_name="bench")
    rubric = rubric_install(STANDARDS["gz_community_2024"], standard="gz_community_2024", actor=admin)
    return admin, assessment_create(rubric=rubric, subject="黄竹塱社区", period="2024年度", actor=admin)


def main() -> None:
    import django

    django.setup()
    import bench_ledger
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rubrics import ledger_uploads
    from rubrics.models import LedgerEntry

    admin, assessment = world()
    path = Path(FOLDER) / "ledger.xlsx"
    bench_ledger.build(path, random.Random(2024))
    content = path.read_bytes()
    stored = {}
    store = ledger_uploads._store

    def timed_store(*args):
        started = time.perf_counter()
        store(*args)
        stored["seconds"] = time.perf_counter() - started

    ledger_uploads._store = timed_store
    started = time.perf_counter()
    upload = ledger_uploads.ledger_start(assessment=assessment, item_code="(一)1", actor=admin,
                                         uploaded=SimpleUploadedFile("台账.xlsx", content))
    uploaded = time.perf_counter() - started
    ledger_uploads.ledger_run(upload.pk, upload.attempt)
    seconds = time.perf_counter() - started
    upload.refresh_from_db()
    assert upload.status == "done" and LedgerEntry.objects.filter(upload=upload).count() == bench_ledger.ROWS, upload.error
    ok = seconds <= TARGET_SECONDS
    print(
        f"ledger import with storing, {bench_ledger.ROWS:,} rows: {seconds:.2f} s (upload {uploaded:.2f} s, import "
        f"{seconds - uploaded - stored['seconds']:.2f} s, storing {stored['seconds']:.2f} s)  "
        f"(target ≤ {TARGET_SECONDS:.0f} s)  {'OK' if ok else 'MISS'}",
        flush=True,
    )


if __name__ == "__main__":
    main()
