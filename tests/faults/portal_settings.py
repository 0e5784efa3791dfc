"""Settings of the portal processes the fault tests start: the portal's own, read from the throwaway environment.

Only one override: static files without the manifest, so the processes need no collectstatic (seconds of the tests'
time that say nothing about outages); DEBUG stays off, so errors reach the portal's own 500/503 handler.
"""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
