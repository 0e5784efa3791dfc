"""Settings of the HTTP benchmark (scripts/bench_http.py): the portal's own, plus the bare views' URLs.

Importable as `bench_settings` with scripts/ on the path; the environment (VAR_DIR, DATABASE_URL of the throwaway
PostgreSQL database, REDIS_URL, STATIC_ROOT) is the benchmark's, set before this module is imported. Nothing else
differs from production: the same middleware, caches and sessions.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
DEBUG = False
