# Two commands do all set-up on a fresh Debian 12 machine (root or sudo, Python 3.11):
#   make demo   — installs what is missing, loads the demo data and runs the portal with a Celery worker and beat
#   make test   — installs what the tests need and runs the whole suite (SQLite by default;
#                 PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set)
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
PY := .venv/bin/python

# WeasyPrint's runtime (it subsets the fonts it embeds with libharfbuzz-subset0), the plaque fonts (free stand-ins)
# and gettext for the translations.
RUNTIME_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 shared-mime-info \
	fonts-noto-cjk fonts-lxgw-wenkai gettext
# Browser tests use Debian's Chromium; PDF checks use poppler's pdftotext/pdffonts/pdftoppm/pdfinfo; the antivirus
# tests start their own clamd from clamav-daemon (own config and EICAR-only database, tests/clamd.py).
TEST_PACKAGES := chromium poppler-utils clamav-daemon

.PHONY: demo test test-fast setup setup-test messages check bench clean

# Tests write their bytecode (and pytest its rewritten test modules) even where the environment says not to: without
# it every run compiles the project again, seconds before the first test.
test test-fast bench: export PYTHONDONTWRITEBYTECODE :=

demo: setup
	$(PY) manage.py demo

test: setup-test
	$(PY) -m pytest $(PYTEST_ARGS)

# The fast loop: the suite without the browser, real-worker, outage, antivirus, concurrency, migration, object-store,
# lint, fuzz, PDF and backup tests (the markers in tests/conftest.py's SLOW_MARKERS).
test-fast: setup
	$(PY) -m pytest --fast -q $(PYTEST_ARGS)

setup: .venv/.synced messages
	@scripts/ensure-system-packages $(RUNTIME_PACKAGES)

setup-test: setup
	@scripts/ensure-system-packages $(TEST_PACKAGES)

$(UV):
	@scripts/ensure-system-packages $(RUNTIME_PACKAGES)
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q uv

# Re-sync only when the lock file changes.
.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

messages: .venv/.synced
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=.tools -v0

# Security and deploy checks that CI runs after the tests.
check: setup
	.venv/bin/ruff check .
	.venv/bin/lint-imports --no-cache
	$(PY) -m bandit -q -c pyproject.toml -r config portal levels rubrics platforms satisfaction complaints appraisal applications review publicity awards communities \
		reporting showcase -lll
	DATABASE_URL=sqlite://:memory: $(PY) manage.py makemigrations --check --dry-run -v0
	DJANGO_DEBUG=0 SECRET_KEY=$$($(PY) -c "import secrets;print(secrets.token_urlsafe(64))") \
		AUDIT_HMAC_KEY=$$($(PY) -c "import secrets;print(secrets.token_urlsafe(48))") \
		SECURE_SSL_REDIRECT=1 SESSION_COOKIE_SECURE=1 ALLOWED_HOSTS=portal.example.gov.cn \
		$(PY) manage.py check --deploy --fail-level WARNING

# Performance figures, one line each against its target (OK or MISS); BENCH_PLAQUES=200 shortens the plaque batch,
# BENCH_SKIP_SUITE=1 skips the unit tests' average (a run of the suite, about 3 minutes). The HTTP figures run on
# PostgreSQL and Redis as production does: a throwaway database (BENCH_DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/wtbench_<pid>, created and dropped) and a Redis database flushed before and after
# (BENCH_REDIS_URL, default redis://127.0.0.1:6379/10); without them, one SKIP line says which is missing.
bench: setup
	$(PY) scripts/bench_plaque.py
	$(PY) scripts/bench_http.py
	$(PY) scripts/bench_levels.py
	$(PY) scripts/bench_rubrics.py
	$(PY) scripts/bench_ledger.py
	$(PY) scripts/bench_ledger_store.py
	$(PY) scripts/bench_suite.py

clean:
	rm -rf .venv $(TOOLS) staticfiles
