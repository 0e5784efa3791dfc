"""Settings of the HTTP benchmark (scripts/bench_http.py): the portal's own, plus a bare view's URL.

Importable as `bench_settings` with scripts/ on the path; the environment (VAR_DIR, DATABASE_URL, STATIC_ROOT) is
the benchmark's throwaway one, set before this module is imported.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
DEBUG = False
