"""Render a Django template to PDF with WeasyPrint: system CJK fonts, local files only, fonts embedded as subsets.

Every PDF of the portal (the annex 2 application form, department documents, plaques) goes through `render_pdf`,
so the two safety rules live here once: nothing is ever fetched from the network, and only files under the static
folder, the private uploads and the system fonts can end up in a document.
"""

import mimetypes
import threading
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from portal.files import copies_folder

SYSTEM_FONT_DIR = Path("/usr/share/fonts")

# Defaults every portal PDF shares; a template's own <style> comes later in the cascade and wins.
# Noto Serif CJK SC stands in for 仿宋/宋体 (Debian ships no GB fonts); without a CJK family first, Pango would pick
# Latin fonts and fall back glyph by glyph.
BASE_CSS = """
@page { size: A4 portrait; margin: 2.5cm; }
html { font-family: "Noto Serif CJK SC", serif; font-size: 12pt; }
"""

_font_config: FontConfiguration | None = None
# WeasyPrint (Pango/fontconfig) is not thread-safe, and the font configuration is shared: one render at a time per
# process. Gunicorn sync workers and Celery prefork render in separate processes, so this costs nothing there.
_render_lock = threading.Lock()


def _font_configuration() -> FontConfiguration:
    """The process-wide font configuration, created on first use (Pango keeps its font cache warm inside it)."""
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


def _allowed_roots() -> list[Path]:
    # Read at call time: tests override MEDIA_ROOT. Uploads are read from MEDIA_ROOT, or from this process's local
    # copies of files in an object store (portal.files.local_copy).
    roots = (Path(settings.BASE_DIR) / "static", Path(settings.MEDIA_ROOT), copies_folder(), SYSTEM_FONT_DIR)
    return [root.resolve() for root in roots]


def local_path_for(url: str) -> Path:
    """The file a `file://` URL names, if it lies in an allowed folder; ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise ValueError(f"PDF rendering reads local files only; refused {url[:200]!r}")
    path = Path(url2pathname(parts.path)).resolve()  # resolve(): no way out through `..` or a symlink
    if not any(path.is_relative_to(root) for root in _allowed_roots()):
        raise ValueError(f"PDF rendering may not read {str(path)[:200]!r}")
    return path


class LocalFileFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves allowed local files and refuses everything else (never the network).

    WeasyPrint catches the ValueError, logs it and renders without the resource.
    """

    def fetch(self, url, headers=None):
        path = local_path_for(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})


def render_pdf(template_name: str, context: dict, *, base_url=None) -> bytes:
    """Render `template_name` with `context` to PDF bytes (A4 unless the template says otherwise).

    Relative URLs in the template resolve against `base_url` (a folder path or file:// URL; default: the project's
    static folder). No side effects: nothing is written or fetched outside the allowed folders.
    """
    html_string = render_to_string(template_name, context)
    if base_url is None:
        base_url = Path(settings.BASE_DIR) / "static"
    if isinstance(base_url, Path):
        base_url = base_url.resolve().as_uri() + "/"
    fetcher = LocalFileFetcher()
    with _render_lock:
        font_config = _font_configuration()
        base_css = CSS(string=BASE_CSS, font_config=font_config, url_fetcher=fetcher)
        html = HTML(string=html_string, base_url=base_url, url_fetcher=fetcher)
        return html.write_pdf(stylesheets=[base_css], font_config=font_config)
