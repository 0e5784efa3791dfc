"""portal/files.py on the local disk (FileSystemStorage); the object store's side is in tests/test_object_storage.py."""

import os

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from awards.models import PlaqueFont
from portal import files


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_local_disk_is_local():
    assert files.is_local(default_storage) is True


@pytest.mark.django_db
def test_local_copy_of_a_file_on_the_disk_is_the_file_itself_and_none_once_it_is_gone(media_root):
    font = PlaqueFont(role="weibei", name="字体")
    font.file.save("font.ttf", ContentFile(b"font"), save=False)

    found = files.local_copy(font.file)
    default_storage.delete(font.file.name)

    assert found == media_root / font.file.name
    assert files.local_copy(font.file) is None
    assert files.local_copy(PlaqueFont().file) is None  # no file at all


def test_walk_lists_every_file_in_order_without_partial_files_or_symbolic_links(media_root, tmp_path):
    for name in ("b/2.pdf", "b/1.pdf", "a.png", "b/c/3.pdf", "b/.partial-x"):
        default_storage.save(name, ContentFile(b"x"))
    (tmp_path / "secret").write_text("not an upload")
    os.symlink(tmp_path / "secret", media_root / "b" / "link.pdf")
    os.symlink(tmp_path, media_root / "linked-folder")

    assert list(files.walk(default_storage)) == ["b/c/3.pdf", "b/1.pdf", "b/2.pdf", "a.png"]
    assert list(files.walk(default_storage, "b/c")) == ["b/c/3.pdf"]
    assert list(files.walk(default_storage, "missing")) == []


def test_save_whole_writes_the_exact_name_replacing_a_file_there(media_root):
    default_storage.save("batch/1.pdf", ContentFile(b"old"))

    files.save_whole(default_storage, "batch/1.pdf", ContentFile(b"new"))
    files.save_whole(default_storage, "batch/2.pdf", ContentFile(b"two"))

    assert (media_root / "batch" / "1.pdf").read_bytes() == b"new"
    assert sorted(path.name for path in (media_root / "batch").iterdir()) == ["1.pdf", "2.pdf"]  # no partial left
    assert (media_root / "batch" / "2.pdf").stat().st_mode & 0o777 == 0o640


def test_save_whole_refuses_a_symbolic_link_out_of_the_folder(media_root, tmp_path):
    media_root.mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", media_root / "out")

    with pytest.raises(SuspiciousFileOperation):
        files.save_whole(default_storage, "out/x.pdf", ContentFile(b"x"))

    assert list((tmp_path / "elsewhere").iterdir()) == []
