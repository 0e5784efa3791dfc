"""The rows the fault tests need, written into their throwaway database with the tests' own factories and builders.

Run as `python -m tests.faults.seed APPLICANTS AWARDS` with the throwaway environment (DATABASE_URL, VAR_DIR, …): it
migrates the empty database, then writes the rows and prints one JSON line: the accounts (one password), the applications ready to submit, the notice open for objections and
the jurisdiction whose awards make a plaque batch.
"""

import json
import sys
from datetime import timedelta

PASSWORD = "Fault-pass-2026"


def seed(applicants: int, awards: int) -> dict:
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal import services as portal_services
    from portal.models import User
    from portal.selectors import programme_admins
    from tests.applications.factories import ApplicationFactory, AwardFactory, make_complete
    from tests.factories import ProgrammeFactory, RoundFactory, UserFactory
    from tests.publicity.publicity_builders import listed_round, publish

    # The factories hash a password per account (~0.3 s each with the portal's hasher): a fast one here, and the
    # portal's own hash of PASSWORD, made once, for every account at the end.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    ]
    now = timezone.now()
    # An open round and complete drafts, one institution (and one applicant with an e-mail address) each.
    round = RoundFactory(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30))
    drafts = [
        make_complete(ApplicationFactory(round=round, created_by__username=f"fault-applicant-{n:02d}"))
        for n in range(applicants)
    ]
    # A notice open for objections (published a minute ago), with its programme's admin to be told of each one.
    listed = listed_round(names=("甲", "乙"))
    notice = publish(listed, now - timedelta(minutes=1))
    # The awards of a jurisdiction's year, and an admin who may batch their plaques.
    programme = ProgrammeFactory()
    batch_admin = UserFactory(username="fault-batch-admin")
    portal_services.programme_admin_grant(programme=programme, user=batch_admin)
    # A programme admin signs in with a second factor: authenticator apps whose keys the test holds, one for each
    # sign-in (a code is good once: two sign-ins within the same 30 seconds need two apps).
    totp_keys = [TOTPDevice.objects.create(user=batch_admin, name=f"totp-{n}", confirmed=True).key for n in range(6)]
    plaques = [AwardFactory(programme=programme, plaque_number=f"FT-2026-{n:03d}").plaque_number for n in range(awards)]
    User.objects.update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"), password_changed_at=now)
    return {
        "password": PASSWORD,
        "applications": [{"id": a.pk, "username": a.created_by.username} for a in drafts],
        "notice": notice.pk,
        "notice_admins": len(programme_admins(listed.programme)),  # each is told of every objection
        "entries": list(notice.entries.order_by("rank").values_list("pk", flat=True)),
        "batch_admin": batch_admin.username,
        "totp_keys": {batch_admin.username: totp_keys},
        "region": programme.region_id,
        "year": 2026,
        "plaques": plaques,
    }


if __name__ == "__main__":
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(seed(int(sys.argv[1]), int(sys.argv[2]))))
