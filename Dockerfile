# Kiezmarkt's image for web, worker and beat (docker-compose.yml says which runs what).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=marketplace.settings.production \
    KIEZMARKT_VAR_DIR=/app/var \
    PYTHONPATH=/app

WORKDIR /app
RUN groupadd --system kiez \
    && useradd --system --gid kiez --home-dir /app --shell /usr/sbin/nologin kiez

COPY . .
# Dependencies from pyproject.toml. Every process imports the apps from /app (PYTHONPATH), where
# their templates, translations and settings' BASE_DIR are. Translations are compiled here, so the
# image needs no gettext at run time. var/ belongs to the app user: static files, uploads, beat.
RUN pip install . \
    && apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && DJANGO_SETTINGS_MODULE=marketplace.settings.dev \
       python manage.py compilemessages --ignore=var -v 0 \
    && apt-get purge -y gettext && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /app/var/media /app/var/static \
    && chown -R kiez:kiez /app/var

USER kiez
EXPOSE 8000
CMD ["gunicorn", "marketplace.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
