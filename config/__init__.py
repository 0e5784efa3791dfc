"""The project package, the top layer: settings, URLs, the Celery app, the role home pages and the demo commands.

Only this package may import every app; the apps below it never import it (import-linter, `make check`).
"""

from config.celery import app as celery_app

__all__ = ("celery_app",)
