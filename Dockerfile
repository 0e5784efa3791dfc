# Portal image: one image for web (gunicorn), worker/beat (celery) and the one-shot migrate job.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    PATH="/app/.venv/bin:$PATH"

# WeasyPrint runtime (Pango/HarfBuzz/JPEG; it subsets embedded fonts with libharfbuzz-subset0), CJK fonts for
# the generated PDFs,
# gettext for msgfmt (compilemessages).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo shared-mime-info \
      fonts-noto-cjk fonts-lxgw-wenkai \
      gettext \
 && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv

WORKDIR /app

# Dependencies first, so this layer is reused until pyproject.toml/uv.lock change.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .

# .mo files are compiled into the image (the migrate container's filesystem is not
# shared with web/worker). DJANGO_SETTINGS_MODULE is blanked so no settings/env are
# needed at build time; .venv is skipped (third-party catalogs ship compiled).
RUN DJANGO_SETTINGS_MODULE= django-admin compilemessages --ignore=.venv \
 && chmod 0755 docker/entrypoint.sh \
 && useradd --system --user-group --home-dir /app/var --no-create-home portal \
 && mkdir -p /app/var /app/media /app/staticfiles /app/audit \
 && chown portal:portal /app/var /app/media /app/staticfiles /app/audit \
 && chmod 0700 /app/audit

USER portal
EXPOSE 8000

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
