"""Moving the results' models from publicity to awards (issue 12) keeps every row of an existing database: the demo's
data, migrated back to the schema before the move and forward again, is all there, with its content types, the
permissions granted on them and the history."""

from io import StringIO

import pytest
from django.apps import apps as live_apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from tests.migrating import migrate_to

BEFORE = [("publicity", "0009_award_title"), ("awards", None)]
MOVED = ["announcement", "award", "revocation", "revocationevidence", "plaquebatch", "plaquefont"]

pytestmark = [pytest.mark.migrations, pytest.mark.django_db(transaction=True)]




def _counts(apps, app_label) -> dict[str, int]:
    return {name: apps.get_model(app_label, name).objects.count() for name in MOVED}




@pytest.mark.pdf
@pytest.mark.history
def test_the_demo_data_survives_the_move(tmp_path, settings, monkeypatch, back_to_the_latest_schema):
    from config.management.commands import seed_demo

    monkeypatch.setattr(seed_demo, "CREDENTIALS_FILE", tmp_path / "credentials.json")
    monkeypatch.setattr(seed_demo, "TOKENS_FILE", tmp_path / "tokens.json")
    call_command("seed_demo", stdout=StringIO())
    after = {name: live_apps.get_model("awards", name).objects.count() for name in MOVED}
    history = live_apps.get_model("awards", "award").history.count()
    revoked = set(live_apps.get_model("awards", "award").objects.filter(status="revoked").values_list("pk", flat=True))
    sysadmin_perms = set(Group.objects.get(name="系统管理员").permissions.values_list("pk", flat=True))

    old = migrate_to(BEFORE)
    before = _counts(old, "publicity")
    assert set(ContentType.objects.filter(model__in=MOVED).values_list("app_label", flat=True)) == {"publicity"}
    migrate_to()

    assert before == after
    assert {name: live_apps.get_model("awards", name).objects.count() for name in MOVED} == after
    assert (after["award"], after["announcement"], after["revocation"]) == (2, 3, 1)  # the demo: 2 awarded, 1 draft
    assert live_apps.get_model("awards", "award").history.count() == history
    # The award's status (awards 0002) is read again from its revocation date: the demo's revoked plaque stays revoked.
    assert len(revoked) == 1
    assert set(live_apps.get_model("awards", "award").objects.filter(status="revoked").values_list("pk", flat=True)) == revoked
    assert set(ContentType.objects.filter(model__in=MOVED).values_list("app_label", flat=True)) == {"awards"}
    assert set(Group.objects.get(name="系统管理员").permissions.values_list("pk", flat=True)) == sysadmin_perms
    assert Permission.objects.filter(content_type__app_label="awards", codename="view_award").exists()
