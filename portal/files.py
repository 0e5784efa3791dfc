"""Files in the configured storage: the local disk by default, an S3-compatible object store when S3_BUCKET is set.

Code reads and writes uploads and generated files through the storage API only (`field.open()`, `storage.save()`,
`storage.listdir()`), never by a path under MEDIA_ROOT, so that several web and worker containers can share one
store. Two libraries need a file on the local disk: WeasyPrint for images in a PDF (its fetcher reads allowed local
folders only) and HarfBuzz/fontTools for a plaque font. They get `local_copy()`: the file itself on the local disk,
else a copy in this process's own folder.
"""

import atexit
import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path, PurePosixPath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import Storage

# Copies kept per process. Stored names are random and a file is never rewritten under its name (portal.models.
# RandomName), so a copy never goes stale; the bound only keeps a long-lived process from filling its disk.
KEPT_COPIES = 64
CHUNK = 1024 * 1024

_process_folders: dict[str, tuple[int, Path]] = {}  # prefix → (pid, folder): a forked worker makes its own
_process_folders_lock = threading.Lock()


def is_local(storage: Storage) -> bool:
    """Whether the storage's files are files on this machine's disk (FileSystemStorage), with a path."""
    try:
        storage.path("x")
    except NotImplementedError:
        return False
    return True


def local_copy(file) -> Path | None:
    """A local file with the content of the stored `file` (a FieldFile), or None when it has no file or it is missing.

    On the local disk: the stored file itself. Otherwise a copy in `copies_folder()`, downloaded on first use. Errors
    of the store other than a missing file are raised: a PDF must not be made without its seal or font unnoticed.
    """
    if not file:
        return None
    storage, name = file.storage, file.name
    if is_local(storage):
        path = Path(storage.path(name))
        return path if path.is_file() else None
    folder = copies_folder()
    target = folder / (hashlib.sha256(name.encode()).hexdigest()[:32] + PurePosixPath(name).suffix.lower()[:10])
    if target.is_file():
        os.utime(target)  # recently used: kept longest
        return target
    fd, partial = tempfile.mkstemp(dir=folder, prefix=".partial-")
    try:
        with os.fdopen(fd, "wb") as sink, storage.open(name, "rb") as source:
            shutil.copyfileobj(source, sink, CHUNK)
        os.replace(partial, target)  # whole or absent, whatever another thread does meanwhile
    except FileNotFoundError:
        Path(partial).unlink(missing_ok=True)
        return None
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    _forget_oldest(folder)
    return target


def process_folder(prefix: str) -> Path:
    """This process's own temporary folder named by `prefix` (mode 0700, removed when the process exits); a forked
    process gets a new one, and so does one whose folder was removed under it."""
    with _process_folders_lock:
        kept = _process_folders.get(prefix)
        if kept is None or kept[0] != os.getpid() or not kept[1].is_dir():
            kept = _process_folders[prefix] = (os.getpid(), Path(tempfile.mkdtemp(prefix=prefix)))
            atexit.register(shutil.rmtree, kept[1], ignore_errors=True)
        return kept[1]


def copies_folder() -> Path:
    """This process's folder of local copies (mode 0700, removed when the process exits)."""
    return process_folder("portal-files-")


def _forget_oldest(folder: Path) -> None:
    copies = sorted((path for path in folder.iterdir() if not path.name.startswith(".")), key=_used_at)
    for path in copies[:-KEPT_COPIES]:
        path.unlink(missing_ok=True)


def _used_at(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def save_whole(storage: Storage, name: str, content: File) -> None:
    """Store `content` under exactly `name`, replacing a file of that name, and never half of it: a reader (or a rerun
    after a killed writer) finds the whole file or none. An object store writes an object whole; on the local disk
    the file is written under a temporary name and renamed, which Storage.save cannot do."""
    content.seek(0)
    if not is_local(storage):
        storage.delete(name)  # else save() would pick another name
        if storage.save(name, content) != name:
            raise OSError(f"the storage stored {name!r} under another name")
        return
    path = Path(storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.parent.resolve().is_relative_to(Path(storage.path("")).resolve()):  # a symbolic link on the way
        raise SuspiciousFileOperation(f"{name!r} would be written outside the storage's folder")
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(fd, "wb") as sink:
            shutil.copyfileobj(content, sink, CHUNK)
        os.chmod(partial, getattr(storage, "file_permissions_mode", None) or 0o640)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def walk(storage: Storage, folder: str = ""):
    """The name of every file in the storage under `folder`, in a stable order (folders by name, then files by name).

    Nothing for a local storage whose folder does not exist yet. On the local disk, names starting with "." (partial
    files being written) and symbolic links are skipped, as os.walk would.
    """
    local = is_local(storage)
    if local and not Path(storage.path(folder)).is_dir():
        return
    folders, files = storage.listdir(folder)
    for name in sorted(folders):
        path = f"{folder}/{name}" if folder else name
        if not (local and _skipped(storage, name, path)):
            yield from walk(storage, path)
    for name in sorted(files):
        path = f"{folder}/{name}" if folder else name
        if not (local and _skipped(storage, name, path)):
            yield path


def _skipped(storage: Storage, name: str, path: str) -> bool:
    return name.startswith(".") or Path(storage.path(path)).is_symlink()
