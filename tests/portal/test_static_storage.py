"""Production's static storage (portal/static_storage.py): the manifest's URLs, each worked out once per process."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from portal.static_storage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    manifest = {"version": "1.1", "hash": "0123456789ab", "paths": {"css/portal.css": "css/portal.0123abcd.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_the_url_is_the_manifests_and_is_worked_out_once(storage, monkeypatch):
    calls = []
    real = CompressedManifestStaticFilesStorage.url
    counted = lambda self, *args, **kwargs: calls.append(args) or real(self, *args, **kwargs)  # noqa: E731
    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url", counted)
    fresh = StaticFilesStorage(location=storage.location, base_url="/static/")

    assert [fresh.url("css/portal.css") for _ in range(3)] == ["/static/css/portal.0123abcd.css"] * 3
    assert len(calls) == 1


def test_a_file_missing_from_the_manifest_is_refused_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
